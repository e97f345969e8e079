"""OpenAI fine-tuning: submit an export, follow the job, put the result on the persona."""

from __future__ import annotations

import logging
from typing import Any

import openai
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from feedback.export import ExportOptions
from feedback.models import FineTuneExport, FineTuneJob
from personas.models import Persona
from personas.services import set_llm_model

logger = logging.getLogger(__name__)
FINISHED = {FineTuneJob.Status.SUCCEEDED, FineTuneJob.Status.FAILED, FineTuneJob.Status.CANCELLED}


class CannotApply(Exception):
    """The job has no model to put on a persona yet."""


def client() -> openai.OpenAI:
    """An OpenAI client configured from settings (OPENAI_API_KEY, OPENAI_BASE_URL)."""
    if not settings.OPENAI_API_KEY:
        raise openai.OpenAIError("OPENAI_API_KEY is not set, so nothing can be sent to OpenAI.")
    return openai.OpenAI(
        api_key=settings.OPENAI_API_KEY,
        base_url=settings.OPENAI_BASE_URL or None,
        timeout=settings.FEEDBACK_OPENAI_TIMEOUT_S,
        max_retries=settings.FEEDBACK_OPENAI_MAX_RETRIES,
    )


def default_persona(export: FineTuneExport) -> Persona | None:
    """The persona an export was made for, when it was made for exactly one."""
    ids = ExportOptions.from_json(export.options).persona_ids
    return Persona.objects.filter(pk=ids[0]).first() if len(ids) == 1 else None


def create_job(export: FineTuneExport, base_model: str = "", user: AbstractBaseUser | None = None) -> FineTuneJob:
    """A job row for a succeeded export; `submit_job` sends it to OpenAI."""
    if export.status != FineTuneExport.Status.SUCCEEDED or not export.train_file:
        raise ValueError(f"Export #{export.pk} has no files to train on (status {export.status}).")
    return FineTuneJob.objects.create(
        export=export,
        persona=default_persona(export),
        base_model=base_model or settings.FEEDBACK_FINETUNE_BASE_MODEL,
        submitted_by=user,
    )


def _upload(api: openai.OpenAI, field: Any) -> str:
    with field.open("rb") as handle:
        name = field.name.rsplit("/", 1)[-1]
        return api.files.create(file=(name, handle.read()), purpose="fine-tune").id


def submit_job(job: FineTuneJob) -> FineTuneJob:
    """Upload the export's files and create the OpenAI job; errors end up on the job."""
    try:
        api = client()
        job.training_file_id = _upload(api, job.export.train_file)
        if job.export.validation_file:
            job.validation_file_id = _upload(api, job.export.validation_file)
        extra = {"validation_file": job.validation_file_id} if job.validation_file_id else {}
        remote = api.fine_tuning.jobs.create(training_file=job.training_file_id, model=job.base_model, **extra)
    except openai.OpenAIError as error:
        logger.warning("Fine-tuning job %s could not be submitted: %s", job.pk, error)
        job.status = FineTuneJob.Status.FAILED
        job.error = _describe(error)
        job.finished_at = timezone.now()
    else:
        job.job_id = remote.id
        _apply_remote(job, remote)
    job.save()
    return job


def poll_job(job: FineTuneJob) -> FineTuneJob:
    """Refresh a job's status and events from OpenAI."""
    try:
        api = client()
        remote = api.fine_tuning.jobs.retrieve(job.job_id)
        events = api.fine_tuning.jobs.list_events(job.job_id, limit=100)
    except openai.OpenAIError as error:
        # A failed poll is not a failed job: keep the status and try again next time.
        job.error = f"Last status check failed: {_describe(error)}"
        job.save(update_fields=["error", "updated_at"])
        return job
    _apply_remote(job, remote)
    known = {event["id"] for event in job.events}
    fresh = [
        {"id": e.id, "created_at": e.created_at, "level": e.level, "message": e.message}
        for e in events.data
        if e.id not in known
    ]
    job.events = sorted([*job.events, *fresh], key=lambda event: (event["created_at"], event["id"]))
    job.save()
    return job


def poll_active_jobs() -> int:
    """Poll every job OpenAI is still working on; return how many were polled."""
    jobs = FineTuneJob.objects.filter(status__in=FineTuneJob.ACTIVE).exclude(job_id="")
    for job in jobs:
        poll_job(job)
    return len(jobs)


def apply_model(job: FineTuneJob, user: AbstractBaseUser | None) -> Persona:
    """Make the job's fine-tuned model the persona's LLM (recorded in the persona's history)."""
    if job.status != FineTuneJob.Status.SUCCEEDED or not job.fine_tuned_model:
        raise CannotApply(f"{job} has not produced a model.")
    if job.persona is None:
        raise CannotApply(f"{job} has no persona: its export covered several personas.")
    persona = set_llm_model(job.persona, job.fine_tuned_model, user, note=f"Fine-tuned model from job {job.job_id}")
    job.model_applied_at = timezone.now()
    job.save(update_fields=["model_applied_at", "updated_at"])
    return persona


def _apply_remote(job: FineTuneJob, remote: Any) -> None:
    if remote.status in FineTuneJob.Status.values:
        job.status = remote.status
    job.fine_tuned_model = remote.fine_tuned_model or ""
    if remote.error and remote.error.message:
        job.error = f"{remote.error.code or 'error'}: {remote.error.message}"
    elif job.error.startswith("Last status check failed"):
        job.error = ""
    if job.status in FINISHED and job.finished_at is None:
        job.finished_at = timezone.now()


def _describe(error: openai.OpenAIError) -> str:
    status = getattr(error, "status_code", None)
    return f"HTTP {status}: {error}" if status else str(error)
