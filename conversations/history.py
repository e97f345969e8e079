"""Finding and starting a user's conversations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from conversations.models import Conversation
from personas.models import Persona


def search_conversations(user: AbstractBaseUser, text: str = "", persona_slug: str = "") -> QuerySet[Conversation]:
    """The user's conversations whose title or any turn contains `text`, optionally by persona."""
    conversations = Conversation.objects.owned_by(user).select_related("persona")
    if persona_slug:
        conversations = conversations.filter(persona__slug=persona_slug)
    if text.strip():
        matching = Q(title__icontains=text.strip()) | Q(turns__text__icontains=text.strip())
        conversations = conversations.filter(matching).distinct()
    return conversations


def start_conversation(user: AbstractBaseUser, persona: Persona, title: str = "") -> Conversation:
    """Open a new conversation with an active persona."""
    return Conversation.objects.create(owner=user, persona=persona, title=title[:200])
