"""Text normalisation before TTS: numbers, dates, units and acronyms read out in Hangul."""

from __future__ import annotations

import re
from collections.abc import Callable

SINO_DIGITS = "영일이삼사오육칠팔구"
PHONE_DIGITS = "공일이삼사오육칠팔구"
NATIVE_ONES = ["", "하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉"]
# The attributive forms used before a counter: 한 개, 두 명, 세 시, 네 마리.
NATIVE_ONES_BEFORE_COUNTER = ["", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉"]
NATIVE_TENS = ["", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔"]
SMALL_UNITS = ["", "십", "백", "천"]
LARGE_UNITS = ["", "만", "억", "조", "경"]

# Counters read with native Korean numbers (1-99); everything else is Sino-Korean.
# Longer alternatives first so "시간" wins over "시" and sino "개월" is kept out.
NATIVE_COUNTERS = (
    "번째", "시간", "마리", "사람", "가지", "군데", "켤레", "그루", "송이", "그릇", "바퀴",
    "개", "명", "살", "시", "번", "권", "잔", "병", "장", "달", "곳", "벌", "채", "척", "배", "쌍",
)  # fmt: skip
SINO_COUNTERS_SHADOWING_NATIVE = ("개월", "번지", "장면", "달러", "시즌", "번호")

UNITS = {
    "km/h": "킬로미터",  # read as 시속 N 킬로미터, see _read_unit
    "km": "킬로미터",
    "cm": "센티미터",
    "mm": "밀리미터",
    "m": "미터",
    "kg": "킬로그램",
    "mg": "밀리그램",
    "g": "그램",
    "ml": "밀리리터",
    "mL": "밀리리터",
    "L": "리터",
    "l": "리터",
    "GB": "기가바이트",
    "MB": "메가바이트",
    "TB": "테라바이트",
    "°C": "도",
    "℃": "도",
    "°F": "도",
    "℉": "도",
    "%": "퍼센트",
}
CURRENCY_PREFIXES = {"$": "달러", "₩": "원", "€": "유로", "¥": "엔", "£": "파운드"}

LETTERS = {
    "A": "에이", "B": "비", "C": "씨", "D": "디", "E": "이", "F": "에프", "G": "지",
    "H": "에이치", "I": "아이", "J": "제이", "K": "케이", "L": "엘", "M": "엠", "N": "엔",
    "O": "오", "P": "피", "Q": "큐", "R": "알", "S": "에스", "T": "티", "U": "유",
    "V": "브이", "W": "더블유", "X": "엑스", "Y": "와이", "Z": "제트",
}  # fmt: skip
# Acronyms said as words rather than letter by letter.
WORD_ACRONYMS = {"NASA": "나사", "UNESCO": "유네스코", "NATO": "나토", "OPEC": "오펙"}

# A number followed by one of these is followed by a particle, so no space goes between.
PARTICLE_START = "[이은을에의와과로는가를으]"
NUMBER = r"\d{1,3}(?:,\d{3})+|\d+"
DECIMAL = rf"(?:{NUMBER})(?:\.\d+)?"
# A minus sign only at a word start, so "3-5" and phone numbers keep their hyphens.
SIGNED = rf"(?:(?<![\w.])[-−])?{DECIMAL}"


def sino_number(n: int) -> str:
    """Read a non-negative integer in Sino-Korean: 2026 -> 이천이십육, 10000 -> 만."""
    if n == 0:
        return "영"
    groups: list[str] = []
    for index, unit in enumerate(LARGE_UNITS):
        group = (n // 10_000**index) % 10_000
        if group == 0:
            continue
        if group == 1 and unit == "만":
            groups.append("만")  # 만, not 일만
        else:
            groups.append(_four_digits(group) + unit)
    if n >= 10_000 ** len(LARGE_UNITS):
        return " ".join(SINO_DIGITS[int(d)] for d in str(n))  # too large: digit by digit
    return " ".join(reversed(groups))


def _four_digits(n: int) -> str:
    parts = []
    for place in (3, 2, 1, 0):
        digit = (n // 10**place) % 10
        if digit == 0:
            continue
        # 십, 백, 천 drop a leading 일: 백, not 일백.
        prefix = "" if digit == 1 and place > 0 else SINO_DIGITS[digit]
        parts.append(prefix + SMALL_UNITS[place])
    return "".join(parts)


def native_number(n: int, before_counter: bool = True) -> str:
    """Read 1-99 in native Korean (세, 스무, 열한); larger numbers fall back to Sino."""
    if not 1 <= n <= 99:
        return sino_number(n)
    tens, ones = divmod(n, 10)
    if before_counter and n == 20:
        return "스무"
    ones_words = NATIVE_ONES_BEFORE_COUNTER if before_counter else NATIVE_ONES
    return NATIVE_TENS[tens] + ones_words[ones]


def read_decimal(text: str) -> str:
    """Read "3.5", "-3", "10,000" or "0.05" in Sino-Korean."""
    sign = ""
    if text[0] in "-−":
        sign, text = "마이너스 ", text[1:]
    whole, _, fraction = text.replace(",", "").partition(".")
    reading = sino_number(int(whole))
    if fraction:
        reading += " 점 " + "".join(SINO_DIGITS[int(d)] for d in fraction)
    return sign + reading


def read_month(n: int) -> str:
    """Month names: 유월 and 시월 drop the final consonant of 육 and 십."""
    return {6: "유월", 10: "시월"}.get(n, f"{sino_number(n)} 월")


def _digits(text: str) -> str:
    return "".join(PHONE_DIGITS[int(d)] for d in text if d.isdigit())


def _phone(match: re.Match[str]) -> str:
    return " ".join(_digits(part) for part in re.split(r"[-.\s]", match.group(0)) if part)


def _iso_date(match: re.Match[str]) -> str:
    year, month, day = (int(g) for g in match.groups())
    return f"{sino_number(year)} 년 {read_month(month)} {sino_number(day)} 일"


def _clock(match: re.Match[str]) -> str:
    hours, minutes, seconds = match.group(1), match.group(2), match.group(3)
    words = [f"{native_number(int(hours)) if int(hours) else '영'} 시"]
    if int(minutes):
        words.append(f"{sino_number(int(minutes))} 분")
    if seconds and int(seconds):
        words.append(f"{sino_number(int(seconds))} 초")
    return " ".join(words)


def _currency(match: re.Match[str]) -> str:
    symbol, amount = match.group(1), match.group(2)
    whole, _, cents = amount.partition(".")
    if symbol == "$" and len(cents) == 2:
        dollars = f"{read_decimal(whole)} 달러"
        return dollars if cents == "00" else f"{dollars} {sino_number(int(cents))} 센트"
    return f"{read_decimal(amount)} {CURRENCY_PREFIXES[symbol]}"


def _unit(match: re.Match[str]) -> str:
    number, unit = match.group(1), match.group(2)
    if unit in ("°C", "℃", "°F", "℉"):
        scale = "화씨 " if "F" in unit or unit == "℉" else ""
        if number[0] in "-−":
            return f"{scale}영하 {read_decimal(number[1:])} 도"
        return f"{scale}{read_decimal(number)} 도"
    if unit == "km/h":
        return f"시속 {read_decimal(number)} 킬로미터"
    return f"{read_decimal(number)} {UNITS[unit]}"


def _counter(match: re.Match[str]) -> str:
    number, counter = int(match.group(1).replace(",", "")), match.group(2)
    if counter == "번째" and number == 1:
        return "첫 번째"
    if number > 99:
        return f"{sino_number(number)} {counter}"
    return f"{native_number(number)} {counter}"


def _month(match: re.Match[str]) -> str:
    return read_month(int(match.group(1)))


def _plain_number(match: re.Match[str]) -> str:
    reading = read_decimal(match.group(1))
    # "2026년" -> "이천이십육 년": a space keeps the counter a separate word for TTS.
    return reading + (" " if match.group(2) is not None else "")


def _acronym(match: re.Match[str]) -> str:
    word = match.group(0)
    return WORD_ACRONYMS.get(word) or "".join(LETTERS[ch] for ch in word)


_unit_names = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_native_names = "|".join(NATIVE_COUNTERS)
_shadowing = "|".join(SINO_COUNTERS_SHADOWING_NATIVE)

KOREAN_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"(?<![\d-])0\d{1,2}[-.\s]\d{3,4}[-.\s]\d{4}(?![\d-])"), _phone),
    (re.compile(r"(?<![\d-])1[5-9]\d{2}-\d{4}(?![\d-])"), _phone),  # 1588-1234
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), _iso_date),
    (re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])"), _clock),
    (re.compile(rf"([$₩€¥£])\s?({DECIMAL})"), _currency),
    (re.compile(rf"({SIGNED})\s?({_unit_names})(?![A-Za-z/])"), _unit),
    (re.compile(r"(?<![\d.])(\d{1,2})\s?월"), _month),
    # "3만 원", "5천만": the number and its written magnitude are one word.
    (re.compile(r"(?<![\d.,])(\d+)(?=[십백천만억조](?!각))"), lambda m: sino_number(int(m[1]))),
    # "제3장" is an ordinal: Sino-Korean even before a native counter.
    (re.compile(rf"(?<![\d.제])({NUMBER})\s?(?!{_shadowing})({_native_names})"), _counter),
    (re.compile(rf"({SIGNED})(\s?(?=[가-힣])(?!{PARTICLE_START}))?"), _plain_number),
    (re.compile(r"(?<![A-Za-z])[A-Z]{2,}(?![A-Za-z])"), _acronym),
]


def normalize_for_speech(text: str, language: str = "ko") -> str:
    """Rewrite text so a TTS engine reads it the way a person would."""
    if language == "ko":
        for pattern, replace in KOREAN_RULES:
            text = pattern.sub(replace, text)
    elif language == "en":
        text = re.sub(r"(?<=\d)\s?%", " percent", text)
    return " ".join(text.split())
