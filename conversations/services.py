"""Saving conversation turns from the realtime session (sync; wrap for async callers)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from conversations.models import Conversation, Turn


def end_conversation(conversation: Conversation) -> None:
    """Mark the conversation finished (idempotent)."""
    if conversation.ended_at is None:
        conversation.ended_at = timezone.now()
        conversation.save(update_fields=["ended_at", "updated_at"])


def next_turn_index(conversation_id: int) -> int:
    """The index the next turn of this conversation will get."""
    last = Turn.objects.filter(conversation_id=conversation_id).aggregate(last=Max("index"))["last"]
    return 0 if last is None else last + 1


def save_turn(
    conversation_id: int,
    *,
    role: str,
    text: str,
    started_at: datetime,
    ended_at: datetime | None = None,
    index: int | None = None,
    **fields,
) -> Turn:
    """Persist one completed turn; the index is allocated if not given or already taken."""
    ended_at = ended_at or timezone.now()
    for _attempt in range(5):
        candidate = index if index is not None else next_turn_index(conversation_id)
        try:
            with transaction.atomic():
                turn = Turn.objects.create(
                    conversation_id=conversation_id,
                    index=candidate,
                    role=role,
                    text=text,
                    started_at=started_at,
                    ended_at=ended_at,
                    **fields,
                )
        except IntegrityError:
            # Another writer took this index (e.g. two sockets on one conversation).
            index = None
            continue
        conversation = Conversation.objects.filter(pk=conversation_id)
        if role == Turn.Role.USER:
            # An untitled conversation is named after the first thing the user said.
            conversation.filter(title="").update(title=text[:60])
        conversation.update(updated_at=timezone.now())
        return turn
    raise IntegrityError(f"Could not allocate a turn index in conversation {conversation_id}")
