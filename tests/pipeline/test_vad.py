"""Silero VAD and the endpointer on real espeak-ng Korean speech."""

from __future__ import annotations

import time

import numpy as np
import pytest

from conversations.pipeline.audio import float32_to_pcm, rms_dbfs
from conversations.pipeline.interfaces import VadDecision
from conversations.pipeline.vad import (
    WINDOW_SAMPLES,
    Endpointer,
    EndpointerConfig,
    SileroVad,
    shared_session,
)
from tests.support.speech import frames, silence, spoken_korean_wav

RATE = 16_000


def ms(samples: int) -> float:
    return 1000.0 * samples / RATE


def run(endpointer: Endpointer, pcm: bytes, frame_ms: float = 20) -> list[tuple[VadDecision, int]]:
    """Feed `pcm` frame by frame; each decision with the stream position it was emitted at."""
    out = []
    position = 0
    for frame in frames(pcm, frame_ms):
        position += len(frame) // 2
        out.extend((decision, position) for decision in endpointer.feed(frame))
    return out


def voiced_extent(pcm: bytes) -> tuple[int, int]:
    """First and last sample of 10 ms blocks louder than -45 dBFS: the ground truth."""
    loud = [i for i, block in enumerate(frames(pcm, 10)) if rms_dbfs(block) > -45]
    return loud[0] * 160, (loud[-1] + 1) * 160


def white_noise(seconds: float, dbfs: float = -20) -> bytes:
    amplitude = 10 ** (dbfs / 20)
    return float32_to_pcm(np.random.default_rng(7).normal(0, amplitude, int(RATE * seconds)))


