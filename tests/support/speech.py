"""Real spoken test audio from Debian's espeak-ng, plus silence and framing helpers."""

from __future__ import annotations

import functools
import shutil
import subprocess

from conversations.pipeline.audio import read_wav, resample_pcm


def silence(ms: float, rate: int = 16_000) -> bytes:
    """Digital silence of `ms` milliseconds as PCM16 mono."""
    return b"\x00\x00" * round(rate * ms / 1000)


def frames(pcm: bytes, frame_ms: float, rate: int = 16_000) -> list[bytes]:
    """Split PCM16 mono into frames of `frame_ms`, padding the last with silence like a real mic."""
    size = 2 * round(rate * frame_ms / 1000)
    return [pcm[i : i + size].ljust(size, b"\x00") for i in range(0, len(pcm), size)]


@functools.lru_cache(maxsize=64)
def _espeak_pcm(text: str, voice: str) -> tuple[bytes, int]:
    """Synthesize `text` once per test session (espeak output is deterministic)."""
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is not installed: apt-get install espeak-ng")
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "--stdout", text],
        check=True,
        capture_output=True,
        timeout=30,
    ).stdout
    return read_wav(wav)


def spoken_korean_wav(
    text: str,
    sample_rate: int = 16_000,
    lead_silence_ms: float = 300,
    tail_silence_ms: float = 800,
    voice: str = "ko",
) -> bytes:
    """Spoken `text` as raw PCM16 mono at `sample_rate`, padded with silence both sides."""
    pcm, rate = _espeak_pcm(text, voice)
    speech = resample_pcm(pcm, rate, sample_rate)
    return silence(lead_silence_ms, sample_rate) + speech + silence(tail_silence_ms, sample_rate)


def speech_duration_ms(text: str, voice: str = "ko") -> float:
    """How long espeak-ng's rendering of `text` lasts, padding excluded."""
    pcm, rate = _espeak_pcm(text, voice)
    return 1000.0 * len(pcm) / 2 / rate
