"""Export contents: chat JSONL shape, prompt of the time, emotion tags, context, interruptions."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage

from conversations.pipeline.emotion import system_prompt_with_emotions
from feedback import services
from feedback.export import ExportOptions, build_export
from feedback.models import FineTuneExport
from personas.models import PersonaRevision
from tests.feedback.conftest import T0, Exchange, make_conversation

pytestmark = pytest.mark.usefixtures("media_root")


def run(**options) -> FineTuneExport:
    options.setdefault("min_examples", 1)
    options.setdefault("validation_fraction", 0.0)
    export = services.create_export(ExportOptions(**options))
    return services.execute_export(export.pk)


def lines(export: FineTuneExport, name: str = "train") -> list[dict]:
    with default_storage.open(f"exports/{export.pk}/{name}.jsonl") as handle:
        return [json.loads(line) for line in handle.read().decode().splitlines()]


def test_examples_carry_context_emotion_tags_and_end_with_the_rated_answer(alice, persona):
    make_conversation(
        alice,
        persona,
        [
            Exchange("안녕!", "안녕하세요!", score=None),
            Exchange("오늘 날씨 어때?", "맑고 따뜻해요.", score=5, emotion="joy"),
            Exchange("고마워", "천만에요.", score=2, emotion="neutral"),
        ],
    )

    export = run(persona_ids=[persona.pk], context_turns=2)

    assert export.status == "succeeded", export.error
    [example] = lines(export)
    assert example["messages"] == [
        {"role": "system", "content": system_prompt_with_emotions(persona.system_prompt, persona.emotions)},
        {"role": "user", "content": "오늘 날씨 어때?"},
        {"role": "assistant", "content": "[joy] 맑고 따뜻해요."},
    ]
    assert export.report["kept"] == 1
    assert export.report["ratings"]["5"] == 1


def test_a_wider_window_starts_with_a_user_turn_and_keeps_earlier_answers_tagged(alice, persona):
    make_conversation(
        alice,
        persona,
        [
            Exchange("하나", "첫 대답", score=None, emotion="sad"),
            Exchange("둘", "둘째 대답", score=4, emotion="surprised"),
        ],
    )

    [example] = lines(run(context_turns=3))

    roles = [m["role"] for m in example["messages"]]
    assert roles == ["system", "user", "assistant", "user", "assistant"]
    assert example["messages"][2]["content"] == "[sad] 첫 대답"
    assert example["messages"][-1]["content"] == "[surprised] 둘째 대답"


def test_the_system_prompt_is_the_one_in_force_when_the_answer_was_given(alice, persona):
    old, new = "예전 프롬프트", persona.system_prompt
    revision = PersonaRevision.objects.create(persona=persona, changes={"system_prompt": [old, new]})
    PersonaRevision.objects.filter(pk=revision.pk).update(changed_at=T0 + timedelta(days=1))
    make_conversation(alice, persona, [Exchange("전", "전날 대답")], start=T0)
    make_conversation(alice, persona, [Exchange("후", "다음날 대답")], start=T0 + timedelta(days=2))

    examples = lines(run())

    prompts = {e["messages"][-1]["content"]: e["messages"][0]["content"] for e in examples}
    as_sent = {text: system_prompt_with_emotions(text, persona.emotions) for text in (old, new)}
    assert prompts == {"[joy] 전날 대답": as_sent[old], "[joy] 다음날 대답": as_sent[new]}


def test_interrupted_answers_train_on_what_was_spoken_or_are_excluded(alice, persona):
    make_conversation(
        alice,
        persona,
        [
            Exchange("길게 말해줘", "처음 부분. 잘린 나머지 부분.", interrupted=True, spoken="처음 부분."),
            Exchange("다음", "끝까지 말한 대답"),
        ],
    )

    spoken = sorted(e["messages"][-1]["content"] for e in lines(run()))
    excluded = [e["messages"][-1]["content"] for e in lines(run(interrupted="exclude"))]

    assert spoken == ["[joy] 끝까지 말한 대답", "[joy] 처음 부분."]
    assert excluded == ["[joy] 끝까지 말한 대답"]


def test_rating_threshold_unrated_turns_and_dates_select_answers(alice, persona):
    make_conversation(
        alice,
        persona,
        [
            Exchange("a", "별 다섯", score=5),
            Exchange("b", "별 셋", score=3),
            Exchange("c", "평가 없음", score=None),
        ],
    )
    make_conversation(alice, persona, [Exchange("d", "나중 대답")], start=T0 + timedelta(days=30))

    def answers(**options) -> set[str]:
        return {e["messages"][-1]["content"][6:] for e in lines(run(context_turns=1, **options))}

    assert answers(min_rating=4) == {"별 다섯", "나중 대답"}
    assert answers(min_rating=3, include_unrated=True) == {"별 다섯", "별 셋", "평가 없음", "나중 대답"}
    assert answers(date_to=(T0 + timedelta(days=1)).date().isoformat()) == {"별 다섯"}


def test_a_persona_without_rated_answers_gives_an_empty_export_and_no_file(alice, persona, mina):
    make_conversation(alice, persona, [Exchange("a", "b")])

    export = run(persona_ids=[mina.pk])

    assert export.status == "empty"
    assert "Nothing to export" in export.error
    assert not export.train_file and not export.validation_file
    assert not default_storage.exists(f"exports/{export.pk}")


def test_too_few_valid_examples_fail_with_the_report(alice, persona):
    make_conversation(alice, persona, [Exchange("a", "b"), Exchange("c", "d")])

    export = run(min_examples=5)

    assert export.status == "failed"
    assert "Only 2 valid examples" in export.error
    assert export.report["kept"] == 2
    assert not export.train_file


def test_two_exports_keep_their_own_files(alice, persona, mina):
    make_conversation(alice, persona, [Exchange("하루에게", "하루 대답")])
    make_conversation(alice, mina, [Exchange("미나에게", "미나 대답")])

    first, second = run(persona_ids=[persona.pk]), run(persona_ids=[mina.pk])

    assert first.train_file.name == f"exports/{first.pk}/train.jsonl"
    assert second.train_file.name == f"exports/{second.pk}/train.jsonl"
    assert [e["messages"][-1]["content"] for e in lines(first)] == ["[joy] 하루 대답"]
    assert [e["messages"][-1]["content"] for e in lines(second)] == ["[joy] 미나 대답"]


def test_progress_is_reported_at_least_every_two_percent(alice, persona):
    make_conversation(alice, persona, [Exchange(f"질문 {n}", f"대답 {n}") for n in range(120)])
    export = services.create_export(ExportOptions(min_examples=1, context_turns=1))
    seen: list[int] = []

    build_export(export, seen.append)

    assert seen == sorted(seen)
    assert max(b - a for a, b in zip([0, *seen], [*seen, 100], strict=True)) <= 2