def test_probability_separates_speech_from_silence(korean_speech):
    vad = SileroVad()
    onset, end = voiced_extent(korean_speech)
    windows = frames(korean_speech, 32)[:-1]
    probs = [vad.probability(w) for w in windows]
    inside = [p for i, p in enumerate(probs) if onset <= i * 512 and (i + 1) * 512 <= end]
    before = probs[: onset // 512 - 1]
    assert np.mean(inside) > 0.8
    assert max(before) < 0.2


def test_start_and_end_at_the_spoken_phrase(korean_speech):
    config = EndpointerConfig()
    decisions = run(Endpointer(config), korean_speech)
    assert [d.kind for d, _ in decisions] == ["start", "end"]
    (start, start_at), (end, _) = decisions
    onset, offset = voiced_extent(korean_speech)
    assert abs(ms(start.offset - onset)) <= 100
    assert -150 <= ms(end.offset - offset) <= 250
    # "start" is announced once min_speech_ms of speech was heard, not before.
    assert ms(start_at - start.offset) >= config.min_speech_ms
    assert ms(start_at - start.offset) <= config.min_speech_ms + 60


def test_end_waits_exactly_for_the_configured_silence(korean_speech):
    for end_silence_ms in (300, 450):
        config = EndpointerConfig(end_silence_ms=end_silence_ms)
        (_, _), (end, end_at) = run(Endpointer(config), korean_speech, frame_ms=10)
        waited = ms(end_at - end.offset)
        # Decisions fall on 32 ms window boundaries.
        assert end_silence_ms <= waited < end_silence_ms + 32 + 10


def test_default_end_silence_is_at_most_half_a_second():
    assert EndpointerConfig().end_silence_ms <= 500


def test_utterance_includes_pre_roll_and_post_roll(korean_speech):
    config = EndpointerConfig(pre_roll_ms=300, post_roll_ms=150)
    (start, _), (end, _) = run(Endpointer(config), korean_speech)
    first = start.offset - RATE * 300 // 1000
    last = end.offset + RATE * 150 // 1000
    assert end.utterance == korean_speech[2 * first : 2 * last]
    onset, offset = voiced_extent(korean_speech)
    assert first < onset and last > offset  # no syllable is cut


@pytest.mark.parametrize("frame_ms", [10, 20, 30, 60])
def test_any_frame_size_gives_the_same_decisions(korean_speech, frame_ms):
    reference = [d for d, _ in run(Endpointer(), korean_speech, frame_ms=32)]
    assert [d for d, _ in run(Endpointer(), korean_speech, frame_ms=frame_ms)] == reference


def test_silence_and_white_noise_produce_nothing():
    endpointer = Endpointer()
    assert run(endpointer, silence(2000)) == []
    assert run(endpointer, white_noise(3.0)) == []
    assert not endpointer.speaking


def test_short_clicks_are_ignored():
    click = white_noise(0.02, dbfs=-6)
    train = (click + silence(280)) * 8
    assert run(Endpointer(), train) == []


def test_short_pause_keeps_one_utterance_long_pause_splits():
    rendered = spoken_korean_wav("반갑습니다", lead_silence_ms=0, tail_silence_ms=0)
    # espeak pads its own output with silence: keep only the voiced part.
    onset, offset = voiced_extent(rendered)
    phrase = rendered[2 * onset : 2 * offset]
    short = silence(300) + phrase + silence(150) + phrase + silence(1000)
    long = silence(300) + phrase + silence(1200) + phrase + silence(1000)
    assert [d.kind for d, _ in run(Endpointer(), short)] == ["start", "end"]
    assert [d.kind for d, _ in run(Endpointer(), long)] == ["start", "end", "start", "end"]


def test_two_connections_do_not_share_state(korean_speech):
    alone = [d for d, _ in run(Endpointer(), korean_speech)]
    talker, listener = Endpointer(), Endpointer()
    quiet = white_noise(len(korean_speech) / 2 / RATE, dbfs=-40)
    talker_out, listener_out = [], []
    for speech_frame, quiet_frame in zip(frames(korean_speech, 20), frames(quiet, 20), strict=True):
        talker_out += talker.feed(speech_frame)
        listener_out += listener.feed(quiet_frame)
    assert talker_out == alone
    assert listener_out == []
    assert talker._vad._session is listener._vad._session is shared_session()


def test_force_end_returns_the_utterance_while_speaking(korean_speech):
    endpointer = Endpointer()
    onset, _ = voiced_extent(korean_speech)
    cut = 2 * (onset + RATE)  # one second into the phrase
    decisions = run(endpointer, korean_speech[:cut])
    assert [d.kind for d, _ in decisions] == ["start"]
    assert endpointer.speaking
    end = endpointer.force_end()
    assert end is not None and end.kind == "end"
    assert end.offset == cut // 2
    assert end.utterance == korean_speech[2 * (decisions[0][0].offset - 4800) : cut]
    assert not endpointer.speaking
    assert endpointer.force_end() is None


def test_long_speech_is_cut_at_max_utterance(korean_speech):
    config = EndpointerConfig(max_utterance_s=1.0)
    ends = [d for d, _ in run(Endpointer(config), korean_speech) if d.kind == "end"]
    assert ends
    assert all(len(d.utterance) // 2 <= RATE + WINDOW_SAMPLES for d in ends)


def test_reset_drops_the_utterance_in_progress(korean_speech):
    endpointer = Endpointer()
    onset, _ = voiced_extent(korean_speech)
    run(endpointer, korean_speech[: 2 * (onset + RATE // 2)])
    assert endpointer.speaking
    endpointer.reset()
    assert not endpointer.speaking
    assert endpointer.force_end() is None


def test_webrtc_gate_keeps_decisions_and_skips_silero(korean_speech):
    plain = [d for d, _ in run(Endpointer(), korean_speech)]
    gated = Endpointer(EndpointerConfig(use_webrtc_gate=True))
    assert [d.kind for d, _ in run(gated, korean_speech)] == [d.kind for d in plain]
    assert gated.windows_gated > 0
    assert run(gated, silence(1000)) == []


@pytest.mark.parametrize("use_webrtc_gate", [False, True])
def test_cpu_cost_per_20ms_frame(korean_speech, use_webrtc_gate):
    endpointer = Endpointer(EndpointerConfig(use_webrtc_gate=use_webrtc_gate))
    audio = korean_speech * 3
    chunks = frames(audio, 20)
    started = time.process_time()
    for chunk in chunks:
        endpointer.feed(chunk)
    per_frame_ms = 1000 * (time.process_time() - started) / len(chunks)
    print(f"\nVAD CPU per 20 ms frame (webrtc gate={use_webrtc_gate}): {per_frame_ms:.3f} ms")
    assert per_frame_ms < 1.0
