"""Personas: who the avatar is, how it thinks, sounds and looks."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

DEFAULT_EMOTIONS = ["neutral", "joy", "sad", "angry", "surprised"]

LANGUAGE_CHOICES = [
    ("ko", "Korean"),
    ("en", "English"),
    ("ja", "Japanese"),
    ("zh", "Chinese"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
]


class TtsBackend(models.TextChoices):
    DEFAULT = "", "Server default (VOICE_TTS_PROVIDER)"
    ESPEAK = "espeak", "espeak-ng (offline)"
    GPT_SOVITS = "gpt_sovits", "GPT-SoVITS"
    OPENAI = "openai", "OpenAI TTS"


class AvatarStyle(models.TextChoices):
    DEFAULT = "default", "Default (drawn in the browser)"
    CAT = "cat", "Cat ears"
    ROBOT = "robot", "Robot"


# Base models and fine-tuned ids such as "ft:gpt-4o-mini-2024-07-18:org::abc123".
model_id_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$",
    "Use a model id such as gpt-4o-mini or ft:gpt-4o-mini-2024-07-18:org::abc123.",
)
emotion_name_validator = RegexValidator(r"^[a-z][a-z_]{1,23}$", "Emotions are lower-case words like joy or sad.")


def validate_emotions(value: object) -> None:
    """A persona's emotions are a non-empty list of short lower-case words, neutral included."""
    if not isinstance(value, list) or not value:
        raise ValidationError('List at least one emotion, e.g. ["neutral", "joy"].')
    for item in value:
        if not isinstance(item, str):
            raise ValidationError(f"Emotion {item!r} is not a word.")
        try:
            emotion_name_validator(item)
        except ValidationError:
            # Re-raised with its own code: JSONField swaps any "invalid" message for "Value must be valid JSON."
            raise ValidationError(
                f"Emotion {item!r} is not a lower-case word like joy or sad.", code="invalid_emotion"
            ) from None
    if "neutral" not in value:
        raise ValidationError('The emotions must include "neutral" (the fallback).')


class PersonaQuerySet(models.QuerySet):
    def active(self) -> PersonaQuerySet:
        return self.filter(is_active=True)


class Persona(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    system_prompt = models.TextField(help_text="Always sent first to the LLM.")
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default="ko")
    llm_model = models.CharField(
        max_length=200,
        blank=True,
        validators=[model_id_validator],
        help_text="Empty: the server's LLM_MODEL. A fine-tuned id works too.",
    )
    temperature = models.FloatField(default=0.8, validators=[MinValueValidator(0.0), MaxValueValidator(2.0)])
    greeting = models.TextField(blank=True, help_text="Said by the avatar when a conversation starts.")
    tts_backend = models.CharField(max_length=20, choices=TtsBackend.choices, blank=True, default="")
    espeak_voice = models.CharField(max_length=40, blank=True, help_text="Empty: derived from the language.")
    speech_rate = models.FloatField(default=1.0, validators=[MinValueValidator(0.5), MaxValueValidator(2.0)])
    pitch = models.PositiveSmallIntegerField(default=50, validators=[MaxValueValidator(100)])
    openai_voice = models.CharField(max_length=40, blank=True, default="alloy")
    avatar_style = models.CharField(max_length=20, choices=AvatarStyle.choices, default=AvatarStyle.DEFAULT)
    avatar_vrm = models.FileField(upload_to="avatars/", blank=True, help_text="Optional VRM/GLB model.")
    emotions = models.JSONField(default=list, validators=[validate_emotions])
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.system_prompt or not self.system_prompt.strip():
            raise ValidationError({"system_prompt": "The system prompt cannot be empty."})
        if not self.emotions:
            self.emotions = list(DEFAULT_EMOTIONS)

    def save(self, *args, **kwargs) -> None:
        if not self.emotions:
            self.emotions = list(DEFAULT_EMOTIONS)
        super().save(*args, **kwargs)


class ReferenceClip(models.Model):
    """A GPT-SoVITS reference clip for one emotion of a persona's voice."""

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="reference_clips")
    emotion = models.CharField(max_length=24, validators=[emotion_name_validator], default="neutral")
    audio = models.FileField(upload_to="voices/", blank=True, help_text="Uploaded clip (3–10 s of clean speech).")
    server_path = models.CharField(
        max_length=500,
        blank=True,
        help_text="Path of the clip on the GPT-SoVITS server; empty: derived from the upload.",
    )
    prompt_text = models.TextField(blank=True, help_text="What is said in the clip.")
    prompt_lang = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default="ko")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["persona", "emotion"], name="one_clip_per_emotion")]

    def __str__(self) -> str:
        return f"{self.persona} / {self.emotion}"

    def clean(self) -> None:
        if not self.audio and not self.server_path:
            raise ValidationError("Upload a clip or give its path on the GPT-SoVITS server.")

    @property
    def tts_server_path(self) -> str:
        """Where GPT-SoVITS finds the clip: shared media volume in docker-compose."""
        if self.server_path:
            return self.server_path
        return f"{settings.GPT_SOVITS_MEDIA_ROOT.rstrip('/')}/{self.audio.name}"


class PersonaRevision(models.Model):
    """One recorded edit of a persona: who, when, and each field's old and new value."""

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict, help_text='{"field": [old, new]}')
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.persona} changed {', '.join(self.changes) or 'nothing'}"
