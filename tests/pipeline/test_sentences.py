"""The streaming sentence splitter, fed whole and in random-sized deltas."""

from __future__ import annotations

import random

import pytest

from conversations.pipeline.sentences import SentenceSplitter


def split(deltas: list[str], **options) -> list[str]:
    splitter = SentenceSplitter(**options)
    chunks = [chunk for delta in deltas for chunk in splitter.feed(delta)]
    return chunks + splitter.flush()


def random_deltas(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    deltas, i = [], 0
    while i < len(text):
        size = rng.randint(1, 6)
        deltas.append(text[i : i + size])
        i += size
    return deltas


def squash(text: str) -> str:
    return "".join(text.split())


# A large first_chunk_min_chars keeps the early-cut rule out of the plain sentence cases.
LATE = {"first_chunk_min_chars": 1000}

CASES = [
    # Korean sentence ends
    ("안녕하세요. 반갑습니다.", ["안녕하세요.", "반갑습니다."], LATE),
    ("정말요? 대단해요! 좋아요.", ["정말요?", "대단해요!", "좋아요."], LATE),
    ("음… 잘 모르겠어요. 다시 말해 줄래요?", ["음…", "잘 모르겠어요.", "다시 말해 줄래요?"], LATE),
    ("그래요... 그런데 왜요?", ["그래요...", "그런데 왜요?"], LATE),
    ("진짜?! 말도 안 돼.", ["진짜?!", "말도 안 돼."], LATE),
    ("첫 줄\n둘째 줄\n\n셋째 줄", ["첫 줄", "둘째 줄", "셋째 줄"], LATE),
    ("좋아요 그럼 시작해요 다음에 봐요", ["좋아요 그럼 시작해요 다음에 봐요"], LATE),
    ("제가 할게요 네 맞아요. 끝", ["제가 할게요 네 맞아요.", "끝"], LATE),
    (
        "그는 “안녕!” 하고 말했어요. 그리고 갔어요.",
        ["그는 “안녕!” 하고 말했어요.", "그리고 갔어요."],
        LATE,
    ),
    ("“정말 좋아요.” 그녀가 웃었다.", ["“정말 좋아요.”", "그녀가 웃었다."], LATE),
    ("(웃음) 재밌네요. (박수) 끝!", ["(웃음) 재밌네요.", "(박수) 끝!"], LATE),
    ("괄호 안 문장(정말이에요.) 다음 문장.", ["괄호 안 문장(정말이에요.)", "다음 문장."], LATE),
    ("안녕.하세요 붙은 점", ["안녕.하세요 붙은 점"], LATE),
    # numbers and dates
    ("원주율은 3.14예요. 알죠?", ["원주율은 3.14예요.", "알죠?"], LATE),
    ("가격은 1,000원이에요. 싸죠?", ["가격은 1,000원이에요.", "싸죠?"], LATE),
    (
        "오늘은 2026. 3. 5. 목요일이에요. 맞아요.",
        ["오늘은 2026. 3. 5. 목요일이에요.", "맞아요."],
        LATE,
    ),
    ("1. 첫째 항목\n2. 둘째 항목", ["1. 첫째 항목", "2. 둘째 항목"], LATE),
    ("I am 25. And you?", ["I am 25.", "And you?"], LATE),
    ("Version 2.0.1 is out. Update now.", ["Version 2.0.1 is out.", "Update now."], LATE),
    # English and abbreviations
    ("Hello there. How are you?", ["Hello there.", "How are you?"], LATE),
    ("Mr. Kim met Dr. Lee. They talked.", ["Mr. Kim met Dr. Lee.", "They talked."], LATE),
    ("Use tools, e.g. hammers. Or not.", ["Use tools, e.g. hammers.", "Or not."], LATE),
    ("That is, i.e. the end. Yes.", ["That is, i.e. the end.", "Yes."], LATE),
    ("The U.S. economy grew. Good news!", ["The U.S. economy grew.", "Good news!"], LATE),
    (
        "Apples, pears, etc. are fruit. Eat them.",
        ["Apples, pears, etc. are fruit.", "Eat them."],
        LATE,
    ),
    ("J. K. Rowling wrote it. Really.", ["J. K. Rowling wrote it.", "Really."], LATE),
    ("Wait... what? No way!", ["Wait...", "what?", "No way!"], LATE),
    ('He said "stop." Then he left.', ['He said "stop."', "Then he left."], LATE),
    ('"Stop!" he said. Then left.', ['"Stop!" he said.', "Then left."], LATE),
    ("It's 5 p.m. now. Hurry.", ["It's 5 p.m. now.", "Hurry."], LATE),
    # URLs
    (
        "Visit https://example.com/a.b?c=1 today. Thanks!",
        ["Visit https://example.com/a.b?c=1 today.", "Thanks!"],
        LATE,
    ),
    (
        "사이트는 www.naver.com 이에요. 들어가 보세요.",
        ["사이트는 www.naver.com 이에요.", "들어가 보세요."],
        LATE,
    ),
    ("See example.com. Bye.", ["See example.com.", "Bye."], LATE),
    # CJK full-width ends need no space
    ("こんにちは。元気ですか？はい！", ["こんにちは。", "元気ですか？", "はい！"], LATE),
    # punctuation-only pieces join the next chunk
    ("네! ! 좋아요.", ["네!", "! 좋아요."], LATE),
    ("   앞뒤 공백   ", ["앞뒤 공백"], LATE),
    ("", [], LATE),
    # first chunk early at a clause boundary
    (
        "오늘은 날씨가 정말 좋아서, 산책을 가고 싶어요. 같이 갈래요?",
        ["오늘은 날씨가 정말 좋아서,", "산책을 가고 싶어요.", "같이 갈래요?"],
        {"first_chunk_min_chars": 10},
    ),
    (
        "짧게, 말하면 이래요. 그래요, 알겠죠?",
        ["짧게, 말하면 이래요.", "그래요, 알겠죠?"],
        {"first_chunk_min_chars": 10},
    ),
    (
        "제가 어제 영화를 봤는데 정말 재미있었어요. 추천해요.",
        ["제가 어제 영화를 봤는데", "정말 재미있었어요.", "추천해요."],
        {"first_chunk_min_chars": 10},
    ),
    (
        "Well, I think that, honestly, it works. Sure.",
        ["Well, I think that,", "honestly, it works.", "Sure."],
        {"first_chunk_min_chars": 12, "language": "en"},
    ),
    (
        "가격이 10,000원인데 비싸요, 정말로.",
        ["가격이 10,000원인데", "비싸요, 정말로."],
        {"first_chunk_min_chars": 8},
    ),
    ("我们走吧，好吗？好的。", ["我们走吧，", "好吗？", "好的。"], {"first_chunk_min_chars": 4}),
    # hard cut at max_chars, at a space, preferring a comma
    (
        "하나 둘 셋 넷 다섯 여섯 일곱 여덟 아홉",
        ["하나 둘 셋 넷 다섯", "여섯 일곱 여덟 아홉"],
        {"first_chunk_min_chars": 1000, "max_chars": 12},
    ),
    (
        "one two, three four five six",
        ["one two,", "three four", "five six"],
        {"first_chunk_min_chars": 1000, "max_chars": 12},
    ),
    (
        "가나다라마바사아자차카타파하",
        ["가나다라마바", "사아자차카타", "파하"],
        {"first_chunk_min_chars": 1000, "max_chars": 6},
    ),
]


@pytest.mark.parametrize(("text", "expected", "options"), CASES)
def test_whole_input(text, expected, options):
    assert split([text], **options) == expected


@pytest.mark.parametrize(("text", "expected", "options"), CASES)
@pytest.mark.parametrize("seed", range(4))
def test_random_deltas(text, expected, options, seed):
    chunks = split(random_deltas(text, seed), **options)
    assert chunks == expected
    assert squash("".join(chunks)) == squash(text)


def test_chunks_are_released_as_soon_as_they_are_certain():
    splitter = SentenceSplitter(first_chunk_min_chars=1000)
    assert splitter.feed("안녕하세요.") == []  # "." then a digit would be 3.14
    assert splitter.feed(" 반") == ["안녕하세요."]
    assert splitter.feed("가워요!") == []
    assert splitter.flush() == ["반가워요!"]


def test_only_the_first_chunk_is_cut_early():
    splitter = SentenceSplitter(first_chunk_min_chars=5)
    assert splitter.feed("첫째 조각은, 일찍 ") == ["첫째 조각은,"]
    assert splitter.feed("나오고, 다음은 문장 끝에서 ") == []
    assert splitter.feed("나와요. ") == ["일찍 나오고, 다음은 문장 끝에서 나와요."]


def test_korean_ending_without_punctuation_is_not_a_cut():
    splitter = SentenceSplitter(first_chunk_min_chars=1000)
    assert splitter.feed("네 알겠어요 그럼 내일 봐요 ") == []
    assert splitter.flush() == ["네 알겠어요 그럼 내일 봐요"]


def test_long_random_text_respects_max_chars():
    rng = random.Random(7)
    words = ["안녕", "하세요", "반갑", "습니다", "hello", "world", "3.14", "1,000"]
    text = " ".join(rng.choice(words) for _ in range(300))
    chunks = split(random_deltas(text, 9), max_chars=40)
    assert all(len(chunk) <= 41 for chunk in chunks)
    assert squash("".join(chunks)) == squash(text)
