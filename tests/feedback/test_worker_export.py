"""Exports run end to end by a real Celery worker on Redis, against the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from conversations.models import Conversation, Turn
from conversations.pipeline.emotion import system_prompt_with_emotions
from feedback import services
from feedback.export import ExportOptions
from feedback.models import FineTuneExport, TurnRating
from feedback.validation import check_example
from personas.models import Persona
from tests.feedback.conftest import T0, Exchange, make_conversation

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL for a real Celery broker"),
]
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        pytest.skip("the worker needs a database another process can open: PostgreSQL")
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, str]]:
    """A `celery worker` subprocess on its own queue, so no other worker takes our tasks."""
    queue = f"feedback-test-{uuid.uuid4().hex[:8]}"
    media = tmp_path_factory.mktemp("worker-media")
    env = os.environ | {
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(media),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
    }
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "project",
        "worker",
        "--pool=solo",
        "-l",
        "warning",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield {"queue": queue, "media": str(media), "log": str(log)}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(export: FineTuneExport, worker: dict[str, str], timeout: float = 120) -> list[int]:
    """Poll the row until the worker finishes it; return the progress values seen."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if not seen or seen[-1] != export.progress:
            seen.append(export.progress)
        if export.is_finished:
            return seen
        time.sleep(0.01)
    raise AssertionError(f"worker did not finish: {Path(worker['log']).read_text()[-3000:]}")


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_an_export_whose_jsonl_follows_the_format(worker, settings):
    settings.MEDIA_ROOT = worker["media"]
    alice = User.objects.create_user("alice", password="x")
    haru = Persona.objects.create(name="Haru", slug="haru", system_prompt="너는 하루야.")
    make_conversation(
        alice,
        haru,
        [
            Exchange("안녕!", "안녕하세요!", emotion="joy"),
            Exchange("연락처 알려줘", "제 메일은 haru@example.com 이에요.", emotion="neutral"),
            Exchange("별로야", "죄송해요.", score=1, emotion="sad"),
            Exchange("길게 말해줘", "처음. 잘린 부분.", interrupted=True, spoken="처음."),
        ],
    )
    for n in range(20):
        make_conversation(
            alice, haru, [Exchange(f"질문 {n}", f"대답 {n}", score=4 + n % 2)], start=T0 + timedelta(hours=n)
        )
    make_conversation(alice, haru, [Exchange("질문 0", "대답 0", score=5)])  # a duplicate

    export = services.start_export(
        ExportOptions(persona_ids=[haru.pk], context_turns=4, validation_fraction=0.2),
        alice,
        queue=worker["queue"],
    )
    wait_for(export, worker)

    assert export.status == "succeeded", export.error
    examples = {}
    for name in ("train", "validation"):
        path = Path(worker["media"]) / f"exports/{export.pk}/{name}.jsonl"
        examples[name] = [json.loads(line) for line in path.read_text().splitlines()]
    every = examples["train"] + examples["validation"]
    for example in every:
        assert set(example) == {"messages"}
        messages = example["messages"]
        assert all(set(m) == {"role", "content"} for m in messages)
        assert check_example(messages, max_tokens=4000) is None
        assert messages[0] == {"role": "system", "content": system_prompt_with_emotions("너는 하루야.", haru.emotions)}
        assert messages[-1]["content"].startswith(("[joy] ", "[neutral] "))
    answers = {e["messages"][-1]["content"] for e in every}
    assert "[neutral] 제 메일은 <EMAIL> 이에요." in answers
    assert "[joy] 처음." in answers and "[sad] 죄송해요." not in answers
    report = export.report
    assert report["candidates"] == 24
    assert report["dropped"] == {"duplicate": 1}
    assert report["kept"] == len(every) == 23
    assert (report["train_examples"], report["validation_examples"]) == (18, 5)
    assert report["ratings"] == {"1": 0, "2": 0, "3": 0, "4": 10, "5": 13, "unrated": 0}
    assert report["pii_redactions"] == {"email": 1, "phone": 0}
    assert report["tokens"]["total"] > 0 and report["tokens"]["max"] <= 4000


def bulk_conversations(owner: User, persona: Persona, conversations: int, exchanges: int) -> int:
    """Many rated conversations through bulk_create; returns the number of turns."""
    made = Conversation.objects.bulk_create(Conversation(owner=owner, persona=persona) for _ in range(conversations))
    turns = []
    for conversation in made:
        for n in range(exchanges):
            at = T0 + timedelta(minutes=n)
            turns.append(
                Turn(
                    conversation=conversation,
                    index=2 * n,
                    role="user",
                    text=f"{conversation.pk}번 대화의 {n}번째 질문이에요.",
                    started_at=at,
                    ended_at=at,
                )
            )
            turns.append(
                Turn(
                    conversation=conversation,
                    index=2 * n + 1,
                    role="assistant",
                    text=f"{conversation.pk}번 대화 {n}번째 대답입니다. 도움이 되었으면 해요.",
                    spoken_text="",
                    emotion="joy",
                    started_at=at,
                    ended_at=at,
                )
            )
    Turn.objects.bulk_create(turns, batch_size=2000)
    answers = Turn.objects.filter(conversation__in=made, role="assistant").values_list("id", flat=True)
    TurnRating.objects.bulk_create(
        (TurnRating(turn_id=turn_id, user=owner, score=4 + turn_id % 2) for turn_id in answers),
        batch_size=2000,
    )
    return len(turns)


@pytest.mark.django_db(transaction=True)
def test_progress_moves_while_a_worker_exports_thousands_of_turns(worker, settings):
    settings.MEDIA_ROOT = worker["media"]
    owner = User.objects.create_user("bulk", password="x")
    persona = Persona.objects.create(name="Bulk", slug="bulk", system_prompt="대량 테스트 페르소나.")
    assert bulk_conversations(owner, persona, conversations=250, exchanges=10) == 5000

    began = time.monotonic()
    export = services.start_export(
        ExportOptions(persona_ids=[persona.pk], context_turns=6), owner, queue=worker["queue"]
    )
    seen = wait_for(export, worker)
    elapsed = time.monotonic() - began

    print(
        f"\nexport of 5,000 turns (2,500 examples): {elapsed:.2f}s end to end, "
        f"{export.report['seconds']:.2f}s in the worker; progress seen: {seen}"
    )
    assert export.status == "succeeded", export.error
    assert export.report["kept"] == 2500
    assert seen[-1] == 100
    intermediate = [p for p in seen if 0 < p < 100]
    assert len(intermediate) >= 3, seen
    assert seen == sorted(seen)
