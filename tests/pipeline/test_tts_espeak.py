"""EspeakTTS against the real libespeak-ng: streaming, phoneme marks, cancellation."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conversations.pipeline.interfaces import (
    ProviderError,
    SynthesizedAudio,
    TextToSpeech,
    VoiceSettings,
)
from conversations.pipeline.tts.espeak import PAUSE_PHONEME, EspeakTTS, prosody_for

KOREAN = "안녕하세요. 만나서 반가워요."
KOREAN_VOICE = VoiceSettings(language="ko")
# About 50 minutes of speech: several seconds to synthesise, unless aborted.
VERY_LONG_KOREAN = " ".join([KOREAN] * 1000)


async def collect(tts: EspeakTTS, text: str, **kwargs: object) -> list[SynthesizedAudio]:
    return [chunk async for chunk in tts.synthesize(text, **kwargs)]  # type: ignore[arg-type]


def phoneme_names(chunks: list[SynthesizedAudio]) -> list[str]:
    return [mark.phoneme for chunk in chunks for mark in chunk.phonemes]


def total_seconds(chunks: list[SynthesizedAudio]) -> float:
    return sum(c.num_samples for c in chunks) / chunks[0].sample_rate


async def test_korean_streams_several_chunks_at_the_library_rate() -> None:
    tts = EspeakTTS(chunk_ms=100)
    assert isinstance(tts, TextToSpeech)
    chunks = await collect(tts, KOREAN, voice=KOREAN_VOICE)

    assert len(chunks) > 5
    assert {c.sample_rate for c in chunks} == {tts.sample_rate}
    assert tts.sample_rate == 22050  # what libespeak-ng's espeak_Initialize returns
    # Two short sentences: a couple of seconds, not silence and not minutes.
    assert 1.0 < total_seconds(chunks) < 8.0
    samples = np.frombuffer(b"".join(c.pcm for c in chunks), dtype="<i2")
    assert np.abs(samples).max() > 1000
    # Coalesced chunks are near chunk_ms; only the first and last may be short.
    for chunk in chunks[1:-1]:
        assert 100 <= chunk.duration_ms < 250


async def test_phoneme_marks_lie_inside_their_chunk_and_move_forward() -> None:
    chunks = await collect(EspeakTTS(), KOREAN, voice=KOREAN_VOICE)

    absolute: list[int] = []
    start = 0
    for chunk in chunks:
        for mark in chunk.phonemes:
            assert 0 <= mark.offset < chunk.num_samples
            absolute.append(start + mark.offset)
        start += chunk.num_samples
    names = [m.phoneme for c in chunks for m in c.phonemes]
    sounds = [n for n in names if n != PAUSE_PHONEME]
    assert len(sounds) >= 15  # 안녕하세요 만나서 반가워요 has about twenty phonemes
    assert "n" in sounds and any("ɐ" in n for n in sounds)
    assert not any(n.startswith("(") for n in names)  # language-switch markers are dropped
    assert absolute == sorted(absolute)
    # Phonemes span the audio: the last one starts in its final second.
    assert absolute[-1] > start - chunks[0].sample_rate


async def test_first_audio_is_fast_and_synthesis_beats_real_time() -> None:
    tts = EspeakTTS()
    await collect(tts, "준비", voice=KOREAN_VOICE)  # load the library outside the timing

    started = time.perf_counter()
    first_audio_s = None
    samples = 0
    async for chunk in tts.synthesize(KOREAN, voice=KOREAN_VOICE):
        if first_audio_s is None:
            first_audio_s = time.perf_counter() - started
        samples += chunk.num_samples
    elapsed = time.perf_counter() - started
    real_time_factor = elapsed / (samples / tts.sample_rate)
    print(
        f"espeak first audio {first_audio_s * 1000:.1f} ms, real-time factor {real_time_factor:.4f}"
    )

    assert first_audio_s is not None and first_audio_s < 0.25
    assert real_time_factor < 0.2


async def test_barge_in_stops_synthesis_and_the_next_request_works() -> None:
    tts = EspeakTTS()
    stream = tts.synthesize(VERY_LONG_KOREAN, voice=KOREAN_VOICE)
    received = [await anext(stream), await anext(stream)]
    await stream.aclose()
    assert len(received) == 2

    # The next request queues behind the aborted one, so it is quick only if espeak stopped.
    started = time.perf_counter()
    after = await asyncio.wait_for(collect(tts, KOREAN, voice=KOREAN_VOICE), timeout=15)
    assert time.perf_counter() - started < 1.0
    assert 1.0 < total_seconds(after) < 8.0


async def test_cancelled_consumer_task_releases_the_engine() -> None:
    tts = EspeakTTS()
    got_audio = asyncio.Event()

    async def consume() -> None:
        async for _ in tts.synthesize(VERY_LONG_KOREAN, voice=KOREAN_VOICE):
            got_audio.set()
            await asyncio.sleep(0.01)  # a slow consumer, like real-time playback

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got_audio.wait(), timeout=5)
    task.cancel()
    started = time.perf_counter()
    chunks = await asyncio.wait_for(collect(tts, "네", voice=KOREAN_VOICE), timeout=15)
    assert chunks and time.perf_counter() - started < 1.0


async def test_concurrent_requests_both_complete() -> None:
    tts = EspeakTTS()
    solo = await collect(tts, KOREAN, voice=KOREAN_VOICE)
    first, second = await asyncio.gather(
        collect(tts, KOREAN, voice=KOREAN_VOICE),
        collect(tts, "Nice to meet you.", voice=VoiceSettings(language="en")),
    )
    # espeak's output varies by a few samples per run, so compare phonemes and length:
    # the Korean stream must not be mixed with the English one.
    assert phoneme_names(first) == phoneme_names(solo)
    assert abs(total_seconds(first) - total_seconds(solo)) < 0.05
    assert 0.5 < total_seconds(second) < 5.0


async def test_english_and_explicit_voice_names_work() -> None:
    tts = EspeakTTS()
    english = await collect(tts, "Hello there, how are you?", voice=VoiceSettings(language="en"))
    american = await collect(
        tts, "Hello there, how are you?", voice=VoiceSettings(espeak_voice="en-us")
    )
    assert 0.8 < total_seconds(english) < 5.0
    assert any(m.phoneme.endswith("h") for c in english for m in c.phonemes)
    assert phoneme_names(english) != phoneme_names(american)


async def test_emotion_and_speed_change_the_delivery() -> None:
    tts = EspeakTTS()
    neutral = total_seconds(await collect(tts, KOREAN, voice=KOREAN_VOICE))
    sad = total_seconds(await collect(tts, KOREAN, voice=KOREAN_VOICE, emotion="sad"))
    joy = total_seconds(await collect(tts, KOREAN, voice=KOREAN_VOICE, emotion="joy"))
    fast = total_seconds(await collect(tts, KOREAN, voice=VoiceSettings(language="ko", speed=1.5)))
    assert joy < neutral < sad
    assert fast < neutral * 0.85
    assert prosody_for(KOREAN_VOICE, "joy")[1] > prosody_for(KOREAN_VOICE, "sad")[1]


async def test_unknown_voice_is_a_config_error_and_blank_text_is_silent() -> None:
    tts = EspeakTTS()
    with pytest.raises(ProviderError) as caught:
        await collect(tts, "hello", voice=VoiceSettings(espeak_voice="no-such-voice"))
    assert caught.value.code == "tts_config"
    assert await collect(tts, "   ", voice=KOREAN_VOICE) == []
    regional = await collect(tts, "네", voice=VoiceSettings(language="ko-KR"))
    assert phoneme_names(regional) == phoneme_names(await collect(tts, "네", voice=KOREAN_VOICE))


def test_debian_library_works_as_a_fallback() -> None:
    # One libespeak-ng per process (shared SONAME), so the system build gets its own process.
    debian = Path("/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1")
    if not debian.exists():
        pytest.skip("Debian's libespeak-ng1 is not installed")
    script = (
        "import asyncio\n"
        "from conversations.pipeline.interfaces import VoiceSettings\n"
        "from conversations.pipeline.tts.espeak import EspeakTTS\n"
        "async def main():\n"
        f"    tts = EspeakTTS(library_path={str(debian)!r})\n"
        "    chunks = [c async for c in tts.synthesize('안녕하세요.', voice=VoiceSettings())]\n"
        "    marks = sum(len(c.phonemes) for c in chunks)\n"
        "    print(tts.sample_rate, sum(c.num_samples for c in chunks), marks)\n"
        "asyncio.run(main())\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    rate, samples, marks = map(int, result.stdout.split())
    assert rate == 22050 and samples > rate // 2 and marks >= 5


async def test_a_second_library_in_the_same_process_is_refused() -> None:
    tts = EspeakTTS()
    await collect(tts, "네", voice=KOREAN_VOICE)
    with pytest.raises(ProviderError) as caught:
        await collect(
            EspeakTTS(library_path="/elsewhere/libespeak-ng.so.1"), "네", voice=KOREAN_VOICE
        )
    assert caught.value.code == "tts_config"
