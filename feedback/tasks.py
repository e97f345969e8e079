"""Celery tasks: exports, fine-tuning submission and polling, the periodic export."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from feedback import finetune, services
from feedback.export import ExportOptions
from feedback.models import FineTuneJob


@shared_task(ignore_result=True)
def run_export(export_id: int) -> str:
    """Build one export's files; the row carries status, progress and report."""
    return services.execute_export(export_id).status


@shared_task(ignore_result=True)
def submit_finetune_job(job_id: int) -> str:
    """Upload an export to OpenAI and create its fine-tuning job."""
    return finetune.submit_job(FineTuneJob.objects.select_related("export").get(pk=job_id)).status


@shared_task(ignore_result=True)
def poll_finetune_jobs() -> int:
    """Refresh every fine-tuning job that is still running (Celery beat)."""
    return finetune.poll_active_jobs()


@shared_task(ignore_result=True)
def periodic_export() -> int:
    """Export the last FEEDBACK_EXPORT_PERIOD_DAYS of well-rated answers (Celery beat)."""
    today = timezone.localdate()
    options = ExportOptions(
        date_from=(today - timedelta(days=settings.FEEDBACK_EXPORT_PERIOD_DAYS)).isoformat(),
        date_to=today.isoformat(),
        min_rating=settings.FEEDBACK_EXPORT_MIN_RATING,
    )
    export = services.create_export(options)
    return services.execute_export(export.pk).pk
