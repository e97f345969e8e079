"""GPT-SoVITS (api_v2 `/tts`) text-to-speech: streamed PCM, emotion as a reference clip."""

from __future__ import annotations

import asyncio
import json
import struct
import weakref
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
import numpy as np

from conversations.pipeline.interfaces import (
    ProviderError,
    ProviderUnavailable,
    ReferenceClip,
    SynthesizedAudio,
    VoiceSettings,
)

NEUTRAL = "neutral"
_SUPPORTED_MEDIA_TYPES = ("wav", "raw")
_CONNECT_TIMEOUT_S = 5.0
# Persona language (BCP 47-ish) to api_v2 language; anything else goes to "auto".
_TEXT_LANGUAGES = {"ko": "ko", "en": "en", "ja": "ja", "zh": "zh", "yue": "yue", "auto": "auto"}
_REGIONAL_LANGUAGES = {"zh-hk": "yue", "zh-yue": "yue"}

# The server handles one request at a time (its model weights are global), so callers
# queue per server. Locks are per event loop: an asyncio.Lock must not cross loops.
_server_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def gpt_sovits_language(language: str) -> str:
    """Map a persona language such as "ko-KR" to an api_v2 language code."""
    code = (language or "auto").lower().replace("_", "-")
    if code in _REGIONAL_LANGUAGES:
        return _REGIONAL_LANGUAGES[code]
    return _TEXT_LANGUAGES.get(code.split("-")[0], "auto")


def choose_reference_clip(clips: Mapping[str, ReferenceClip], emotion: str | None) -> ReferenceClip:
    """The clip for `emotion`, else the neutral one, else any clip configured."""
    for key in (emotion, NEUTRAL):
        if key and key in clips:
            return clips[key]
    if clips:
        return next(iter(clips.values()))
    raise ProviderError(
        "tts_config",
        'GPT-SoVITS needs a reference clip: set voice.reference_clips (at least "neutral") on the persona',
    )


def _server_lock(base_url: str) -> asyncio.Lock:
    locks = _server_locks.setdefault(asyncio.get_running_loop(), {})
    return locks.setdefault(base_url, asyncio.Lock())


class WavStreamDecoder:
    """Sans-I/O: turns a streamed WAV (or raw PCM) byte stream into aligned mono PCM16."""

    def __init__(self, raw_sample_rate: int | None = None) -> None:
        # With raw_sample_rate there is no header to wait for.
        self.sample_rate = raw_sample_rate
        self.channels = 1
        self._buffer = bytearray()
        self._remaining: int | None = None  # data bytes left when the header gives a length

    @property
    def _frame_bytes(self) -> int:
        return 2 * self.channels

    def feed(self, data: bytes) -> bytes:
        """Take network bytes; return whole mono PCM16 samples (possibly empty)."""
        if self.sample_rate is None:
            self._buffer += data
            if not self._parse_header():
                return b""
            data = bytes(self._buffer)  # whatever audio followed the header
            self._buffer.clear()
        if self._remaining is not None:
            data = data[: self._remaining]  # chunks after "data" are metadata, not audio
            self._remaining -= len(data)
        self._buffer += data
        # A network chunk may end mid-sample: keep the odd bytes for the next one.
        usable = len(self._buffer) - len(self._buffer) % self._frame_bytes
        frames = bytes(self._buffer[:usable])
        del self._buffer[:usable]
        return self._to_mono(frames)

    def _parse_header(self) -> bool:
        """Consume RIFF/fmt/data headers once they are complete; False while incomplete."""
        buf = self._buffer
        if len(buf) < 12:
            return False
        if buf[:4] != b"RIFF" or buf[8:12] != b"WAVE":
            raise ProviderError("tts_error", "GPT-SoVITS did not answer with a WAV stream")
        position, fmt = 12, None
        while True:
            if len(buf) < position + 8:
                return False
            chunk_id, size = (
                buf[position : position + 4],
                struct.unpack_from("<I", buf, position + 4)[0],
            )
            body = position + 8
            if chunk_id == b"data":
                break
            if len(buf) < body + size:
                return False
            if chunk_id == b"fmt ":
                fmt = struct.unpack_from("<HHIIHH", buf, body)
            position = body + size + (size & 1)  # RIFF chunks are word-aligned
        if fmt is None:
            raise ProviderError("tts_error", "GPT-SoVITS WAV stream has no fmt chunk")
        audio_format, channels, sample_rate, _, _, bits = fmt
        if audio_format not in (1, 0xFFFE) or bits != 16:
            raise ProviderError("tts_error", f"GPT-SoVITS sent {bits}-bit audio (format {audio_format}); need PCM16")
        self.channels = max(1, channels)
        self.sample_rate = sample_rate
        # A streamed header carries a 0 (or all-ones) placeholder: read to the end then.
        self._remaining = size if 0 < size < 0xFFFFFFFF else None
        del buf[:body]
        return True

    def _to_mono(self, frames: bytes) -> bytes:
        if self.channels == 1 or not frames:
            return frames
        samples = np.frombuffer(frames, dtype="<i2").reshape(-1, self.channels)
        return samples.mean(axis=1).round().astype("<i2").tobytes()


