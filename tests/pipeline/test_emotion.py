"""Emotion tags are parsed out of the streamed LLM text and never spoken."""

from __future__ import annotations

import random

import pytest

from conversations.pipeline.emotion import (
    EMOTION_INSTRUCTION,
    EmotionChange,
    EmotionTagParser,
    TextPiece,
)

ALLOWED = ("neutral", "joy", "sad", "angry", "surprised")


def parse(deltas: list[str], allowed=ALLOWED) -> tuple[str, list[str]]:
    """Feed deltas; return the spoken text and the emotions in order."""
    parser = EmotionTagParser(allowed)
    items = [item for delta in deltas for item in parser.feed(delta)] + parser.flush()
    text = "".join(item.text for item in items if isinstance(item, TextPiece))
    emotions = [item.emotion for item in items if isinstance(item, EmotionChange)]
    return text, emotions


def random_deltas(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    deltas, i = [], 0
    while i < len(text):
        size = rng.randint(1, 4)
        deltas.append(text[i : i + size])
        i += size
    return deltas


CASES = [
    ("[joy] 안녕하세요!", "안녕하세요!", ["joy"]),
    ("[sad]괜찮아요.", "괜찮아요.", ["sad"]),
    ("[JOY] Hello!", "Hello!", ["joy"]),
    ("안녕하세요.", "안녕하세요.", []),
    ("좋아요. [sad] 그런데 슬퍼요.", "좋아요. 그런데 슬퍼요.", ["sad"]),
    ("[joy] 와! [surprised] 정말요?", "와! 정말요?", ["joy", "surprised"]),
    ("[excited] 신나요!", "신나요!", ["neutral"]),  # unknown tag: default emotion
    ("참고 문헌 [1] 을 보세요.", "참고 문헌 [1] 을 보세요.", []),
    ("[참고 자료] 여기 있어요.", "[참고 자료] 여기 있어요.", []),
    ("[참고] 한 단어 한글은 글자 그대로", "[참고] 한 단어 한글은 글자 그대로", []),
    ("배열 a[0] 과 b[i]", "배열 a[0] 과 b[i]", []),
    ("열린 괄호 [ 만 있어요", "열린 괄호 [ 만 있어요", []),
    ("끝에 열린 [joy", "끝에 열린 [joy", []),
    ("[[joy]] 이중", "[] 이중", ["joy"]),
    ("[ joy ] 공백 괄호", "[ joy ] 공백 괄호", []),
    ("  [joy]   앞 공백", "앞 공백", ["joy"]),
    ("[joy]", "", ["joy"]),
    ("[" + "a" * 40 + "] 긴 괄호", "[" + "a" * 40 + "] 긴 괄호", []),
]


@pytest.mark.parametrize(("raw", "spoken", "emotions"), CASES)
def test_whole_input(raw, spoken, emotions):
    assert parse([raw]) == (spoken, emotions)


@pytest.mark.parametrize(("raw", "spoken", "emotions"), CASES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_deltas_give_the_same_result(raw, spoken, emotions, seed):
    assert parse(random_deltas(raw, seed)) == (spoken, emotions)


def test_tag_split_across_deltas_is_held_back_then_removed():
    parser = EmotionTagParser(ALLOWED)
    assert parser.feed("[jo") == []
    assert parser.feed("y] 안녕") == [EmotionChange("joy", "joy"), TextPiece("안녕")]
    assert parser.current == "joy"


def test_text_before_an_open_bracket_is_not_delayed():
    parser = EmotionTagParser(ALLOWED)
    assert parser.feed("먼저 말해요 [s") == [TextPiece("먼저 말해요 ")]
    assert parser.feed("ad] 그리고") == [EmotionChange("sad", "sad"), TextPiece("그리고")]


def test_non_tag_bracket_is_released_as_soon_as_it_cannot_be_a_tag():
    parser = EmotionTagParser(ALLOWED)
    assert parser.feed("[참고") == []
    assert parser.feed(" 자료") == [TextPiece("[참고 자료")]


def test_allowed_korean_emotion_names_are_tags():
    assert parse(["[기쁨] 좋아요"], allowed=("기쁨", "슬픔")) == ("좋아요", ["기쁨"])


def test_unknown_tag_uses_custom_default():
    parser = EmotionTagParser(ALLOWED, default="sad")
    assert parser.feed("[ecstatic] hi") == [EmotionChange("sad", "ecstatic"), TextPiece("hi")]
    assert parser.current == "sad"


def test_current_starts_at_default():
    assert EmotionTagParser(ALLOWED).current == "neutral"


def test_instruction_lists_every_allowed_tag():
    instruction = EMOTION_INSTRUCTION(ALLOWED)
    for name in ALLOWED:
        assert f"[{name}]" in instruction
    assert "Start every reply" in instruction
