"""GPT-SoVITS reference clips must really be audio."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from personas.models import ReferenceClip
from tests.foundation.conftest import persona_form_of, wav_bytes


def with_clip(persona, upload, emotion="joy", server_path=""):
    return persona_form_of(
        persona,
        **{
            "reference_clips-TOTAL_FORMS": "1",
            "reference_clips-0-id": "",
            "reference_clips-0-persona": str(persona.pk),
            "reference_clips-0-emotion": emotion,
            "reference_clips-0-server_path": server_path,
            "reference_clips-0-prompt_text": "안녕하세요, 반가워요.",
            "reference_clips-0-prompt_lang": "ko",
            "reference_clips-0-audio": upload,
        },
    )


def clip_errors(response) -> list:
    assert response.status_code == 200
    return [errors for formset in response.context["inline_admin_formsets"] for errors in formset.formset.errors]


def test_a_real_wav_is_stored_as_the_emotion_reference(admin_client_, persona, media_root):
    upload = SimpleUploadedFile("joy.wav", wav_bytes(), content_type="audio/wav")

    response = admin_client_.post(
        reverse("admin:personas_persona_change", args=[persona.pk]), with_clip(persona, upload)
    )

    assert response.status_code == 302
    clip = ReferenceClip.objects.get(persona=persona)
    assert clip.emotion == "joy" and clip.prompt_text == "안녕하세요, 반가워요."
    assert (media_root / clip.audio.name).read_bytes()[:4] == b"RIFF"


def test_a_text_file_is_refused_with_a_clear_message(admin_client_, persona, media_root):
    upload = SimpleUploadedFile("joy.wav", "이건 소리가 아니에요".encode() * 10, content_type="audio/wav")

    response = admin_client_.post(
        reverse("admin:personas_persona_change", args=[persona.pk]), with_clip(persona, upload)
    )

    errors = clip_errors(response)
    assert ["This is not an audio file (expected WAV, FLAC, OGG or MP3)."] in [e.get("audio") for e in errors]
    assert not ReferenceClip.objects.exists()


def test_a_wav_header_without_audio_is_refused(admin_client_, persona, media_root):
    upload = SimpleUploadedFile("joy.wav", wav_bytes(seconds=0), content_type="audio/wav")

    response = admin_client_.post(
        reverse("admin:personas_persona_change", args=[persona.pk]), with_clip(persona, upload)
    )

    assert any("no audio" in " ".join(errors.get("audio", [])) for errors in clip_errors(response))
    assert not ReferenceClip.objects.exists()


def test_a_clip_needs_an_upload_or_a_server_path(admin_client_, persona, media_root):
    response = admin_client_.post(reverse("admin:personas_persona_change", args=[persona.pk]), with_clip(persona, ""))

    assert any(errors for errors in clip_errors(response))
    assert not ReferenceClip.objects.exists()

    by_path = with_clip(persona, "", server_path="/data/joy.wav")
    assert admin_client_.post(reverse("admin:personas_persona_change", args=[persona.pk]), by_path).status_code == 302
    assert ReferenceClip.objects.get().tts_server_path == "/data/joy.wav"


def test_adding_a_clip_is_recorded_in_the_persona_history(admin_client_, persona, media_root, admin_user_):
    upload = SimpleUploadedFile("joy.wav", wav_bytes(), content_type="audio/wav")

    admin_client_.post(reverse("admin:personas_persona_change", args=[persona.pk]), with_clip(persona, upload))

    revision = persona.revisions.get()
    assert revision.changed_by == admin_user_ and list(revision.changes) == ["reference_clips"]
    before, after = revision.changes["reference_clips"]
    assert before == {} and after["joy"].endswith("| ko | 안녕하세요, 반가워요.")
