"""Fixtures for the foundation tests: logged-in clients, a small conversation, uploads."""

from __future__ import annotations

import io
import json
import struct
import wave
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conversations.models import Conversation, Turn
from personas.models import Persona


@pytest.fixture(autouse=True)
def private_cache(settings):
    """A per-test in-process cache, so rate-limit counters never leak between tests (or engineers)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fnd"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads land in a fresh MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def logged_in(user: User) -> Client:
    """A browser-like client with `user`'s session."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice) -> Client:
    return logged_in(alice)


@pytest.fixture
def bob_client(bob) -> Client:
    return logged_in(bob)


@pytest.fixture
def admin_client_(admin_user_) -> Client:
    return logged_in(admin_user_)


def make_conversation(owner: User, persona: Persona, lines: list[tuple[str, str]], title: str = "") -> Conversation:
    """A conversation whose turns are (role, text) pairs, a second apart."""
    conversation = Conversation.objects.create(owner=owner, persona=persona, title=title)
    start = timezone.now()
    for index, (role, text) in enumerate(lines):
        at = start + timedelta(seconds=index)
        Turn.objects.create(
            conversation=conversation,
            index=index,
            role=role,
            text=text,
            spoken_text=text if role == "assistant" else "",
            emotion="joy" if role == "assistant" else "",
            started_at=at,
            ended_at=at,
            voice_to_voice_ms=640.0 if role == "assistant" else None,
        )
    return conversation


@pytest.fixture
def alice_talk(alice, persona) -> Conversation:
    return make_conversation(
        alice, persona, [("user", "오늘 날씨 어때?"), ("assistant", "맑고 따뜻해요!")], title="날씨 이야기"
    )


@pytest.fixture
def bob_talk(bob, persona) -> Conversation:
    return make_conversation(bob, persona, [("user", "비밀 이야기 하나 할게"), ("assistant", "네, 듣고 있어요.")])


def answer_of(conversation: Conversation) -> Turn:
    return conversation.turns.get(role="assistant")


def question_of(conversation: Conversation) -> Turn:
    return conversation.turns.get(role="user")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def error_of(response) -> dict[str, Any]:
    """The typed error document of an API response, checked for its shape."""
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def glb_bytes(extensions: list[str] | None = None) -> bytes:
    """A minimal valid binary glTF 2.0 file (header + one JSON chunk)."""
    document: dict[str, Any] = {"asset": {"version": "2.0"}}
    if extensions is not None:
        document["extensionsUsed"] = extensions
    chunk = json.dumps(document).encode()
    chunk += b" " * (-len(chunk) % 4)
    total = 12 + 8 + len(chunk)
    return b"glTF" + struct.pack("<II", 2, total) + struct.pack("<II", len(chunk), 0x4E4F534A) + chunk


def vrm_upload(name: str = "haru.vrm") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, glb_bytes(["VRMC_vrm"]), content_type="application/octet-stream")


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def wav_bytes(seconds: float = 0.5, rate: int = 16000) -> bytes:
    """Real PCM WAV audio: a short low-level ramp."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        ramp = b"".join(struct.pack("<h", sample) for sample in range(-100, 100))
        frames = int(seconds * rate)
        writer.writeframes((ramp * (frames // 200 + 1))[: frames * 2])
    return buffer.getvalue()


def persona_form(**overrides: Any) -> dict[str, Any]:
    """Everything the persona admin form posts, inlines empty."""
    data: dict[str, Any] = {
        "name": "Mina",
        "slug": "mina",
        "description": "차분한 선생님",
        "is_active": "on",
        "system_prompt": "너는 차분한 선생님 미나야.",
        "greeting": "안녕하세요, 미나예요.",
        "language": "ko",
        "llm_model": "",
        "temperature": "0.7",
        "emotions": '["neutral", "joy"]',
        "tts_backend": "",
        "espeak_voice": "",
        "speech_rate": "1.0",
        "pitch": "50",
        "openai_voice": "alloy",
        "avatar_style": "default",
        "reference_clips-TOTAL_FORMS": "0",
        "reference_clips-INITIAL_FORMS": "0",
        "reference_clips-MIN_NUM_FORMS": "0",
        "reference_clips-MAX_NUM_FORMS": "1000",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def persona_form_of(persona: Persona, **overrides: Any) -> dict[str, Any]:
    """The admin form data of an existing persona, with `overrides`."""
    data = persona_form(
        name=persona.name,
        slug=persona.slug,
        description=persona.description,
        is_active="on" if persona.is_active else None,
        system_prompt=persona.system_prompt,
        greeting=persona.greeting,
        language=persona.language,
        llm_model=persona.llm_model,
        temperature=str(persona.temperature),
        emotions=json.dumps(persona.emotions),
        tts_backend=persona.tts_backend,
        espeak_voice=persona.espeak_voice,
        speech_rate=str(persona.speech_rate),
        pitch=str(persona.pitch),
        openai_voice=persona.openai_voice,
        avatar_style=persona.avatar_style,
    )
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
