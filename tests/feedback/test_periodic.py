"""Celery beat entries and the periodic export."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from feedback import tasks
from feedback.models import FineTuneExport
from tests.feedback.conftest import Exchange, make_conversation


def test_beat_polls_fine_tuning_jobs_and_leaves_periodic_export_off_by_default():
    schedule = settings.CELERY_BEAT_SCHEDULE

    assert schedule["feedback-poll-finetune-jobs"]["task"] == "feedback.tasks.poll_finetune_jobs"
    assert "feedback-periodic-export" not in schedule
    assert tasks.periodic_export.name == "feedback.tasks.periodic_export"


@pytest.mark.usefixtures("media_root")
def test_periodic_export_takes_the_recent_well_rated_answers(settings, alice, persona):
    settings.FEEDBACK_EXPORT_MIN_EXAMPLES = 1
    now = timezone.now()
    make_conversation(alice, persona, [Exchange("최근", "최근 대답", score=5)], start=now - timedelta(days=1))
    make_conversation(alice, persona, [Exchange("예전", "예전 대답", score=5)], start=now - timedelta(days=90))

    tasks.periodic_export()

    export = FineTuneExport.objects.get()
    assert export.status == "succeeded"
    assert export.report["kept"] == 1
    assert export.options["min_rating"] == settings.FEEDBACK_EXPORT_MIN_RATING
