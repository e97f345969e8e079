"""Rating turns and conversations; running fine-tuning exports."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from conversations.models import Conversation, Turn
from feedback.export import ExportOptions, NothingToExport, TooFewExamples, build_export
from feedback.models import ConversationRating, FineTuneExport, TurnRating

logger = logging.getLogger(__name__)


class NotRateable(Exception):
    """Only assistant turns can be rated."""


def rate_turn(user: AbstractBaseUser, turn: Turn, score: int, comment: str = "") -> TurnRating:
    """Create or update the user's rating of an assistant turn."""
    if turn.role != Turn.Role.ASSISTANT:
        raise NotRateable("Only the avatar's answers can be rated.")
    rating, _ = TurnRating.objects.update_or_create(
        turn=turn, defaults={"user": user, "score": score, "comment": comment}
    )
    return rating


def rate_conversation(
    user: AbstractBaseUser, conversation: Conversation, score: int, comment: str = ""
) -> ConversationRating:
    """Create or update the user's rating of a whole conversation."""
    rating, _ = ConversationRating.objects.update_or_create(
        conversation=conversation, defaults={"user": user, "score": score, "comment": comment}
    )
    return rating


def create_export(options: ExportOptions, user: AbstractBaseUser | None = None) -> FineTuneExport:
    """A queued export row; `start_export` also hands it to a worker."""
    return FineTuneExport.objects.create(options=options.to_json(), created_by=user)


def start_export(
    options: ExportOptions, user: AbstractBaseUser | None = None, queue: str | None = None
) -> FineTuneExport:
    """Queue an export for a Celery worker once the row is committed."""
    from feedback.tasks import run_export

    export = create_export(options, user)
    route = {"queue": queue} if queue else {}
    transaction.on_commit(lambda: run_export.apply_async(args=[export.pk], **route))
    return export


def execute_export(export_id: int) -> FineTuneExport:
    """Run an export to the end, keeping status, progress and report on its row."""
    rows = FineTuneExport.objects.filter(pk=export_id)
    rows.update(status=FineTuneExport.Status.RUNNING, progress=0, error="", started_at=timezone.now())
    export = rows.get()
    last = [0]

    def progress(percent: int) -> None:
        # One UPDATE per percent: readers see it move without a write per example.
        if percent > last[0]:
            last[0] = percent
            rows.update(progress=min(percent, 99))

    try:
        report = build_export(export, progress)
    except NothingToExport as error:
        fields = {"status": FineTuneExport.Status.EMPTY, "error": str(error), "report": {}}
    except TooFewExamples as error:
        fields = {
            "status": FineTuneExport.Status.FAILED,
            "error": str(error),
            "report": error.report,
        }
    except Exception as error:
        logger.exception("Export %s failed", export_id)
        fields = {
            "status": FineTuneExport.Status.FAILED,
            "error": f"{type(error).__name__}: {error}",
        }
    else:
        fields = {
            "status": FineTuneExport.Status.SUCCEEDED,
            "report": report,
            "train_file": export.train_file.name,
            "validation_file": export.validation_file.name,
        }
    # A failed re-run must not keep offering the files of an earlier run.
    no_files = {"train_file": "", "validation_file": ""}
    rows.update(**(no_files | fields), progress=100, finished_at=timezone.now())
    return rows.get()
