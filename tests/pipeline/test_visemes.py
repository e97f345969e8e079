"""Viseme timelines: from TTS phonemes, from Hangul/Latin text, refined by audio energy."""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
import wave

import numpy as np
import pytest

from conversations.pipeline.interfaces import PhonemeMark, VisemeCue
from conversations.pipeline.visemes import (
    ARKIT_WEIGHTS,
    OCULUS_NAMES,
    VISEMES,
    VRM_WEIGHTS,
    speech_segments,
    viseme_for_phoneme,
    visemes_from_phonemes,
    visemes_from_text,
)

RATE = 16_000
ARKIT_MOUTH = {
    "jawOpen", "mouthFunnel", "mouthPucker", "mouthClose", "mouthStretchLeft",
    "mouthStretchRight", "mouthRollLower", "mouthRollUpper", "mouthPressLeft",
    "mouthPressRight", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthUpperUpLeft",
    "mouthUpperUpRight", "mouthSmileLeft", "mouthSmileRight", "mouthShrugLower",
}  # fmt: skip


def assert_valid_timeline(cues: list[VisemeCue], num_samples: int) -> None:
    offsets = [cue.offset for cue in cues]
    assert offsets == sorted(set(offsets)), "strictly increasing offsets"
    assert all(0 <= offset < num_samples for offset in offsets)
    assert all(cue.viseme in VISEMES for cue in cues)
    assert all(0.0 < cue.weight <= 1.0 for cue in cues)
    assert cues[-1].viseme == "sil"
    assert all(a.viseme != b.viseme for a, b in itertools.pairwise(cues))


def tone_bursts(layout: list[tuple[str, float]]) -> bytes:
    """PCM16 of ("speech"|"silence", seconds) pieces; speech is a voiced 180 Hz buzz."""
    pieces = []
    for kind, seconds in layout:
        t = np.arange(int(seconds * RATE)) / RATE
        signal = 8000 * np.sign(np.sin(2 * np.pi * 180 * t)) if kind == "speech" else 0 * t
        pieces.append(signal)
    return np.concatenate(pieces).astype("<i2").tobytes()


def test_every_viseme_has_a_mapping_in_every_table():
    for table in (VRM_WEIGHTS, ARKIT_WEIGHTS, OCULUS_NAMES):
        assert set(table) == set(VISEMES)
    assert len(set(OCULUS_NAMES.values())) == len(VISEMES)
    for name, weights in VRM_WEIGHTS.items():
        assert set(weights) <= {"aa", "ih", "ou", "ee", "oh"}, name
        assert all(0 <= w <= 1 for w in weights.values())
    for name, weights in ARKIT_WEIGHTS.items():
        assert set(weights) <= ARKIT_MOUTH, name
        assert all(0 <= w <= 1 for w in weights.values())


@pytest.mark.parametrize(
    ("phoneme", "viseme"),
    [
        ("a", "aa"), ("ɐ", "aa"), ("æ", "aa"), ("aɪ", "aa"), ("ˈa", "aa"), ("aː", "aa"),
        ("ʌ", "oh"), ("o", "oh"), ("oʊ", "oh"), ("ˌɔː", "oh"),
        ("u", "ou"), ("ɯ", "ou"), ("ʊ", "ou"), ("w", "ou"),
        ("i", "ih"), ("ɪ", "ih"), ("iː", "ih"),
        ("e", "ee"), ("ɛ", "ee"), ("ə", "ee"), ("eɪ", "ee"),
        ("m", "pp"), ("p", "pp"), ("b", "pp"), ("pʰ", "pp"), ("p͈", "pp"),
        ("s", "ss"), ("s͈", "ss"), ("tɕ", "ss"), ("tɕʰ", "ss"), ("dʑ", "ss"), ("ʃ", "ss"),
        ("tʃ", "ss"), ("f", "ff"), ("v", "ff"), ("_", "sil"),
        ("k", None), ("n", None), ("ŋ", None), ("t", None), ("ɾ", None), ("h", None), ("", None),
    ],
)  # fmt: skip
def test_phoneme_to_viseme(phoneme, viseme):
    found = viseme_for_phoneme(phoneme)
    assert (found[0] if found else None) == viseme


def test_visemes_from_phonemes_keeps_engine_timing_and_ends_silent():
    marks = [PhonemeMark(0, "ɐ"), PhonemeMark(1000, "n"), PhonemeMark(2000, "m"),
             PhonemeMark(3000, "ʌ"), PhonemeMark(4000, "ŋ")]  # fmt: skip
    cues = visemes_from_phonemes(marks, 6000)
    assert [(c.offset, c.viseme) for c in cues] == [
        (0, "aa"),
        (2000, "pp"),
        (3000, "oh"),
        (5000, "sil"),
    ]
    assert_valid_timeline(cues, 6000)


def test_visemes_from_phonemes_clamps_marks_past_the_chunk():
    cues = visemes_from_phonemes([PhonemeMark(10, "a"), PhonemeMark(900, "i")], 500)
    # The rest before speech, the vowel, and the closing rest on the last sample.
    assert cues == [VisemeCue(0, "sil"), VisemeCue(10, "aa"), VisemeCue(499, "sil")]


def test_visemes_from_phonemes_empty_is_rest():
    assert visemes_from_phonemes([], 100) == [VisemeCue(0, "sil")]


