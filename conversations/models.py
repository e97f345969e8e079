"""Conversations and their turns, saved as each turn completes."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from personas.models import Persona


class ConversationQuerySet(models.QuerySet):
    def owned_by(self, user) -> ConversationQuerySet:
        return self.filter(owner=user)


class Conversation(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations")
    persona = models.ForeignKey(Persona, on_delete=models.PROTECT, related_name="conversations")
    title = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["owner", "-started_at"])]

    def __str__(self) -> str:
        return self.title or f"{self.persona} #{self.pk}"

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None


class Turn(models.Model):
    class Role(models.TextChoices):
        USER = "user", "User"
        ASSISTANT = "assistant", "Assistant"

    class Source(models.TextChoices):
        VOICE = "voice", "Voice"
        TEXT = "text", "Typed"
        GREETING = "greeting", "Greeting"

    class InterruptedBy(models.TextChoices):
        NONE = "", "Not interrupted"
        BARGE_IN = "barge_in", "User speech"
        CLIENT = "client", "User action"
        DISCONNECT = "disconnect", "Connection lost"
        ERROR = "error", "Provider error"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveIntegerField(help_text="Order within the conversation.")
    role = models.CharField(max_length=10, choices=Role.choices)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.VOICE)
    # For an assistant turn: what the LLM produced. `spoken_text` is what was actually
    # played before an interruption (equal to `text` when not interrupted).
    text = models.TextField(blank=True)
    spoken_text = models.TextField(blank=True)
    emotion = models.CharField(max_length=24, blank=True)
    interrupted = models.BooleanField(default=False)
    interrupted_by = models.CharField(max_length=12, choices=InterruptedBy.choices, blank=True, default="")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    llm_model = models.CharField(max_length=200, blank=True)
    # Per-stage timings in milliseconds (None: the stage did not run).
    stt_ms = models.FloatField(null=True, blank=True)
    llm_first_token_ms = models.FloatField(null=True, blank=True)
    tts_first_audio_ms = models.FloatField(null=True, blank=True)
    voice_to_voice_ms = models.FloatField(null=True, blank=True)
    total_ms = models.FloatField(null=True, blank=True)
    audio_ms = models.FloatField(null=True, blank=True, help_text="Duration of the audio played or heard.")

    class Meta:
        ordering = ["conversation", "index"]
        constraints = [models.UniqueConstraint(fields=["conversation", "index"], name="turn_order_unique")]

    def __str__(self) -> str:
        return f"{self.role}: {self.text[:60]}"

    @property
    def prompt_text(self) -> str:
        """What the model should remember of this turn: only what was really heard."""
        if self.role == self.Role.ASSISTANT and self.interrupted:
            return self.spoken_text
        return self.text
