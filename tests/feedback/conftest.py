"""Fixtures for feedback tests: conversations with rated answers, eager Celery, media in tmp."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from conversations.models import Conversation, Turn
from feedback.models import TurnRating
from personas.models import Persona
from project.celery import app as celery_app

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.get_fixed_timezone(9 * 60))


@dataclass
class Exchange:
    """One user line and the avatar's answer, optionally rated."""

    user: str
    answer: str
    score: int | None = 5
    emotion: str = "joy"
    interrupted: bool = False
    spoken: str | None = None


def make_conversation(
    owner: User, persona: Persona, exchanges: list[Exchange], start: datetime = T0, **extra: Any
) -> Conversation:
    """A conversation with alternating user and assistant turns, each a minute apart."""
    conversation = Conversation.objects.create(owner=owner, persona=persona, **extra)
    turns, scores = [], []
    for number, exchange in enumerate(exchanges):
        at = start + timedelta(minutes=2 * number)
        turns.append(
            Turn(
                conversation=conversation, index=2 * number, role="user", text=exchange.user, started_at=at, ended_at=at
            )
        )
        at += timedelta(minutes=1)
        turns.append(
            Turn(
                conversation=conversation,
                index=2 * number + 1,
                role="assistant",
                text=exchange.answer,
                emotion=exchange.emotion,
                interrupted=exchange.interrupted,
                spoken_text=exchange.answer if exchange.spoken is None else exchange.spoken,
                started_at=at,
                ended_at=at,
            )
        )
        scores.append(exchange.score)
    Turn.objects.bulk_create(turns)
    answers = [t for t in turns if t.role == "assistant"]
    TurnRating.objects.bulk_create(
        TurnRating(turn=turn, user=owner, score=score)
        for turn, score in zip(answers, scores, strict=True)
        if score is not None
    )
    return conversation


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Run Celery tasks inline for this test, whatever REDIS_URL says."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def media_root(settings, tmp_path):
    """Exports are written under a fresh MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def mina(db) -> Persona:
    return Persona.objects.create(name="Mina", slug="mina", system_prompt="너는 차분한 선생님 미나야.", language="ko")
