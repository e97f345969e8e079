"""Alice can never see, open, rate or fetch Bob's conversations (pages and API)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tokens import issue_token
from feedback.models import ConversationRating, TurnRating
from tests.foundation.conftest import answer_of, bearer, error_of


@pytest.fixture
def alice_secret(alice) -> str:
    return issue_token(alice).secret


def test_pages_of_bobs_conversation_are_not_found_for_alice(alice_client, bob_talk):
    for name in ("transcript", "talk"):
        assert alice_client.get(reverse(f"conversations:{name}", args=[bob_talk.pk])).status_code == 404, name
    assert alice_client.post(reverse("conversations:end", args=[bob_talk.pk])).status_code == 404
    bob_talk.refresh_from_db()
    assert bob_talk.ended_at is None


def test_alice_cannot_rate_bobs_conversation_on_pages(alice_client, bob_talk):
    answer = answer_of(bob_talk)

    turn = alice_client.post(reverse("conversations:rate-turn", args=[answer.pk]), {"score": 1})
    whole = alice_client.post(reverse("conversations:rate", args=[bob_talk.pk]), {"score": 1})

    assert turn.status_code == 404 and whole.status_code == 404
    assert not TurnRating.objects.exists() and not ConversationRating.objects.exists()


def test_history_lists_only_ones_own_conversations(alice_client, alice_talk, bob_talk):
    listed = list(alice_client.get(reverse("conversations:history")).context["conversations"])
    searched = list(alice_client.get(reverse("conversations:history"), {"q": "비밀"}).context["conversations"])

    assert listed == [alice_talk]
    assert searched == []


def test_api_hides_bobs_conversation_from_alice(client, alice_secret, alice_talk, bob_talk):
    detail = client.get(reverse("api:conversation-detail", args=[bob_talk.pk]), headers=bearer(alice_secret))
    listed = client.get(reverse("api:conversation-list"), headers=bearer(alice_secret))
    searched = client.get(reverse("api:conversation-list"), {"q": "비밀"}, headers=bearer(alice_secret))

    assert detail.status_code == 404 and error_of(detail)["code"] == "not_found"
    assert [row["id"] for row in listed.json()] == [alice_talk.pk]
    assert searched.json() == []


def test_api_refuses_alice_rating_bobs_turns_and_conversation(client, alice_secret, bob, bob_talk):
    answer = answer_of(bob_talk)
    TurnRating.objects.create(turn=answer, user=bob, score=5, comment="bob's")

    turn = client.put(
        reverse("api:turn-rating", args=[answer.pk]),
        {"score": 1},
        content_type="application/json",
        headers=bearer(alice_secret),
    )
    whole = client.put(
        reverse("api:conversation-rating", args=[bob_talk.pk]),
        {"score": 1},
        content_type="application/json",
        headers=bearer(alice_secret),
    )

    assert turn.status_code == 404 and error_of(turn)["code"] == "not_found"
    assert whole.status_code == 404
    assert TurnRating.objects.get(turn=answer).score == 5
    assert not ConversationRating.objects.exists()


def test_session_api_is_isolated_too(alice_client, bob_talk):
    response = alice_client.get(reverse("api:conversation-detail", args=[bob_talk.pk]))

    assert response.status_code == 404
