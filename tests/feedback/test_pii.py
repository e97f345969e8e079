"""PII scrubbing of e-mail addresses and phone numbers, Korean formats included."""

from __future__ import annotations

import pytest

from feedback.validation import PiiCounts, scrub_pii


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("제 번호는 010-1234-5678 이에요", "제 번호는 <PHONE> 이에요"),
        ("01012345678로 연락 주세요", "<PHONE>로 연락 주세요"),
        ("010 1234 5678", "<PHONE>"),
        ("011-123-4567", "<PHONE>"),
        ("+82 10-1234-5678", "<PHONE>"),
        ("+82-10-1234-5678", "<PHONE>"),
        ("+821012345678", "<PHONE>"),
        ("사무실은 02-123-4567", "사무실은 <PHONE>"),
        ("031-123-4567로", "<PHONE>로"),
        ("(02) 123-4567", "<PHONE>"),
        ("+1 415 555 0100", "<PHONE>"),
        ("메일은 foo.bar+x@example.co.kr 입니다", "메일은 <EMAIL> 입니다"),
        ("HARU@Mail.COM, mina@ex.io", "<EMAIL>, <EMAIL>"),
        # Numbers that are not phone numbers stay as they are.
        ("2024년 3월 15일", "2024년 3월 15일"),
        ("주문번호 123456789012", "주문번호 123456789012"),
        ("가격은 15,000원", "가격은 15,000원"),
        ("1234-5678 카드", "1234-5678 카드"),
        ("좌표 37.5665, 126.9780", "좌표 37.5665, 126.9780"),
        ("버전 1.2.3", "버전 1.2.3"),
        ("010-1234-56789", "010-1234-56789"),
        ("[joy] 안녕하세요!", "[joy] 안녕하세요!"),
    ],
)
def test_scrub_pii(text, expected):
    assert scrub_pii(text) == expected


def test_scrub_pii_counts_what_it_replaced():
    counts = PiiCounts()

    scrub_pii("a@b.com 010-1111-2222 02-123-4567", counts)

    assert (counts.email, counts.phone) == (1, 2)
