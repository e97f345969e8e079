"""Submitting exports to OpenAI fine-tuning (a local fake speaking its wire format)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse

from feedback import finetune, services, tasks
from feedback.export import ExportOptions
from feedback.models import FineTuneExport, FineTuneJob
from personas.models import Persona, PersonaRevision
from tests.fakes.openai_finetune_server import FINE_TUNED_MODEL, FakeOpenAIFineTuneServer
from tests.feedback.conftest import Exchange, make_conversation

pytestmark = pytest.mark.usefixtures("media_root", "eager_celery")


@pytest.fixture
def fake_openai(settings) -> Iterator[FakeOpenAIFineTuneServer]:
    with FakeOpenAIFineTuneServer() as server:
        settings.OPENAI_API_KEY = "sk-test"
        settings.OPENAI_BASE_URL = server.base_url
        settings.FEEDBACK_OPENAI_MAX_RETRIES = 0
        yield server


@pytest.fixture
def export(alice, persona) -> FineTuneExport:
    make_conversation(alice, persona, [Exchange(f"질문 {n}", f"대답 {n}") for n in range(12)])
    row = services.create_export(ExportOptions(persona_ids=[persona.pk], min_examples=10))
    return services.execute_export(row.pk)


@pytest.fixture
def admin_client_(client, admin_user_):
    client.force_login(admin_user_)
    return client


def submit(admin_client_, export, capture) -> FineTuneJob:
    url = reverse("admin:feedback_finetuneexport_changelist")
    with capture(execute=True):
        response = admin_client_.post(url, {"action": "submit_to_openai", "_selected_action": [export.pk]})
    assert response.status_code == 302
    return FineTuneJob.objects.filter(export=export).first()  # the newest


def test_a_successful_job_sets_its_model_on_the_persona_with_history(
    admin_client_, export, persona, fake_openai, django_capture_on_commit_callbacks
):
    job = submit(admin_client_, export, django_capture_on_commit_callbacks)

    assert job.status == "validating_files"
    assert job.job_id in fake_openai.jobs and job.persona == persona
    uploaded = {f["filename"]: f for f in fake_openai.files.values()}
    assert uploaded["train.jsonl"]["content"] == export.train_file.open("rb").read()
    assert uploaded["validation.jsonl"]["purpose"] == "fine-tune"
    assert fake_openai.jobs[job.job_id]["validation_file"] == job.validation_file_id

    assert tasks.poll_finetune_jobs() == 1
    assert FineTuneJob.objects.get(pk=job.pk).status == "running"
    tasks.poll_finetune_jobs()
    job.refresh_from_db()
    assert (job.status, job.fine_tuned_model) == ("succeeded", FINE_TUNED_MODEL)
    messages = [event["message"] for event in job.events]
    assert messages[0].startswith("Created fine-tuning job") and len(messages) == 5
    assert tasks.poll_finetune_jobs() == 0  # finished jobs are no longer polled

    response = admin_client_.post(
        reverse("admin:feedback_finetunejob_changelist"),
        {"action": "set_model_on_persona", "_selected_action": [job.pk]},
        follow=True,
    )

    assert f"now uses {FINE_TUNED_MODEL}" in response.content.decode()
    assert Persona.objects.get(pk=persona.pk).llm_model == FINE_TUNED_MODEL
    revision = PersonaRevision.objects.filter(persona=persona).first()
    assert revision.changes == {"llm_model": ["", FINE_TUNED_MODEL]}
    assert job.job_id in revision.note
    page = admin_client_.get(reverse("admin:feedback_finetunejob_change", args=[job.pk]))
    assert "The job has successfully completed" in page.content.decode()


def test_a_failed_job_shows_its_error_and_cannot_set_a_model(
    admin_client_, export, persona, fake_openai, django_capture_on_commit_callbacks
):
    fake_openai.outcome = "failed"
    job = submit(admin_client_, export, django_capture_on_commit_callbacks)

    tasks.poll_finetune_jobs()
    job.refresh_from_db()
    response = admin_client_.post(
        reverse("admin:feedback_finetunejob_changelist"),
        {"action": "set_model_on_persona", "_selected_action": [job.pk]},
        follow=True,
    )

    assert job.status == "failed"
    assert job.error == "invalid_training_file: The training file has too few examples."
    assert "has not produced a model" in response.content.decode()
    assert Persona.objects.get(pk=persona.pk).llm_model == ""
    page = admin_client_.get(reverse("admin:feedback_finetunejob_change", args=[job.pk]))
    assert "The training file has too few examples." in page.content.decode()


def test_a_refused_upload_fails_the_job_and_leaves_the_export_usable(
    admin_client_, export, fake_openai, django_capture_on_commit_callbacks
):
    fake_openai.fail_uploads_with = 400
    job = submit(admin_client_, export, django_capture_on_commit_callbacks)

    assert job.status == "failed"
    assert job.error.startswith("HTTP 400") and "Upload refused" in job.error
    assert fake_openai.jobs == {}
    export.refresh_from_db()
    assert export.status == "succeeded" and export.train_file
    download = reverse("admin:feedback_finetuneexport_download", args=[export.pk, "train"])
    assert admin_client_.get(download).status_code == 200

    fake_openai.fail_uploads_with = None
    retry = submit(admin_client_, export, django_capture_on_commit_callbacks)
    assert FineTuneJob.objects.filter(export=export).count() == 2
    assert retry.status == "validating_files"


def test_a_missing_api_key_is_reported_on_the_job(settings, export):
    settings.OPENAI_API_KEY = ""

    job = finetune.submit_job(finetune.create_job(export))

    assert job.status == "failed" and "OPENAI_API_KEY" in job.error