class GPTSoVITSTTS:
    """TextToSpeech over a GPT-SoVITS api_v2 server, one request at a time per server."""

    def __init__(
        self,
        base_url: str,
        timeout_s: float = 30.0,
        streaming_mode: int | bool = 1,
        media_type: str = "wav",
        text_split_method: str = "cut5",
        extra_params: dict[str, Any] | None = None,
        sample_rate: int | None = None,
    ) -> None:
        if media_type not in _SUPPORTED_MEDIA_TYPES:
            raise ValueError(f"GPT-SoVITS media_type must be one of {_SUPPORTED_MEDIA_TYPES}")
        if media_type == "raw" and not sample_rate:
            raise ValueError("GPT-SoVITS media_type 'raw' needs sample_rate (the model's rate)")
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.streaming_mode = streaming_mode
        self.media_type = media_type
        self.text_split_method = text_split_method
        self.extra_params = dict(extra_params or {})
        self.sample_rate = sample_rate

    def request_body(self, text: str, voice: VoiceSettings, emotion: str | None) -> dict[str, Any]:
        """The JSON sent to POST /tts for this text, voice and emotion."""
        clip = choose_reference_clip(voice.reference_clips, emotion)
        return {
            "text": text,
            "text_lang": gpt_sovits_language(voice.language),
            "ref_audio_path": clip.path,
            "prompt_text": clip.prompt_text,
            "prompt_lang": gpt_sovits_language(clip.prompt_lang),
            "text_split_method": self.text_split_method,
            "media_type": self.media_type,
            "streaming_mode": self.streaming_mode,
            "speed_factor": voice.speed,
            **self.extra_params,
        }

    async def synthesize(
        self, text: str, *, voice: VoiceSettings, emotion: str | None = None
    ) -> AsyncIterator[SynthesizedAudio]:
        """Stream PCM chunks as the server produces them (no phoneme marks)."""
        if not text.strip():
            return
        body = self.request_body(text, voice, emotion)
        decoder = WavStreamDecoder(self.sample_rate if self.media_type == "raw" else None)
        timeout = httpx.Timeout(self.timeout_s, connect=min(self.timeout_s, _CONNECT_TIMEOUT_S))
        async with _server_lock(self.base_url), httpx.AsyncClient(timeout=timeout) as client:
            try:
                async with client.stream("POST", f"{self.base_url}/tts", json=body) as response:
                    if response.status_code != 200:
                        raise _http_error(response.status_code, await response.aread())
                    async for data in response.aiter_bytes():
                        pcm = decoder.feed(data)
                        if pcm:
                            assert decoder.sample_rate is not None
                            yield SynthesizedAudio(pcm, decoder.sample_rate)
            except httpx.ConnectError as exc:
                raise ProviderUnavailable(
                    "tts_unavailable", f"GPT-SoVITS server at {self.base_url} is not reachable"
                ) from exc
            except httpx.TimeoutException as exc:
                raise ProviderError(
                    "tts_timeout",
                    f"GPT-SoVITS server at {self.base_url} sent nothing for {self.timeout_s} s",
                ) from exc
            except httpx.HTTPError as exc:
                raise ProviderError("tts_error", f"GPT-SoVITS request failed: {exc}") from exc
        if decoder.sample_rate is None:
            raise ProviderError("tts_error", "GPT-SoVITS ended the stream before the WAV header")


def _http_error(status: int, body: bytes) -> ProviderError:
    """api_v2 answers 400 {"message": ...}; FastAPI's own errors use {"detail": ...}."""
    try:
        payload = json.loads(body)
        message = payload.get("message") or payload.get("detail") or body.decode()
    except (ValueError, AttributeError):
        message = body.decode("utf-8", "replace")[:500]
    return ProviderError("tts_error", f"GPT-SoVITS (HTTP {status}): {message}")