@pytest.mark.parametrize(
    ("syllable", "expected"),
    [
        ("아", ["aa"]), ("야", ["aa"]), ("이", ["ih"]), ("의", ["ih"]), ("우", ["ou"]),
        ("유", ["ou"]), ("으", ["ou"]), ("에", ["ee"]), ("애", ["ee"]), ("예", ["ee"]),
        ("오", ["oh"]), ("요", ["oh"]), ("어", ["oh"]), ("여", ["oh"]),
        ("와", ["ou", "aa"]), ("위", ["ou", "ih"]), ("워", ["ou", "oh"]), ("왜", ["ou", "ee"]),
        ("마", ["pp", "aa"]), ("바", ["pp", "aa"]), ("파", ["pp", "aa"]), ("빠", ["pp", "aa"]),
        ("사", ["ss", "aa"]), ("싸", ["ss", "aa"]), ("자", ["ss", "aa"]), ("차", ["ss", "aa"]),
        ("가", ["aa"]), ("밥", ["pp", "aa", "pp"]), ("감", ["aa", "pp"]), ("옷", ["oh"]),
    ],
)  # fmt: skip
def test_hangul_jamo_visemes(syllable, expected):
    cues = visemes_from_text(syllable, 8000, RATE)
    assert [c.viseme for c in cues if c.viseme != "sil"] == expected
    assert_valid_timeline(cues, 8000)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("map", ["pp", "aa", "pp"]), ("fish", ["ff", "ih", "ss"]), ("view", ["ff", "ih", "ee", "ou"]),
     ("go", ["oh"]), ("AI", ["aa", "ih"])],
)  # fmt: skip
def test_latin_letter_visemes(word, expected):
    cues = visemes_from_text(word, 8000, RATE, language="en")
    assert [c.viseme for c in cues if c.viseme != "sil"] == expected


def test_text_cues_are_spread_by_syllable_over_the_chunk():
    num_samples = 40_000
    cues = visemes_from_text("마마마마", num_samples, RATE)
    lips = [c.offset for c in cues if c.viseme == "pp"]
    assert len(lips) == 4
    steps = np.diff(lips)
    assert steps.max() - steps.min() <= 2, "equal syllables get equal time"
    assert lips[-1] > num_samples * 0.6, "the text fills the chunk, not its start"
    assert_valid_timeline(cues, num_samples)


def test_punctuation_pause_becomes_sil_inside_the_chunk():
    cues = visemes_from_text("마마. 마마", 40_000, RATE)
    inner_sil = [c for c in cues[1:-1] if c.viseme == "sil"]
    assert len(inner_sil) == 1
    assert 10_000 < inner_sil[0].offset < 30_000


def test_audio_energy_places_silence_and_speech():
    pcm = tone_bursts(
        [("silence", 0.2), ("speech", 0.4), ("silence", 0.3), ("speech", 0.4), ("silence", 0.2)]
    )
    num_samples = len(pcm) // 2
    cues = visemes_from_text("마마, 마마", num_samples, RATE, pcm=pcm)
    assert_valid_timeline(cues, num_samples)
    frame = RATE // 100
    assert cues[0] == VisemeCue(0, "sil")
    assert abs(cues[1].offset - 0.2 * RATE) <= frame
    sils = [c.offset for c in cues if c.viseme == "sil"]
    assert any(abs(s - 0.6 * RATE) <= frame for s in sils), "the gap starts as sil"
    assert abs(sils[-1] - 1.3 * RATE) <= frame, "trailing silence is sil"
    speech = [(int(0.2 * RATE), int(0.6 * RATE)), (int(0.9 * RATE), int(1.3 * RATE))]
    for cue in cues:
        if cue.viseme != "sil":
            assert any(start - frame <= cue.offset < end for start, end in speech), cue
    assert sum(1 for c in cues if c.viseme == "pp") == 4


def test_silent_audio_gives_rest_only():
    pcm = bytes(2 * RATE)
    assert visemes_from_text("안녕하세요", RATE, RATE, pcm=pcm) == [VisemeCue(0, "sil")]


def test_short_dips_inside_speech_are_not_pauses():
    pcm = tone_bursts([("speech", 0.3), ("silence", 0.03), ("speech", 0.3)])
    assert len(speech_segments(pcm, RATE)) == 1


def test_empty_chunk_has_no_cues():
    assert visemes_from_text("안녕", 0, RATE) == []


@pytest.mark.parametrize(
    "text", ["안녕하세요! 반갑습니다.", "Hello, world.", "ㅋㅋㅋ ㅠㅠ", "", "...", "AI 모델 3개"]
)
def test_any_text_gives_a_valid_timeline(text):
    for num_samples in (1, 7, 1600, 44_100):
        assert_valid_timeline(visemes_from_text(text, num_samples, RATE), num_samples)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_real_korean_speech_from_espeak():
    wav = subprocess.run(
        ["espeak-ng", "-v", "ko", "--stdout", "안녕하세요. 만나서 반갑습니다."],
        capture_output=True,
        check=True,
        timeout=20,
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        rate, pcm = reader.getframerate(), reader.readframes(reader.getnframes())
    num_samples = len(pcm) // 2
    cues = visemes_from_text("안녕하세요. 만나서 반갑습니다.", num_samples, rate, pcm=pcm)
    assert_valid_timeline(cues, num_samples)
    segments = speech_segments(pcm, rate)
    assert len(segments) >= 2, "the sentence pause is audible"
    frame = rate // 100
    assert cues[-1].offset >= segments[-1][1] - frame
    # The sentence pause in the audio is where the text's "." goes: 만 starts phrase two.
    first_lips = next(c.offset for c in cues if c.viseme == "pp")
    assert abs(first_lips - segments[1][0]) <= frame
    assert sum(1 for c in cues if c.viseme == "pp") >= 4  # 만, 반, 습, 니
