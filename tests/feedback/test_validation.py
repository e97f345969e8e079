"""Example validation, duplicates, token limits and the deterministic split."""

from __future__ import annotations

import json

from feedback.validation import Candidate, check_example, split, to_jsonl, validate

SYSTEM = {"role": "system", "content": "너는 하루야."}


def example(*pairs: str) -> list[dict[str, str]]:
    roles = ["user", "assistant"] * len(pairs)
    return [SYSTEM, *({"role": r, "content": c} for r, c in zip(roles, pairs, strict=False))]


def test_check_example_accepts_alternating_turns_ending_with_the_answer():
    assert check_example(example("안녕", "[joy] 안녕!"), max_tokens=100) is None
    assert check_example(example("a", "b", "c", "d"), max_tokens=100) is None


def test_check_example_names_what_is_wrong():
    assert check_example(example("안녕"), 100) == "bad_roles"
    assert check_example(example("a", "b")[1:], 100) == "bad_roles"
    assert check_example(example("a", "b", "c"), 100) == "bad_order"
    assert check_example([SYSTEM, {"role": "assistant", "content": "x"}, *example("a", "b")[1:]], 100) == "bad_order"
    assert check_example(example("a", "  "), 100) == "empty_content"
    assert check_example(example("가" * 200, "b"), 100) == "too_many_tokens"


def test_validate_scrubs_pii_and_drops_duplicates_and_bad_examples():
    candidates = [
        Candidate(example("내 번호 010-1234-5678", "[joy] 알겠어요"), 5, 1),
        Candidate(example("내 번호 010-9999-8888", "[joy] 알겠어요"), 4, 2),  # same once scrubbed
        Candidate(example("너무 길어" * 100, "b"), 5, 3),
        Candidate(example("빈 대답", ""), 5, 4),
        Candidate(example("메일 a@b.kr", "[sad] 네"), None, 5),
    ]

    result = validate(candidates, max_tokens=200)

    assert [c.turn_id for c in result.kept] == [1, 5]
    assert result.kept[0].messages[1]["content"] == "내 번호 <PHONE>"
    assert result.kept[1].messages[1]["content"] == "메일 <EMAIL>"
    assert dict(result.dropped) == {"duplicate": 1, "too_many_tokens": 1, "empty_content": 1}
    assert (result.pii.phone, result.pii.email) == (2, 1)
    assert len(result.tokens) == 2 and all(t > 0 for t in result.tokens)


def test_split_is_deterministic_for_a_seed_and_covers_every_example():
    items = list(range(100))

    train, validation = split(items, 0.2, seed=7)

    assert (train, validation) == split(items, 0.2, seed=7)
    assert split(items, 0.2, seed=8) != (train, validation)
    assert len(validation) == 20
    assert sorted(train + validation) == items


def test_split_keeps_one_validation_example_for_tiny_sets():
    train, validation = split([1, 2, 3], 0.1, seed=1)

    assert len(validation) == 1 and len(train) == 2


def test_to_jsonl_writes_one_readable_object_per_line():
    data = to_jsonl([Candidate(example("안녕", "[joy] 반가워"), 5, 1)])

    [line] = data.decode().splitlines()
    assert "안녕" in line
    assert json.loads(line) == {"messages": example("안녕", "[joy] 반가워")}
