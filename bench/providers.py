"""Zero-latency stand-in providers, so benchmarks and stage tests measure the pipeline itself."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from functools import cache

import numpy as np

from conversations.pipeline.interfaces import ChatMessage, ProviderError, SynthesizedAudio, Transcript, VoiceSettings


class InstantSTT:
    """Returns a fixed transcript at once."""

    def __init__(self, text: str = "안녕하세요") -> None:
        self.text = text
        self.calls = 0

    async def transcribe(self, pcm: bytes, sample_rate: int, language: str | None) -> Transcript:
        self.calls += 1
        return Transcript(text=self.text, language=language)


class ScriptedLLM:
    """Streams a scripted reply in small deltas, optionally paced or failing."""

    offline = False

    def __init__(self, reply: str, delta_chars: int = 3, delay_s: float = 0.0, fail_after: int | None = None) -> None:
        self.reply = reply
        self.delta_chars = delta_chars
        self.delay_s = delay_s
        self.fail_after = fail_after
        self.requests: list[list[ChatMessage]] = []
        self.finished_at: float | None = None

    async def stream_reply(
        self, messages: Sequence[ChatMessage], *, model: str | None = None, temperature: float = 0.8
    ) -> AsyncIterator[str]:
        self.requests.append(list(messages))
        for number, start in enumerate(range(0, len(self.reply), self.delta_chars)):
            if self.fail_after is not None and number >= self.fail_after:
                raise ProviderError("llm_error", "scripted failure")
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            else:
                await asyncio.sleep(0)  # yield like a network stream would
            yield self.reply[start : start + self.delta_chars]
        self.finished_at = asyncio.get_running_loop().time()


@cache
def _tone(sample_rate: int) -> bytes:
    """Ten seconds of a 220 Hz tone, computed once so synthesis costs nothing but slicing."""
    seconds = np.arange(sample_rate * 10) / sample_rate
    return (8000 * np.sin(2 * np.pi * 220 * seconds)).astype("<i2").tobytes()


class ToneTTS:
    """Synthesises a tone instantly: `chunk_ms` chunks, ~70 ms per character."""

    def __init__(self, sample_rate: int = 22_050, chunk_ms: int = 100, fail: bool = False) -> None:
        self.sample_rate = sample_rate
        self.chunk_ms = chunk_ms
        self.fail = fail
        self.texts: list[str] = []
        self.emotions: list[str | None] = []
        self._tone = _tone(sample_rate)

    async def synthesize(
        self, text: str, *, voice: VoiceSettings, emotion: str | None = None
    ) -> AsyncIterator[SynthesizedAudio]:
        if self.fail:
            raise ProviderError("tts_unavailable", "scripted TTS outage")
        self.texts.append(text)
        self.emotions.append(emotion)
        total = int(self.sample_rate * 0.07 * max(1, len(text)))
        per_chunk = self.sample_rate * self.chunk_ms // 1000
        for start in range(0, total, per_chunk):
            count = min(per_chunk, total - start)
            offset = 2 * (start % (len(self._tone) // 2 - per_chunk))
            await asyncio.sleep(0)
            yield SynthesizedAudio(pcm=self._tone[offset : offset + 2 * count], sample_rate=self.sample_rate)
