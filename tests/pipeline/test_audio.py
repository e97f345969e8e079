"""PCM conversions, the streaming resampler, levels and WAV I/O."""

from __future__ import annotations

import math
import wave
from io import BytesIO

import numpy as np
import pytest

from conversations.pipeline.audio import (
    SILENCE_FLOOR_DBFS,
    StreamingResampler,
    float32_to_pcm,
    pcm_to_float32,
    read_wav,
    resample_pcm,
    rms_dbfs,
    wav_bytes,
)
from tests.support.speech import frames, silence, spoken_korean_wav


def tone(frequency: float, rate: int, seconds: float = 1.0, amplitude: float = 0.5) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    return float32_to_pcm(amplitude * np.sin(2 * np.pi * frequency * t))


def test_pcm_float_round_trip_is_exact():
    pcm = np.array([-32768, -1, 0, 1, 12345, 32767], dtype="<i2").tobytes()
    assert float32_to_pcm(pcm_to_float32(pcm)) == pcm


def test_float32_to_pcm_clips_out_of_range_samples():
    pcm = float32_to_pcm(np.array([2.0, -2.0]))
    assert np.frombuffer(pcm, "<i2").tolist() == [32767, -32768]


@pytest.mark.parametrize("from_rate", [48_000, 44_100, 22_050, 8_000])
def test_resampled_tone_matches_the_ideal_tone(from_rate):
    out = pcm_to_float32(resample_pcm(tone(1000, from_rate), from_rate, 16_000))
    assert out.size == 16_000
    ideal = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(out.size) / 16_000)
    # Edges see the implicit zeros before and after the clip; the middle must be exact.
    assert np.max(np.abs(out[200:-200] - ideal[200:-200])) < 1e-3


@pytest.mark.parametrize("from_rate", [48_000, 44_100, 8_000])
def test_streaming_in_frames_equals_whole_clip(from_rate):
    pcm = tone(440, from_rate, seconds=0.5)
    resampler = StreamingResampler(from_rate, 16_000)
    # An odd byte count per frame proves half samples are carried over correctly.
    step = 2 * round(from_rate * 0.02) + 1
    streamed = b"".join(resampler.process(pcm[i : i + step]) for i in range(0, len(pcm), step))
    streamed += resampler.flush()
    assert streamed == resample_pcm(pcm, from_rate, 16_000)


def test_downsampling_removes_frequencies_above_the_new_nyquist():
    aliased = resample_pcm(tone(9000, 48_000), 48_000, 16_000)
    assert rms_dbfs(aliased[400:-400]) < -60


def test_same_rate_is_passthrough():
    pcm = tone(440, 16_000, seconds=0.1)
    assert resample_pcm(pcm, 16_000, 16_000) == pcm
    assert StreamingResampler(16_000, 16_000).process(pcm) == pcm


def test_rms_dbfs_of_a_sine_and_of_silence():
    full_scale = float32_to_pcm(np.sin(2 * np.pi * 100 * np.arange(16_000) / 16_000) * 0.99997)
    assert rms_dbfs(full_scale) == pytest.approx(20 * math.log10(1 / math.sqrt(2)), abs=0.01)
    assert rms_dbfs(silence(100)) == SILENCE_FLOOR_DBFS
    assert rms_dbfs(b"") == SILENCE_FLOOR_DBFS


def test_wav_round_trip(tmp_path):
    pcm = tone(300, 24_000, seconds=0.2)
    path = tmp_path / "clip.wav"
    path.write_bytes(wav_bytes(pcm, 24_000))
    assert read_wav(path) == (pcm, 24_000)
    assert read_wav(path.read_bytes()) == (pcm, 24_000)


def test_read_wav_downmixes_stereo_and_reads_24_bit():
    left = np.full(100, 0.5)
    right = np.full(100, -0.25)
    interleaved = np.stack([left, right], axis=1).reshape(-1)
    as_int = np.rint(interleaved * (1 << 23)).astype(np.int32)
    raw = np.stack([as_int & 0xFF, (as_int >> 8) & 0xFF, (as_int >> 16) & 0xFF], axis=1)
    buffer = BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(3)
        wav.setframerate(44_100)
        wav.writeframes(raw.astype(np.uint8).tobytes())
    pcm, rate = read_wav(buffer.getvalue())
    assert rate == 44_100
    assert np.frombuffer(pcm, "<i2").tolist() == [round(0.125 * 32768)] * 100


def test_spoken_korean_is_real_speech_padded_with_silence():
    pcm = spoken_korean_wav(
        "안녕하세요", sample_rate=48_000, lead_silence_ms=300, tail_silence_ms=500
    )
    lead, tail = pcm[: 2 * 14_400], pcm[-2 * 24_000 :]
    assert rms_dbfs(lead) == SILENCE_FLOOR_DBFS
    assert rms_dbfs(tail) == SILENCE_FLOOR_DBFS
    assert rms_dbfs(pcm[len(lead) : -len(tail)]) > -30
    # Like a real microphone, the last frame is whole: padded with silence.
    assert [len(f) for f in frames(silence(50), 20)] == [640, 640, 640]
    assert frames(b"\x01\x00" * 330, 20)[-1] == b"\x01\x00" * 10 + b"\x00" * 620
