"""Lip sync: the protocol's viseme set, its rig mappings, and cue timelines per chunk.

Cues come from TTS phoneme timings when the engine reports them, otherwise from the
text (Hangul jamo, Latin letters) spread over the chunk and refined by audio energy.
See docs/visemes.md for client authors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from conversations.pipeline.interfaces import PhonemeMark, VisemeCue

VISEMES = ("sil", "aa", "ih", "ou", "ee", "oh", "pp", "ff", "ss")

VRM_WEIGHTS: dict[str, dict[str, float]] = {
    "sil": {},
    "aa": {"aa": 1.0},
    "ih": {"ih": 1.0},
    "ou": {"ou": 1.0},
    "ee": {"ee": 1.0},
    "oh": {"oh": 1.0},
    "pp": {},  # lips closed: every mouth-open expression at zero
    "ff": {"ih": 0.2},
    "ss": {"ih": 0.4, "ee": 0.2},
}

ARKIT_WEIGHTS: dict[str, dict[str, float]] = {
    "sil": {},
    "aa": {"jawOpen": 0.7, "mouthLowerDownLeft": 0.3, "mouthLowerDownRight": 0.3},
    "ih": {"jawOpen": 0.25, "mouthStretchLeft": 0.4, "mouthStretchRight": 0.4},
    "ou": {"jawOpen": 0.2, "mouthPucker": 0.8, "mouthFunnel": 0.4},
    "ee": {"jawOpen": 0.35, "mouthStretchLeft": 0.5, "mouthStretchRight": 0.5},
    "oh": {"jawOpen": 0.5, "mouthFunnel": 0.7},
    "pp": {"mouthClose": 0.3, "mouthPressLeft": 0.6, "mouthPressRight": 0.6},
    "ff": {
        "jawOpen": 0.1,
        "mouthRollLower": 0.6,
        "mouthUpperUpLeft": 0.3,
        "mouthUpperUpRight": 0.3,
    },
    "ss": {"jawOpen": 0.1, "mouthStretchLeft": 0.3, "mouthStretchRight": 0.3},
}

OCULUS_NAMES: dict[str, str] = {
    "sil": "viseme_sil",
    "aa": "viseme_aa",
    "ih": "viseme_I",
    "ou": "viseme_U",
    "ee": "viseme_E",
    "oh": "viseme_O",
    "pp": "viseme_PP",
    "ff": "viseme_FF",
    "ss": "viseme_SS",
}

# espeak-ng IPA as emitted for Korean and English. Longest match wins, so "tɕ" is
# tried before "t" (no cue) and "aɪ" reads as its first vowel.
IPA_VISEMES: dict[str, tuple[str, float]] = {
    **dict.fromkeys(["a", "ɑ", "ɐ", "æ", "ä"], ("aa", 1.0)),
    **dict.fromkeys(["i", "ɪ", "ɨ", "j", "y"], ("ih", 1.0)),
    **dict.fromkeys(["u", "ʊ", "ɯ", "w", "ʉ"], ("ou", 1.0)),
    **dict.fromkeys(["e", "ɛ", "ɜ", "ɝ", "ɚ", "ø", "œ"], ("ee", 1.0)),
    "ə": ("ee", 0.6),  # schwa: a lax, half-open mouth
    **dict.fromkeys(["o", "ɔ", "ɒ", "ʌ", "ɤ"], ("oh", 1.0)),
    **dict.fromkeys(["m", "p", "b", "ɸ", "β"], ("pp", 1.0)),
    **dict.fromkeys(["f", "v"], ("ff", 1.0)),
    **dict.fromkeys(["s", "z", "ʃ", "ʒ", "ɕ", "ʑ", "tɕ", "dʑ", "tʃ", "dʒ", "ts", "dz", "θ", "ð"], ("ss", 1.0)),
    "_": ("sil", 1.0),  # espeak's pause phoneme
}
_IPA_MODIFIERS = str.maketrans("", "", "ˈˌːˑ\u0361\u035c\u0325\u031a\u0348'")

# Hangul: the 21 medial vowels in Unicode order,
# ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ.
MEDIAL_VISEMES = (
    "aa", "ee", "aa", "ee", "oh", "ee", "oh", "ee", "oh", "aa", "ee",
    "ee", "oh", "ou", "oh", "ee", "ih", "ou", "ou", "ih", "ih",
)  # fmt: skip
W_GLIDE_MEDIALS = frozenset({9, 10, 11, 14, 15, 16})  # ㅘ ㅙ ㅚ ㅝ ㅞ ㅟ round the lips first
INITIAL_VISEMES = {
    6: "pp",
    7: "pp",
    8: "pp",
    17: "pp",
    9: "ss",
    10: "ss",
    12: "ss",
    13: "ss",
    14: "ss",
}
# Codas ㅅ ㅈ ㅊ are said as an unreleased t, so only the lip-closing codas get a cue.
FINAL_VISEMES = {16: "pp", 17: "pp", 18: "pp", 26: "pp", 10: "pp", 14: "pp"}
COMPAT_JAMO = {"ㅁ": "pp", "ㅂ": "pp", "ㅍ": "pp", "ㅃ": "pp", "ㅅ": "ss", "ㅆ": "ss", "ㅈ": "ss"}

LATIN_VISEMES = {
    **dict.fromkeys("a", "aa"),
    **dict.fromkeys("e", "ee"),
    **dict.fromkeys("iy", "ih"),
    **dict.fromkeys("o", "oh"),
    **dict.fromkeys("uw", "ou"),
    **dict.fromkeys("bmp", "pp"),
    **dict.fromkeys("fv", "ff"),
    **dict.fromkeys("szjcx", "ss"),
}
LATIN_LETTER_WEIGHT = 0.35  # about three letters per spoken syllable
PAUSE_WEIGHTS = {",": 1.0, ";": 1.0, ":": 1.0, ".": 1.5, "!": 1.5, "?": 1.5, "…": 1.5, "\n": 1.5}
SPACE_WEIGHT = 0.15

ENERGY_FRAME_S = 0.01
MIN_GAP_S = 0.08  # shorter dips are stop closures inside speech, not pauses
MIN_SPEECH_S = 0.03


@dataclass(frozen=True, slots=True)
class _Unit:
    """A stretch of text with a relative duration and cues at fractions of it."""

    weight: float
    cues: tuple[tuple[float, str, float], ...] = ()  # (fraction, viseme, cue weight)
    pause: bool = False
    space: bool = False


def viseme_for_phoneme(phoneme: str) -> tuple[str, float] | None:
    """The viseme of one espeak IPA phoneme, or None for consonants without a shape."""
    clean = phoneme.translate(_IPA_MODIFIERS).replace("ʰ", "").strip()
    if not clean:
        return None
    for length in range(min(len(clean), 2), 0, -1):
        if clean[:length] in IPA_VISEMES:
            return IPA_VISEMES[clean[:length]]
    return None


def visemes_from_phonemes(marks: Sequence[PhonemeMark], num_samples: int) -> list[VisemeCue]:
    """Cues from TTS phoneme timings, ending with "sil"."""
    cues: list[VisemeCue] = []
    for mark in sorted(marks, key=lambda m: m.offset):
        found = viseme_for_phoneme(mark.phoneme)
        if found is not None:
            cues.append(VisemeCue(mark.offset, found[0], found[1]))
    offsets = [m.offset for m in marks]
    gaps = np.diff(sorted(offsets)) if len(offsets) > 1 else np.array([])
    typical_gap = int(np.median(gaps)) if gaps.size else num_samples // 10
    end = (max(offsets) + max(typical_gap, 1)) if offsets else 0
    return _finish(cues, num_samples, end)


def _hangul_units(ch: str) -> _Unit:
    code = ord(ch) - 0xAC00
    initial, medial, final = code // 588, (code % 588) // 28, code % 28
    cues: list[tuple[float, str, float]] = []
    if initial in INITIAL_VISEMES:
        cues.append((0.0, INITIAL_VISEMES[initial], 1.0))
    vowel_at = 0.25 if cues else 0.0
    if medial in W_GLIDE_MEDIALS:
        cues.append((vowel_at, "ou", 0.7))
        vowel_at += 0.15
    cues.append((vowel_at, MEDIAL_VISEMES[medial], 1.0))
    if final in FINAL_VISEMES:
        cues.append((0.8, FINAL_VISEMES[final], 1.0))
    return _Unit(1.0, tuple(cues))


def text_units(text: str) -> list[_Unit]:
    """Split text into timed units: syllables, letters, spaces and pauses."""
    units: list[_Unit] = []
    lower = text.lower()
    for index, ch in enumerate(lower):
        if "\uac00" <= ch <= "\ud7a3":
            units.append(_hangul_units(ch))
        elif "\u314f" <= ch <= "\u3163":  # a lone vowel jamo, as in ㅠㅠ
            units.append(_Unit(1.0, ((0.0, MEDIAL_VISEMES[ord(ch) - 0x314F], 1.0),)))
        elif ch in COMPAT_JAMO:
            units.append(_Unit(0.5, ((0.0, COMPAT_JAMO[ch], 1.0),)))
        elif "a" <= ch <= "z":
            two = lower[index : index + 2]
            viseme = "ss" if two in ("sh", "ch") else LATIN_VISEMES.get(ch)
            if lower[index - 1 : index + 1] in ("sh", "ch") and index > 0:
                viseme = None  # the "h" of sh/ch is already covered
            cues = ((0.0, viseme, 1.0),) if viseme else ()
            units.append(_Unit(LATIN_LETTER_WEIGHT, cues))
        elif ch.isdigit():
            units.append(_Unit(1.0, ((0.0, "aa", 0.6),)))
        elif ch in PAUSE_WEIGHTS:
            units.append(_Unit(PAUSE_WEIGHTS[ch], ((0.0, "sil", 1.0),), pause=True))
        elif ch.isspace():
            units.append(_Unit(SPACE_WEIGHT, space=True))
        elif ch.isalpha():
            units.append(_Unit(1.0, ((0.0, "aa", 0.5),)))  # other scripts: a generic open mouth
    return units


def _spread(units: Sequence[_Unit], start: float, end: float) -> list[tuple[float, str, float]]:
    """Place each unit's cues over [start, end) in proportion to unit weights."""
    total = sum(u.weight for u in units)
    if total <= 0 or end <= start:
        return []
    scale = (end - start) / total
    placed: list[tuple[float, str, float]] = []
    position = start
    for unit in units:
        for fraction, viseme, weight in unit.cues:
            placed.append((position + fraction * unit.weight * scale, viseme, weight))
        position += unit.weight * scale
    return placed


