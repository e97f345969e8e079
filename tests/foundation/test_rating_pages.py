"""Rating answers and conversations with the transcript's forms; a new rating replaces the old."""

from __future__ import annotations

from django.urls import reverse

from feedback.models import ConversationRating, TurnRating
from tests.foundation.conftest import answer_of, question_of


def test_rating_an_answer_then_changing_it(alice_client, alice, alice_talk):
    answer = answer_of(alice_talk)
    url = reverse("conversations:rate-turn", args=[answer.pk])

    first = alice_client.post(url, {"score": "5", "comment": "최고!"})
    alice_client.post(url, {"score": "2", "comment": "다시 보니 별로"})

    assert first.status_code == 302 and first["Location"] == f"/conversations/{alice_talk.pk}/#turn-{answer.pk}"
    rating = TurnRating.objects.get()
    assert (rating.turn, rating.user, rating.score, rating.comment) == (answer, alice, 2, "다시 보니 별로")
    page = alice_client.get(first["Location"]).content.decode()
    assert "Thanks, your rating was saved." in page and 'value="2" checked' in page


def test_rating_the_conversation_then_changing_it(alice_client, alice_talk):
    url = reverse("conversations:rate", args=[alice_talk.pk])

    alice_client.post(url, {"score": "4"})
    response = alice_client.post(url, {"score": "1", "comment": "너무 느려요"}, follow=True)

    rating = ConversationRating.objects.get()
    assert (rating.conversation, rating.score, rating.comment) == (alice_talk, 1, "너무 느려요")
    assert response.context["conversation_rating"] == rating


def test_an_invalid_score_is_reported_and_not_saved(alice_client, alice_talk):
    answer = answer_of(alice_talk)

    response = alice_client.post(reverse("conversations:rate-turn", args=[answer.pk]), {"score": "9"}, follow=True)

    assert "The rating was not saved (score:" in response.content.decode()
    assert not TurnRating.objects.exists()


def test_the_users_own_turn_cannot_be_rated(alice_client, alice_talk):
    question = question_of(alice_talk)

    response = alice_client.post(reverse("conversations:rate-turn", args=[question.pk]), {"score": "5"}, follow=True)

    assert "Only the avatar&#x27;s answers can be rated." in response.content.decode()
    assert not TurnRating.objects.exists()


def test_rating_needs_a_post(alice_client, alice_talk):
    assert alice_client.get(reverse("conversations:rate", args=[alice_talk.pk])).status_code == 405
