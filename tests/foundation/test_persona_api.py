"""GET /api/personas/: active personas with avatar and voice info, never the system prompt."""

from __future__ import annotations

from django.urls import reverse

from personas.models import Persona

URL = reverse("api:persona-list")


def test_lists_active_personas_with_avatar_and_voice(alice_client, persona, settings):
    settings.VOICE_TTS_PROVIDER = "espeak"
    Persona.objects.create(name="Retired", slug="retired", system_prompt="x", is_active=False)
    Persona.objects.create(
        name="Mina", slug="mina", system_prompt="y", tts_backend="gpt_sovits", avatar_style="cat", speech_rate=1.2
    )

    response = alice_client.get(URL)

    assert response.status_code == 200
    by_slug = {row["slug"]: row for row in response.json()}
    assert set(by_slug) == {"haru", "mina"}
    haru = by_slug["haru"]
    assert haru["name"] == "Haru" and haru["language"] == "ko"
    assert haru["emotions"] == ["neutral", "joy", "sad", "angry", "surprised"]
    assert haru["avatar"] == {"style": "default", "vrm_url": None}
    assert haru["voice"] == {"backend": "espeak", "rate": 1.0, "pitch": 50}
    assert by_slug["mina"]["voice"]["backend"] == "gpt_sovits" and by_slug["mina"]["avatar"]["style"] == "cat"


def test_never_exposes_the_system_prompt(alice_client, persona):
    response = alice_client.get(URL)

    assert "system_prompt" not in response.json()[0]
    assert persona.system_prompt not in response.content.decode()
    assert "llm_model" not in response.json()[0]
