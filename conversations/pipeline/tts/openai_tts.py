"""OpenAI text-to-speech (`/v1/audio/speech`, response_format "pcm") streamed as PCM16."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator

import httpx
import openai
from openai import AsyncOpenAI

from conversations.pipeline.interfaces import (
    ProviderError,
    ProviderUnavailable,
    SynthesizedAudio,
    VoiceSettings,
)

# OpenAI documents "pcm" as raw 24 kHz 16-bit signed little-endian mono, with no header.
OPENAI_PCM_SAMPLE_RATE = 24_000
_READ_SIZE = 4800  # 100 ms of audio per read

# The SDK maps errors to openai.* only while sending; errors while reading the streamed
# body surface raw from its HTTP library (httpx2 in openai 3, httpx before).
try:
    import httpx2

    _TRANSPORT_TIMEOUTS: tuple[type[Exception], ...] = (
        httpx.TimeoutException,
        httpx2.TimeoutException,
    )
    _TRANSPORT_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, httpx2.HTTPError)
except ImportError:
    _TRANSPORT_TIMEOUTS = (httpx.TimeoutException,)
    _TRANSPORT_ERRORS = (httpx.HTTPError,)


def emotion_instructions(model: str, emotion: str | None) -> str | None:
    """Steering text for models that take `instructions` (gpt-4o-*-tts); tts-1 does not."""
    if not emotion or emotion == "neutral" or not model.startswith("gpt-4o"):
        return None
    return f"Speak in a {emotion} tone, matching the feeling of the words."


class OpenAITTS:
    """TextToSpeech through OpenAI's speech API or any server that speaks it."""

    def __init__(
        self,
        base_url: str | None,
        api_key: str,
        model: str = "gpt-4o-mini-tts",
        timeout_s: float = 30,
    ) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.model = model
        self.timeout_s = timeout_s
        # One client per event loop: its pooled connections cannot cross loops, and a
        # client per call would pay a TLS handshake for every sentence.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncOpenAI] = weakref.WeakKeyDictionary()

    def _client(self) -> AsyncOpenAI:
        loop = asyncio.get_running_loop()
        if loop not in self._clients:
            # No retries: a realtime turn is better served by failing fast.
            self._clients[loop] = AsyncOpenAI(
                base_url=self.base_url,
                api_key=self.api_key,
                timeout=self.timeout_s,
                max_retries=0,
            )
        return self._clients[loop]

    async def synthesize(
        self, text: str, *, voice: VoiceSettings, emotion: str | None = None
    ) -> AsyncIterator[SynthesizedAudio]:
        """Stream 24 kHz PCM16 chunks as OpenAI sends them (no phoneme marks)."""
        if not text.strip():
            return
        options: dict[str, object] = {}
        instructions = emotion_instructions(self.model, emotion)
        if instructions:
            options["instructions"] = instructions
        if voice.speed != 1.0:
            options["speed"] = voice.speed
        speech = self._client().audio.speech.with_streaming_response
        leftover = b""
        try:
            async with speech.create(
                model=self.model,
                voice=voice.openai_voice,
                input=text,
                response_format="pcm",
                **options,  # type: ignore[arg-type]
            ) as response:
                async for data in response.iter_bytes(_READ_SIZE):
                    # Reads may end mid-sample: carry the odd byte into the next chunk.
                    data = leftover + data
                    usable = len(data) - len(data) % 2
                    leftover = data[usable:]
                    if usable:
                        yield SynthesizedAudio(data[:usable], OPENAI_PCM_SAMPLE_RATE)
        except (openai.APITimeoutError, *_TRANSPORT_TIMEOUTS) as exc:
            raise ProviderError("tts_timeout", f"OpenAI TTS timed out after {self.timeout_s} s") from exc
        except openai.APIConnectionError as exc:
            where = self.base_url or "api.openai.com"
            raise ProviderUnavailable("tts_unavailable", f"OpenAI TTS at {where} is not reachable") from exc
        except openai.APIStatusError as exc:
            raise ProviderError("tts_error", f"OpenAI TTS (HTTP {exc.status_code}): {exc.message}") from exc
        except _TRANSPORT_ERRORS as exc:
            raise ProviderError("tts_error", f"OpenAI TTS stream failed: {exc!r}") from exc
