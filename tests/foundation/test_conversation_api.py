"""Conversation API: create, list, search and fetch one's conversations with their turns."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tokens import issue_token
from conversations.models import Conversation
from personas.models import Persona
from tests.foundation.conftest import bearer, error_of, make_conversation

LIST = reverse("api:conversation-list")


@pytest.fixture
def auth(alice) -> dict[str, str]:
    return bearer(issue_token(alice).secret)


def test_create_opens_a_conversation_with_its_socket_path(client, auth, alice, persona):
    response = client.post(LIST, {"persona": "haru", "title": "첫 대화"}, content_type="application/json", headers=auth)

    assert response.status_code == 201
    body = response.json()
    conversation = Conversation.objects.get(pk=body["id"])
    assert conversation.owner == alice and conversation.title == "첫 대화"
    assert body["persona"] == "haru" and body["ended_at"] is None
    assert body["websocket_path"] == f"/ws/conversations/{conversation.pk}/"


def test_create_refuses_unknown_or_inactive_personas(client, auth, persona):
    Persona.objects.create(name="Retired", slug="retired", system_prompt="x", is_active=False)

    for slug in ("retired", "nobody", ""):
        response = client.post(LIST, {"persona": slug}, content_type="application/json", headers=auth)
        assert response.status_code == 400
        assert "persona" in error_of(response)["fields"]
    assert not Conversation.objects.exists()


def test_list_is_newest_first_and_searchable(client, auth, alice, persona):
    mina = Persona.objects.create(name="Mina", slug="mina", system_prompt="x")
    older = make_conversation(alice, persona, [("user", "오늘 날씨 어때?")])
    newer = make_conversation(alice, mina, [("user", "미분 알려줘")])

    listed = client.get(LIST, headers=auth).json()
    by_text = client.get(LIST, {"q": "날씨"}, headers=auth).json()
    by_persona = client.get(LIST, {"persona": "mina"}, headers=auth).json()

    assert [row["id"] for row in listed] == [newer.pk, older.pk]
    assert [row["id"] for row in by_text] == [older.pk]
    assert [row["id"] for row in by_persona] == [newer.pk]
    assert set(listed[0]) == {"id", "persona", "title", "started_at", "ended_at", "websocket_path"}


def test_detail_returns_the_turns_in_order_with_timings(client, auth, alice_talk):
    response = client.get(reverse("api:conversation-detail", args=[alice_talk.pk]), headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == alice_talk.pk and body["persona"] == "haru" and body["rating"] is None
    assert [(turn["index"], turn["role"], turn["text"]) for turn in body["turns"]] == [
        (0, "user", "오늘 날씨 어때?"),
        (1, "assistant", "맑고 따뜻해요!"),
    ]
    answer = body["turns"][1]
    assert answer["emotion"] == "joy" and answer["voice_to_voice_ms"] == 640.0 and answer["rating"] is None
    for timing in ("stt_ms", "llm_first_token_ms", "tts_first_audio_ms", "total_ms"):
        assert timing in answer


def test_unknown_conversation_is_a_typed_404(client, auth, db):
    response = client.get(reverse("api:conversation-detail", args=[424242]), headers=auth)

    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "Not found."}
