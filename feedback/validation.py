"""Checks on fine-tuning examples before a file is offered: PII, shape, size, duplicates."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from conversations.pipeline.llm import MESSAGE_OVERHEAD_TOKENS, estimate_tokens

Message = dict[str, str]

# Placeholders use angle brackets: square brackets are reserved for emotion tags, which
# the model is told never to mix with other bracketed text.
EMAIL_PLACEHOLDER = "<EMAIL>"
PHONE_PLACEHOLDER = "<PHONE>"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Digits on either side mean the match is part of a longer number (an id, an amount).
_PHONE = re.compile(
    r"(?<![\d+])(?:"
    # +82 10-1234-5678, +82-2-123-4567, +82 (0)10 1234 5678, +821012345678
    r"\+82[-.\s]?(?:\(0\))?\s?\d{1,2}[-.\s]?\d{3,4}[-.\s]?\d{4}"
    # Korean mobile, separated or not: 010-1234-5678, 010 1234 5678, 01012345678
    r"|01[016789][-.\s]?\d{3,4}[-.\s]?\d{4}"
    # Korean landlines, always written with separators: 02-123-4567, 031-123-4567, (02) 123-4567
    r"|\(?0[2-6]\d?\)?[-.\s]?\d{3,4}[-.\s]\d{4}"
    # Other international numbers: +1 415 555 0100, +44 20 7946 0958
    r"|\+\d{1,3}(?:[-.\s]?\d{2,4}){2,4}"
    r")(?!\d)"
)


@dataclass
class PiiCounts:
    email: int = 0
    phone: int = 0


def scrub_pii(text: str, counts: PiiCounts | None = None) -> str:
    """Replace e-mail addresses and phone numbers (Korean formats included) with placeholders."""
    text, emails = _EMAIL.subn(EMAIL_PLACEHOLDER, text)
    text, phones = _PHONE.subn(PHONE_PLACEHOLDER, text)
    if counts is not None:
        counts.email += emails
        counts.phone += phones
    return text


def example_tokens(messages: Sequence[Message]) -> int:
    """Estimated tokens of one example, the way the realtime prompt budget counts them."""
    return sum(estimate_tokens(m["content"]) + MESSAGE_OVERHEAD_TOKENS for m in messages)


def check_example(messages: Sequence[Message], max_tokens: int) -> str | None:
    """Why the example is unusable (a short reason), or None when it is fine."""
    if len(messages) < 3 or messages[0]["role"] != "system":
        return "bad_roles"
    if any(not m.get("content", "").strip() for m in messages):
        return "empty_content"
    expected = "user"
    for message in messages[1:]:
        if message["role"] != expected:
            return "bad_order"
        expected = "assistant" if expected == "user" else "user"
    if messages[-1]["role"] != "assistant":
        return "bad_order"
    if example_tokens(messages) > max_tokens:
        return "too_many_tokens"
    return None


@dataclass
class Candidate:
    """One example with what the report needs to know about it."""

    messages: list[Message]
    score: int | None
    turn_id: int


@dataclass
class ValidationResult:
    kept: list[Candidate] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    pii: PiiCounts = field(default_factory=PiiCounts)
    tokens: list[int] = field(default_factory=list)


def validate(
    candidates: Sequence[Candidate],
    max_tokens: int,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationResult:
    """Scrub PII, drop malformed, oversized and duplicate examples, keep the rest in order."""
    result = ValidationResult()
    seen: set[str] = set()
    for done, candidate in enumerate(candidates, 1):
        if progress:
            progress(done, len(candidates))
        messages = [
            {"role": m["role"], "content": scrub_pii(m["content"], result.pii).strip()} for m in candidate.messages
        ]
        reason = check_example(messages, max_tokens)
        key = json.dumps(messages, ensure_ascii=False)
        if reason is None and key in seen:
            reason = "duplicate"
        if reason is not None:
            result.dropped[reason] += 1
            continue
        seen.add(key)
        result.kept.append(Candidate(messages, candidate.score, candidate.turn_id))
        result.tokens.append(example_tokens(messages))
    return result


def split(examples: Sequence[Any], validation_fraction: float, seed: int) -> tuple[list[Any], list[Any]]:
    """A train/validation split that is the same for the same input and seed."""
    shuffled = list(examples)
    random.Random(seed).shuffle(shuffled)
    n_validation = round(len(shuffled) * validation_fraction)
    if validation_fraction > 0 and len(shuffled) >= 2:
        n_validation = min(max(n_validation, 1), len(shuffled) - 1)
    return shuffled[n_validation:], shuffled[:n_validation]


def to_jsonl(examples: Sequence[Candidate]) -> bytes:
    """One `{"messages": [...]}` object per line, UTF-8, Korean kept readable."""
    lines = (json.dumps({"messages": e.messages}, ensure_ascii=False) for e in examples)
    return "".join(line + "\n" for line in lines).encode()