def speech_segments(pcm: bytes, sample_rate: int) -> list[tuple[int, int]]:
    """(start, end) sample ranges where the audio is louder than its quiet floor."""
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32)
    frame = max(1, int(sample_rate * ENERGY_FRAME_S))
    count = len(samples) // frame
    if count == 0:
        return []
    frames = samples[: count * frame].reshape(count, frame)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    # Relative to the chunk's own peak (TTS level varies) but never below a hiss floor.
    threshold = max(float(rms.max()) * 0.06, 150.0)
    loud = rms > threshold
    segments: list[list[int]] = []
    for i, is_loud in enumerate(loud):
        if not is_loud:
            continue
        if segments and i - segments[-1][1] <= int(MIN_GAP_S / ENERGY_FRAME_S):
            segments[-1][1] = i + 1
        else:
            segments.append([i, i + 1])
    min_frames = int(MIN_SPEECH_S / ENERGY_FRAME_S)
    return [(s * frame, min(e * frame, len(samples))) for s, e in segments if e - s >= min_frames]


def visemes_from_text(
    text: str,
    num_samples: int,
    sample_rate: int,
    pcm: bytes | None = None,
    language: str = "ko",
) -> list[VisemeCue]:
    """Cues estimated from the text, spread over the chunk, ending with "sil"."""
    # `language` is accepted for symmetry with the other stages: the Hangul and Latin
    # rules apply whatever the language, since Korean replies mix in English words.
    units = text_units(text)
    if pcm is None:
        tail = min(int(0.05 * sample_rate), num_samples // 10)
        placed = _spread(units, 0.0, float(num_samples - tail))
        cues = [VisemeCue(int(at), viseme, weight) for at, viseme, weight in placed]
        return _finish(cues, num_samples, num_samples - tail)
    segments = speech_segments(pcm, sample_rate)
    if not segments:
        return _finish([], num_samples, 0)
    cues: list[VisemeCue] = []
    for phrase, group in _align_phrases(units, segments):
        speech_length = sum(end - start for start, end in group)
        cues += _onto_segments(_spread(phrase, 0.0, float(speech_length)), group)
        cues.append(VisemeCue(group[-1][1], "sil"))
    return _finish(cues, num_samples, segments[-1][1])


def _align_phrases(
    units: Sequence[_Unit], segments: Sequence[tuple[int, int]]
) -> list[tuple[list[_Unit], list[tuple[int, int]]]]:
    """Pair the text's phrases (split at punctuation) with groups of speech segments."""
    phrases: list[list[_Unit]] = [[]]
    for unit in units:
        if unit.pause:
            if phrases[-1]:
                phrases.append([])
        elif not unit.space or phrases[-1]:
            phrases[-1].append(unit)  # a space opening a phrase takes no time
    phrases = [_strip_silent_tail(phrase) for phrase in phrases]
    phrases = [phrase for phrase in phrases if phrase] or [[]]
    boundaries = len(phrases) - 1
    if boundaries == 0 or len(segments) - 1 < boundaries:
        # Audio gaps already are the pauses: spread all speech over all speech time.
        return [([u for phrase in phrases for u in phrase], list(segments))]
    # The longest audio gaps are the spoken punctuation; shorter ones are stop closures.
    gap_lengths = [segments[i + 1][0] - segments[i][1] for i in range(len(segments) - 1)]
    longest = sorted(range(len(gap_lengths)), key=lambda i: -gap_lengths[i])[:boundaries]
    pairs, first = [], 0
    for phrase, cut in zip(phrases, [*sorted(longest), len(segments) - 1], strict=True):
        pairs.append((phrase, list(segments[first : cut + 1])))
        first = cut + 1
    return pairs


def _strip_silent_tail(phrase: list[_Unit]) -> list[_Unit]:
    while phrase and phrase[-1].space:
        phrase = phrase[:-1]
    return phrase


def _onto_segments(placed: Sequence[tuple[float, str, float]], segments: Sequence[tuple[int, int]]) -> list[VisemeCue]:
    """Map cues from speech-only time onto real offsets: gaps become "sil"."""
    cues: list[VisemeCue] = []
    speech_before = 0
    index = 0
    active: tuple[str, float] | None = None
    for number, (start, end) in enumerate(segments):
        length = end - start
        if number > 0:
            cues.append(VisemeCue(segments[number - 1][1], "sil"))
        if active is not None:
            cues.append(VisemeCue(start, *active))  # a syllable resumed after the gap
        while index < len(placed) and placed[index][0] < speech_before + length:
            at, viseme, weight = placed[index]
            cues.append(VisemeCue(start + int(at - speech_before), viseme, weight))
            active = (viseme, weight)
            index += 1
        speech_before += length
    return cues


def _finish(cues: Sequence[VisemeCue], num_samples: int, end: int) -> list[VisemeCue]:
    """Clamp into [0, num_samples), order, drop repeats, and close with "sil" at `end`."""
    if num_samples <= 0:
        return []
    last_offset = num_samples - 1
    ordered = sorted(cues, key=lambda c: c.offset)
    timeline: list[VisemeCue] = []
    for cue in [*ordered, VisemeCue(max(end, 0), "sil")]:
        cue = VisemeCue(min(max(cue.offset, 0), last_offset), cue.viseme, cue.weight)
        if timeline and cue.offset <= timeline[-1].offset:
            timeline[-1] = VisemeCue(timeline[-1].offset, cue.viseme, cue.weight)  # later wins
        elif not timeline or timeline[-1].viseme != cue.viseme:
            timeline.append(cue)
    if not timeline or timeline[0].offset > 0:
        timeline.insert(0, VisemeCue(0, "sil"))  # the mouth rests until speech begins
    deduped = [timeline[0]]
    for cue in timeline[1:]:
        if cue.viseme != deduped[-1].viseme:
            deduped.append(cue)
    return deduped
