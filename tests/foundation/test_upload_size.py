"""Oversized uploads are refused with a message naming the limit, and nothing is half-saved."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from personas.models import Persona, PersonaRevision, ReferenceClip
from tests.foundation.conftest import persona_form, persona_form_of, vrm_upload, wav_bytes


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def big_vrm() -> SimpleUploadedFile:
    upload = vrm_upload()
    # A valid GLB header, padded past the limit.
    body = upload.read()
    return SimpleUploadedFile("big.vrm", body + b" " * (3 * 1024 * 1024), content_type="application/octet-stream")


def test_an_oversized_avatar_is_refused_and_no_persona_is_created(admin_client_, media_root):
    response = admin_client_.post(reverse("admin:personas_persona_add"), persona_form(avatar_vrm=big_vrm()))

    assert response.status_code == 200
    message = response.context["adminform"].form.errors["avatar_vrm"][0]
    assert "too large" in message and "the limit is 2 MB" in message
    assert not Persona.objects.exists() and not PersonaRevision.objects.exists()
    assert files_under(media_root) == []


def test_an_oversized_clip_leaves_the_persona_as_it_was(admin_client_, persona, media_root):
    big = SimpleUploadedFile("joy.wav", wav_bytes(seconds=70), content_type="audio/wav")
    assert big.size > 2 * 1024 * 1024
    data = persona_form_of(
        persona,
        system_prompt="바뀌면 안 되는 프롬프트",
        **{
            "reference_clips-TOTAL_FORMS": "1",
            "reference_clips-0-emotion": "joy",
            "reference_clips-0-prompt_text": "안녕",
            "reference_clips-0-prompt_lang": "ko",
            "reference_clips-0-audio": big,
        },
    )

    response = admin_client_.post(reverse("admin:personas_persona_change", args=[persona.pk]), data)

    assert response.status_code == 200
    errors = [e for formset in response.context["inline_admin_formsets"] for e in formset.formset.errors]
    assert any("too large" in " ".join(e.get("audio", [])) for e in errors)
    persona.refresh_from_db()
    assert persona.system_prompt != "바뀌면 안 되는 프롬프트"
    assert not ReferenceClip.objects.exists() and not PersonaRevision.objects.exists()
    assert files_under(media_root) == []


def test_a_good_avatar_under_the_limit_still_passes(admin_client_, media_root):
    response = admin_client_.post(reverse("admin:personas_persona_add"), persona_form(avatar_vrm=vrm_upload()))

    assert response.status_code == 302
    assert len(files_under(media_root)) == 1
