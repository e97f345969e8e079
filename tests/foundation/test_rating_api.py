"""PUT /api/turns/<id>/rating and /api/conversations/<id>/rating create, then update."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tokens import issue_token
from feedback.models import ConversationRating, TurnRating
from tests.foundation.conftest import answer_of, bearer, error_of, question_of


@pytest.fixture
def auth(alice) -> dict[str, str]:
    return bearer(issue_token(alice).secret)


def put(client, url, body, auth):
    return client.put(url, body, content_type="application/json", headers=auth)


def test_rating_an_answer_creates_then_updates(client, auth, alice, alice_talk):
    url = reverse("api:turn-rating", args=[answer_of(alice_talk).pk])

    created = put(client, url, {"score": 5, "comment": "좋아요"}, auth)
    updated = put(client, url, {"score": 3}, auth)

    assert created.status_code == 200 and created.json()["score"] == 5 and created.json()["comment"] == "좋아요"
    assert updated.status_code == 200 and updated.json()["score"] == 3 and updated.json()["comment"] == ""
    rating = TurnRating.objects.get()
    assert (rating.user, rating.score) == (alice, 3)
    detail = client.get(reverse("api:conversation-detail", args=[alice_talk.pk]), headers=auth).json()
    assert detail["turns"][1]["rating"] == {"score": 3, "comment": ""}


def test_rating_a_conversation_creates_then_updates(client, auth, alice_talk):
    url = reverse("api:conversation-rating", args=[alice_talk.pk])

    put(client, url, {"score": 2, "comment": "느려요"}, auth)
    response = client.post(url, {"score": 4, "comment": "나아졌어요"}, content_type="application/json", headers=auth)

    assert response.status_code == 200 and response.json()["updated_at"]
    assert ConversationRating.objects.get().score == 4
    detail = client.get(reverse("api:conversation-detail", args=[alice_talk.pk]), headers=auth).json()
    assert detail["rating"] == {"score": 4, "comment": "나아졌어요"}


@pytest.mark.parametrize("score", [0, 6, -1, "five", None])
def test_a_score_outside_one_to_five_is_a_typed_400(client, auth, alice_talk, score):
    for url in (
        reverse("api:turn-rating", args=[answer_of(alice_talk).pk]),
        reverse("api:conversation-rating", args=[alice_talk.pk]),
    ):
        response = put(client, url, {"score": score}, auth)

        assert response.status_code == 400
        error = error_of(response)
        assert error["code"] == "invalid" and "score" in error["fields"]
    assert not TurnRating.objects.exists() and not ConversationRating.objects.exists()


def test_an_overlong_comment_is_a_field_error(client, auth, alice_talk):
    url = reverse("api:turn-rating", args=[answer_of(alice_talk).pk])

    response = put(client, url, {"score": 4, "comment": "가" * 2001}, auth)

    assert response.status_code == 400 and "comment" in error_of(response)["fields"]


def test_rating_a_user_turn_is_a_typed_400(client, auth, alice_talk):
    response = put(client, reverse("api:turn-rating", args=[question_of(alice_talk).pk]), {"score": 5}, auth)

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"turn": ["Only the avatar's answers can be rated."]}
    assert not TurnRating.objects.exists()


def test_rating_an_unknown_turn_is_404(client, auth, db):
    response = put(client, reverse("api:turn-rating", args=[999999]), {"score": 5}, auth)

    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
