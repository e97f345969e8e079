"""Rating a turn or a conversation: one rating each, updated when changed."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from conversations.models import Conversation, Turn
from feedback.models import ConversationRating, TurnRating


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
