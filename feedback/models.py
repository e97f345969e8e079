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
