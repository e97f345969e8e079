"""Persona picker, starting a conversation, history with search and filter, transcript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conversations.models import Conversation, Turn
from feedback.models import ConversationRating, TurnRating
from personas.models import Persona
from tests.foundation.conftest import answer_of, make_conversation


@pytest.fixture
def mina(db) -> Persona:
    return Persona.objects.create(name="Mina", slug="mina", system_prompt="너는 차분한 선생님 미나야.")


def test_picker_lists_active_personas_with_a_start_button(alice_client, persona):
    Persona.objects.create(name="Retired", slug="retired", system_prompt="x", is_active=False)

    page = alice_client.get(reverse("personas:picker"))

    assert list(page.context["personas"]) == [persona]
    html = page.content.decode()
    assert f'action="{reverse("conversations:start", args=["haru"])}"' in html and "Retired" not in html


def test_starting_creates_a_conversation_and_opens_the_talk_page(alice_client, alice, persona):
    response = alice_client.post(reverse("conversations:start", args=["haru"]))

    conversation = Conversation.objects.get()
    assert conversation.owner == alice and conversation.persona == persona
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:talk", args=[conversation.pk])
    talk = alice_client.get(response["Location"])
    assert talk.status_code == 200
    assert talk.context["config"]["websocketPath"] == f"/ws/conversations/{conversation.pk}/"
    assert talk.context["config"]["persona"]["slug"] == "haru"


def test_starting_needs_a_post_and_an_active_persona(alice_client, persona):
    Persona.objects.create(name="Retired", slug="retired", system_prompt="x", is_active=False)

    assert alice_client.get(reverse("conversations:start", args=["haru"])).status_code == 405
    assert alice_client.post(reverse("conversations:start", args=["retired"])).status_code == 404
    assert alice_client.post(reverse("conversations:start", args=["nobody"])).status_code == 404
    assert not Conversation.objects.exists()


def test_history_searches_turn_text_and_titles_and_filters_by_persona(alice_client, alice, persona, mina):
    weather = make_conversation(alice, persona, [("user", "오늘 날씨 어때?"), ("assistant", "맑아요!")])
    math = make_conversation(alice, mina, [("user", "미분 알려줘"), ("assistant", "좋아요, 천천히 해 봐요.")])
    titled = make_conversation(alice, mina, [], title="Weekend plans")
    url = reverse("conversations:history")

    def found(**query):
        return set(alice_client.get(url, query).context["conversations"])

    assert found() == {weather, math, titled}
    assert found(q="날씨") == {weather}
    assert found(q="천천히") == {math}
    assert found(q="weekend") == {titled}
    assert found(persona="mina") == {math, titled}
    assert found(q="날씨", persona="mina") == set()
    page = alice_client.get(url, {"q": "없는 말"}).content.decode()
    assert "Nothing matches." in page
    assert '<option value="mina"' in alice_client.get(url).content.decode()


def test_history_links_to_each_transcript(alice_client, alice_talk):
    page = alice_client.get(reverse("conversations:history")).content.decode()

    assert reverse("conversations:transcript", args=[alice_talk.pk]) in page and "날씨 이야기" in page


def test_transcript_shows_turns_ratings_and_what_was_cut_off(alice_client, alice, alice_talk):
    answer = answer_of(alice_talk)
    TurnRating.objects.create(turn=answer, user=alice, score=4, comment="다정해요")
    ConversationRating.objects.create(conversation=alice_talk, user=alice, score=3, comment="보통")
    Turn.objects.create(
        conversation=alice_talk,
        index=2,
        role="assistant",
        text="긴 대답을 하려고 했는데요",
        spoken_text="긴 대답을",
        interrupted=True,
        interrupted_by="barge_in",
        started_at=answer.started_at,
        ended_at=answer.ended_at,
    )

    page = alice_client.get(reverse("conversations:transcript", args=[alice_talk.pk])).content.decode()

    assert "오늘 날씨 어때?" in page and "맑고 따뜻해요!" in page
    assert 'value="4" checked' in page and 'value="다정해요"' in page
    assert 'value="3" checked' in page and 'value="보통"' in page
    assert "긴 대답을<span" in page and "(cut off)" in page and "긴 대답을 하려고" not in page
    assert "640 ms" in page


def test_ending_a_conversation_goes_to_its_transcript(alice_client, alice_talk):
    response = alice_client.post(reverse("conversations:end", args=[alice_talk.pk]))

    assert response["Location"] == reverse("conversations:transcript", args=[alice_talk.pk])
    alice_talk.refresh_from_db()
    assert alice_talk.ended_at is not None
