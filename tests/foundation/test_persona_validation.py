"""Admin validation of personas: prompt required, avatar really VRM/GLB, nothing half-saved."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from personas.models import Persona, PersonaRevision
from tests.foundation.conftest import PNG_BYTES, glb_bytes, persona_form, vrm_upload

ADD = reverse("admin:personas_persona_add")


def form_errors(response) -> dict:
    assert response.status_code == 200
    return response.context["adminform"].form.errors


def test_an_empty_system_prompt_is_a_field_error(admin_client_, db):
    for empty in ("", "   "):
        errors = form_errors(admin_client_.post(ADD, persona_form(system_prompt=empty)))
        assert "system_prompt" in errors
    assert not Persona.objects.exists() and not PersonaRevision.objects.exists()


def test_a_valid_vrm_is_stored_and_served_to_clients(admin_client_, media_root, alice_client):
    response = admin_client_.post(ADD, persona_form(avatar_vrm=vrm_upload()))

    assert response.status_code == 302
    mina = Persona.objects.get(slug="mina")
    assert mina.avatar_vrm.name.startswith("avatars/") and mina.avatar_vrm.name.endswith(".vrm")
    assert (media_root / mina.avatar_vrm.name).read_bytes()[:4] == b"glTF"
    listed = alice_client.get(reverse("api:persona-list")).json()
    assert listed[0]["avatar"]["vrm_url"].endswith(mina.avatar_vrm.url)


def test_a_plain_glb_is_accepted(admin_client_, media_root):
    upload = SimpleUploadedFile("model.glb", glb_bytes(), content_type="model/gltf-binary")

    assert admin_client_.post(ADD, persona_form(avatar_vrm=upload)).status_code == 302


def test_a_png_renamed_vrm_is_refused_clearly(admin_client_, media_root):
    upload = SimpleUploadedFile("fake.vrm", PNG_BYTES, content_type="application/octet-stream")

    errors = form_errors(admin_client_.post(ADD, persona_form(avatar_vrm=upload)))

    assert errors["avatar_vrm"] == ["This is not a VRM/GLB file (binary glTF header missing)."]
    assert not Persona.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_glb_named_vrm_without_the_vrm_extension_is_refused(admin_client_, media_root):
    upload = SimpleUploadedFile("plain.vrm", glb_bytes(), content_type="application/octet-stream")

    errors = form_errors(admin_client_.post(ADD, persona_form(avatar_vrm=upload)))

    assert "declares no VRM extension" in errors["avatar_vrm"][0]


def test_a_truncated_glb_is_refused(admin_client_, media_root):
    upload = SimpleUploadedFile("cut.glb", glb_bytes()[:-4], content_type="model/gltf-binary")

    errors = form_errors(admin_client_.post(ADD, persona_form(avatar_vrm=upload)))

    assert "truncated or corrupt" in errors["avatar_vrm"][0]


def test_invalid_emotions_and_temperature_are_field_errors(admin_client_, db):
    errors = form_errors(admin_client_.post(ADD, persona_form(emotions='["joy"]', temperature="3")))

    assert "emotions" in errors and "temperature" in errors
    assert not Persona.objects.exists()
