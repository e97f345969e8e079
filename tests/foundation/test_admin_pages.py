"""Every foundation admin page renders for a superuser: changelists and change forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tokens import issue_token
from feedback.models import ConversationRating, TurnRating
from personas import services
from tests.foundation.conftest import answer_of


@pytest.fixture
def everything(admin_user_, alice, persona, alice_talk):
    """One row of each foundation model."""
    answer = answer_of(alice_talk)
    return {
        "personas.persona": persona,
        "personas.personarevision": services.record_revision(persona, None, admin_user_),
        "accounts.apitoken": issue_token(alice, name="Unity on my PC").token,
        "conversations.conversation": alice_talk,
        "conversations.turn": answer,
        "feedback.turnrating": TurnRating.objects.create(turn=answer, user=alice, score=4, comment="귀여워요"),
        "feedback.conversationrating": ConversationRating.objects.create(conversation=alice_talk, user=alice, score=5),
    }


@pytest.mark.parametrize(
    "model",
    [
        "personas.persona",
        "personas.personarevision",
        "accounts.apitoken",
        "conversations.conversation",
        "conversations.turn",
        "feedback.turnrating",
        "feedback.conversationrating",
    ],
)
def test_changelist_and_change_form_render(admin_client_, everything, model):
    app, name = model.split(".")
    row = everything[model]

    changelist = admin_client_.get(reverse(f"admin:{app}_{name}_changelist"))
    change = admin_client_.get(reverse(f"admin:{app}_{name}_change", args=[row.pk]))

    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == type(row).objects.count()
    assert change.status_code == 200
    assert change.context["original"] == row


def test_admin_index_lists_the_foundation_models(admin_client_):
    page = admin_client_.get(reverse("admin:index")).content.decode()

    for url in ("personas/persona/", "accounts/apitoken/", "conversations/conversation/", "feedback/turnrating/"):
        assert f"/admin/{url}" in page


def test_persona_add_form_renders_every_section(admin_client_):
    page = admin_client_.get(reverse("admin:personas_persona_add")).content.decode()

    for field in ("system_prompt", "llm_model", "espeak_voice", "avatar_vrm", "emotions"):
        assert f'name="{field}"' in page
    assert 'name="reference_clips-TOTAL_FORMS"' in page


def test_token_admin_never_shows_the_hash_and_cannot_mint_tokens(admin_client_, alice):
    token = issue_token(alice).token

    page = admin_client_.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()

    assert token.key_hash not in page and token.prefix in page
    assert admin_client_.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_conversation_change_form_shows_its_turns(admin_client_, alice_talk):
    page = admin_client_.get(reverse("admin:conversations_conversation_change", args=[alice_talk.pk])).content.decode()

    assert "오늘 날씨 어때?" in page and "맑고 따뜻해요!" in page


def test_ratings_changelist_filters_by_score(admin_client_, everything):
    url = reverse("admin:feedback_turnrating_changelist")

    assert admin_client_.get(url, {"score": 4}).context["cl"].result_count == 1
    assert admin_client_.get(url, {"score": 1}).context["cl"].result_count == 0


def test_non_staff_users_are_sent_to_the_admin_login(alice_client):
    response = alice_client.get(reverse("admin:personas_persona_changelist"))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_persona_with_conversations_cannot_be_deleted(admin_client_, persona, alice_talk):
    url = reverse("admin:personas_persona_delete", args=[persona.pk])

    page = admin_client_.get(url)
    admin_client_.post(url, {"post": "yes"})

    assert page.status_code == 200 and page.context["protected"]
    assert type(persona).objects.filter(pk=persona.pk).exists()
