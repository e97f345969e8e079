"""Ratings of answers and of whole conversations."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from conversations.models import Conversation, Turn

score_validators = [MinValueValidator(1), MaxValueValidator(5)]


class TurnRating(models.Model):
    turn = models.OneToOneField(Turn, on_delete=models.CASCADE, related_name="rating")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="turn_ratings")
    score = models.PositiveSmallIntegerField(validators=score_validators)
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="turn_score_1_5")]

    def __str__(self) -> str:
        return f"{self.score}★ on turn {self.turn_id}"


class ConversationRating(models.Model):
    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="rating")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_ratings")
    score = models.PositiveSmallIntegerField(validators=score_validators)
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="conversation_score_1_5")
        ]

    def __str__(self) -> str:
        return f"{self.score}★ on conversation {self.conversation_id}"


class FineTuneExport(models.Model):
    """One export of rated turns as OpenAI chat fine-tuning JSONL (train + validation)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        EMPTY = "empty", "Nothing to export"

    options = models.JSONField(default=dict, help_text="What to export (see feedback.export.ExportOptions).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    report = models.JSONField(default=dict, blank=True)
    train_file = models.FileField(max_length=300, blank=True)
    validation_file = models.FileField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Export #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED, self.Status.EMPTY}


class FineTuneJob(models.Model):
    """An OpenAI fine-tuning job trained on one export, tracked until it finishes."""

    class Status(models.TextChoices):
        SUBMITTING = "submitting", "Submitting"
        VALIDATING_FILES = "validating_files", "Validating files"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.SUBMITTING, Status.VALIDATING_FILES, Status.QUEUED, Status.RUNNING)

    export = models.ForeignKey(FineTuneExport, on_delete=models.PROTECT, related_name="jobs")
    persona = models.ForeignKey(
        "personas.Persona",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Who gets the fine-tuned model.",
    )
    base_model = models.CharField(max_length=200)
    training_file_id = models.CharField(max_length=100, blank=True)
    validation_file_id = models.CharField(max_length=100, blank=True)
    job_id = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTING)
    events = models.JSONField(default=list, blank=True, help_text="OpenAI job events, oldest first.")
    fine_tuned_model = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    model_applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Fine-tune {self.job_id or '#' + str(self.pk)} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
