"""Korean text normalisation for TTS: what a Korean speaker would say out loud."""

from __future__ import annotations

import pytest

from conversations.pipeline.korean_normalizer import (
    native_number,
    normalize_for_speech,
    sino_number,
)

KOREAN_CASES = [
    # years, months, days
    ("2026년", "이천이십육 년"),
    ("3월 5일", "삼 월 오 일"),
    ("6월 10일", "유월 십 일"),
    ("10월에 만나요", "시월에 만나요"),
    ("12월 25일은 크리스마스", "십이 월 이십오 일은 크리스마스"),
    ("2026-03-05", "이천이십육 년 삼 월 오 일"),
    ("1990년대", "천구백구십 년대"),
    # plain Sino-Korean numbers
    ("0", "영"),
    ("11", "십일"),
    ("100", "백"),
    ("1000명 넘게", "천 명 넘게"),
    ("10,000원", "만 원"),
    ("12,345원", "만 이천삼백사십오 원"),
    ("1,000,000원", "백만 원"),
    ("100000000", "일억"),
    ("-3", "마이너스 삼"),
    ("3만 원이에요", "삼만 원이에요"),
    ("3억 5천만 원", "삼억 오천만 원"),
    ("제3장", "제삼 장"),
    ("온도는 -3이에요", "온도는 마이너스 삼이에요"),
    ("3.14", "삼 점 일사"),
    ("0.05", "영 점 영오"),
    # money and percent
    ("50%", "오십 퍼센트"),
    ("3.5% 올랐어요", "삼 점 오 퍼센트 올랐어요"),
    ("$5", "오 달러"),
    ("$3.50", "삼 달러 오십 센트"),
    ("5달러", "오 달러"),
    ("₩5000", "오천 원"),
    # units
    ("3.5kg", "삼 점 오 킬로그램"),
    ("5km", "오 킬로미터"),
    ("170cm", "백칠십 센티미터"),
    ("100 m 달리기", "백 미터 달리기"),
    ("500g", "오백 그램"),
    ("25℃", "이십오 도"),
    ("-5°C", "영하 오 도"),
    ("100km/h", "시속 백 킬로미터"),
    ("16GB", "십육 기가바이트"),
    # native numbers with counters
    ("3개", "세 개"),
    ("2명", "두 명"),
    ("1명", "한 명"),
    ("4마리", "네 마리"),
    ("5마리", "다섯 마리"),
    ("20살", "스무 살"),
    ("21살", "스물한 살"),
    ("1번째", "첫 번째"),
    ("2번째", "두 번째"),
    ("11번째", "열한 번째"),
    ("3번 말했어요", "세 번 말했어요"),
    ("2시간", "두 시간"),
    ("3개월", "삼 개월"),
    ("150개", "백오십 개"),
    ("사과 3 개", "사과 세 개"),
    # clock times
    ("3시 30분", "세 시 삼십 분"),
    ("12시", "열두 시"),
    ("14:05", "열네 시 오 분"),
    ("14:00에 만나요", "열네 시에 만나요"),
    ("9:30:15", "아홉 시 삼십 분 십오 초"),
    ("0:10", "영 시 십 분"),
    # phone numbers
    ("010-1234-5678", "공일공 일이삼사 오육칠팔"),
    ("02-123-4567로 전화", "공이 일이삼 사오육칠로 전화"),
    ("1588-1234", "일오팔팔 일이삼사"),
    # acronyms
    ("AI", "에이아이"),
    ("GPU", "지피유"),
    ("AI가 좋아요", "에이아이가 좋아요"),
    ("NASA", "나사"),
    ("Hello world", "Hello world"),
    # mixed sentences and whitespace
    (
        "오늘은 2026년 3월 5일, 기온은 25℃예요.",
        "오늘은 이천이십육 년 삼 월 오 일, 기온은 이십오 도예요.",
    ),
    ("고양이 2마리와  강아지 3마리가\n있어요", "고양이 두 마리와 강아지 세 마리가 있어요"),
    ("숫자 없는 문장이에요.", "숫자 없는 문장이에요."),
]


@pytest.mark.parametrize(("text", "spoken"), KOREAN_CASES)
def test_korean(text, spoken):
    assert normalize_for_speech(text, "ko") == spoken


@pytest.mark.parametrize(("text", "spoken"), KOREAN_CASES)
def test_korean_output_has_no_digits_left(text, spoken):
    assert not any(ch.isdigit() for ch in normalize_for_speech(text))


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("It costs  $5 and   50% off.", "It costs $5 and 50 percent off."),
        ("Meet at 14:05\non 2026-03-05.", "Meet at 14:05 on 2026-03-05."),
        ("AI and GPU", "AI and GPU"),
    ],
)
def test_english_keeps_text_and_normalises_whitespace(text, spoken):
    assert normalize_for_speech(text, "en") == spoken


def test_other_languages_only_normalise_whitespace():
    assert normalize_for_speech("  こんにちは  3時  ", "ja") == "こんにちは 3時"


@pytest.mark.parametrize(
    ("n", "reading"),
    [(1, "일"), (10, "십"), (15, "십오"), (101, "백일"), (1001, "천일"), (20000, "이만"),
     (110000, "십일만"), (100010000, "일억 만")],
)  # fmt: skip
def test_sino_number(n, reading):
    assert sino_number(n) == reading


@pytest.mark.parametrize(
    ("n", "reading"),
    [(1, "한"), (10, "열"), (19, "열아홉"), (20, "스무"), (32, "서른두"), (99, "아흔아홉")],
)
def test_native_number_before_counter(n, reading):
    assert native_number(n) == reading


def test_native_number_standalone_forms():
    assert native_number(1, before_counter=False) == "하나"
    assert native_number(20, before_counter=False) == "스물"
