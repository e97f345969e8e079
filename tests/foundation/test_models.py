"""Model behaviour: defaults, validation, derived properties and database constraints."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import issue_token
from conversations.models import Conversation, Turn
from conversations.services import end_conversation, save_turn
from feedback.models import ConversationRating, TurnRating
from personas.models import DEFAULT_EMOTIONS, Persona, PersonaRevision, ReferenceClip
from tests.foundation.conftest import answer_of


def test_persona_defaults_to_korean_and_the_default_emotions(db):
    persona = Persona.objects.create(name="Sora", slug="sora", system_prompt="너는 소라야.")

    persona.refresh_from_db()
    assert persona.language == "ko"
    assert persona.emotions == DEFAULT_EMOTIONS
    assert persona.is_active and persona.avatar_style == "default"
    assert str(persona) == "Sora"


def test_persona_clean_refuses_a_blank_system_prompt(db):
    persona = Persona(name="Sora", slug="sora", system_prompt="   \n ")

    with pytest.raises(ValidationError) as raised:
        persona.full_clean()
    assert "system_prompt" in raised.value.message_dict


@pytest.mark.parametrize(
    ("emotions", "message"),
    [
        (["joy"], "neutral"),
        (["neutral", "Joy!"], "lower-case"),
        (["neutral", 3], "not a word"),
        ("neutral", "at least one"),
    ],
)
def test_persona_emotions_must_be_lower_case_words_with_neutral(db, emotions, message):
    persona = Persona(name="Sora", slug="sora", system_prompt="너는 소라야.", emotions=emotions)

    with pytest.raises(ValidationError) as raised:
        persona.full_clean()
    assert message in " ".join(raised.value.message_dict["emotions"])


def test_active_queryset_hides_inactive_personas(persona):
    Persona.objects.create(name="Old", slug="old", system_prompt="x", is_active=False)

    assert list(Persona.objects.active()) == [persona]


def test_reference_clip_needs_audio_or_a_server_path_and_derives_the_server_path(persona, settings):
    settings.GPT_SOVITS_MEDIA_ROOT = "/media/"
    with pytest.raises(ValidationError):
        ReferenceClip(persona=persona, emotion="joy").full_clean()

    uploaded = ReferenceClip(persona=persona, emotion="joy", audio="voices/joy.wav")
    given = ReferenceClip(persona=persona, emotion="sad", server_path="/data/sad.wav")

    assert uploaded.tts_server_path == "/media/voices/joy.wav"
    assert given.tts_server_path == "/data/sad.wav"


def test_one_reference_clip_per_emotion(persona):
    ReferenceClip.objects.create(persona=persona, emotion="joy", server_path="/a.wav")

    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceClip.objects.create(persona=persona, emotion="joy", server_path="/b.wav")


def test_persona_revision_str_names_the_changed_fields(persona):
    revision = PersonaRevision.objects.create(persona=persona, changes={"name": ["A", "B"], "pitch": [50, 60]})

    assert str(revision) == "Haru changed name, pitch"


def test_api_token_expiry_and_revocation(alice):
    token = issue_token(alice).token
    assert token.is_active and not token.is_expired
    assert str(token).startswith(token.prefix) and "alice" in str(token)

    token.expires_at = timezone.now() - timedelta(seconds=1)
    assert token.is_expired and not token.is_active

    token.expires_at = timezone.now() + timedelta(days=1)
    token.revoke()
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    token.revoke()
    assert first is not None and ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert not token.is_active


def test_issued_tokens_expire_after_the_configured_days(alice, settings):
    settings.API_TOKEN_TTL_DAYS = 7

    token = issue_token(alice).token

    lifetime = token.expires_at - timezone.now()
    assert timedelta(days=6, hours=23) < lifetime <= timedelta(days=7)


def test_conversation_title_falls_back_to_persona_and_ending_is_idempotent(alice, persona):
    conversation = Conversation.objects.create(owner=alice, persona=persona)
    assert str(conversation) == f"Haru #{conversation.pk}"
    assert not conversation.is_ended

    end_conversation(conversation)
    ended = conversation.ended_at
    end_conversation(conversation)

    conversation.refresh_from_db()
    assert conversation.is_ended and conversation.ended_at == ended


def test_save_turn_allocates_indexes_and_titles_the_conversation_from_the_first_user_turn(alice, persona):
    conversation = Conversation.objects.create(owner=alice, persona=persona)
    now = timezone.now()

    first = save_turn(conversation.pk, role="user", text="안녕하세요 반가워요", started_at=now, stt_ms=120.0)
    second = save_turn(conversation.pk, role="assistant", text="반가워요!", started_at=now, emotion="joy")
    clash = save_turn(conversation.pk, role="user", text="또 만나요", started_at=now, index=0)

    assert [first.index, second.index, clash.index] == [0, 1, 2]
    conversation.refresh_from_db()
    assert conversation.title == "안녕하세요 반가워요"
    assert Turn.objects.get(pk=first.pk).stt_ms == 120.0


def test_turn_indexes_are_unique_within_a_conversation(alice_talk):
    now = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        Turn.objects.create(conversation=alice_talk, index=0, role="user", text="x", started_at=now, ended_at=now)


def test_interrupted_answer_remembers_only_what_was_spoken(alice_talk):
    answer = answer_of(alice_talk)
    answer.interrupted = True
    answer.interrupted_by = Turn.InterruptedBy.BARGE_IN
    answer.spoken_text = "맑고"

    assert answer.prompt_text == "맑고"
    answer.interrupted = False
    assert answer.prompt_text == "맑고 따뜻해요!"


def test_ratings_are_one_per_target_and_scores_stay_within_one_to_five(alice, alice_talk):
    answer = answer_of(alice_talk)
    TurnRating.objects.create(turn=answer, user=alice, score=5)

    with pytest.raises(IntegrityError), transaction.atomic():
        TurnRating.objects.create(turn=answer, user=alice, score=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationRating.objects.create(conversation=alice_talk, user=alice, score=6)
    with pytest.raises(ValidationError):
        ConversationRating(conversation=alice_talk, user=alice, score=0).full_clean()
