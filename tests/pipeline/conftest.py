"""Fixtures for the audio-input pipeline tests: spoken Korean and a tiny real Whisper."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.speech import spoken_korean_wav
from tests.support.tiny_whisper import build_tiny_whisper

KOREAN_PHRASE = "안녕하세요 만나서 반갑습니다"
TINY_WHISPER_TRANSCRIPT = "안녕하세요, 오늘 날씨가 정말 좋네요!"


@pytest.fixture(scope="session")
def tiny_whisper_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixed-output Whisper that always says TINY_WHISPER_TRANSCRIPT in Korean."""
    return build_tiny_whisper(tmp_path_factory.mktemp("tiny-whisper"), TINY_WHISPER_TRANSCRIPT)


@pytest.fixture(scope="session")
def korean_speech() -> bytes:
    """Real espeak-ng Korean at 16 kHz: 500 ms of silence, the phrase, 1 s of silence."""
    return spoken_korean_wav(KOREAN_PHRASE, lead_silence_ms=500, tail_silence_ms=1000)
