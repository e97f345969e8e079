"""Pages: start a conversation, talk, history with search, transcript with ratings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conversations.history import search_conversations, start_conversation
from conversations.models import Conversation
from conversations.services import end_conversation
from feedback.forms import RatingForm
from personas.api import avatar_info
from personas.models import Persona


def _own_conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    # Someone else's conversation is "not found", never "forbidden": ids stay private.
    return get_object_or_404(Conversation.objects.select_related("persona"), pk=conversation_id, owner=request.user)


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a conversation with a persona and open the talk page."""
    persona = get_object_or_404(Persona.objects.active(), slug=slug)
    conversation = start_conversation(request.user, persona)
    return redirect("conversations:talk", conversation_id=conversation.pk)


@login_required
def talk(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The talk page: avatar, microphone, live transcript."""
    conversation = _own_conversation(request, conversation_id)
    config = {
        "conversationId": conversation.pk,
        "websocketPath": f"/ws/conversations/{conversation.pk}/",
        "persona": {
            "slug": conversation.persona.slug,
            "name": conversation.persona.name,
            "language": conversation.persona.language,
            "emotions": conversation.persona.emotions,
            "avatar": avatar_info(conversation.persona, request),
        },
        "apiBase": "/api/",
        "historyUrl": f"/conversations/{conversation.pk}/",
    }
    return render(request, "conversations/talk.html", {"conversation": conversation, "config": config})


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """The user's conversations, searchable by text and filterable by persona."""
    query = request.GET.get("q", "")
    persona_slug = request.GET.get("persona", "")
    conversations = search_conversations(request.user, query, persona_slug)[:100]
    context = {
        "conversations": conversations,
        "query": query,
        "persona_slug": persona_slug,
        "personas": Persona.objects.filter(conversations__owner=request.user).distinct(),
    }
    return render(request, "conversations/history.html", context)


@login_required
def transcript(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Every turn of one conversation, with rating forms."""
    conversation = _own_conversation(request, conversation_id)
    turns = conversation.turns.select_related("rating").all()
    rating = getattr(conversation, "rating", None)
    context = {
        "conversation": conversation,
        "turns": turns,
        "conversation_rating": rating,
        "conversation_form": RatingForm(initial={"score": rating.score, "comment": rating.comment} if rating else None),
    }
    return render(request, "conversations/transcript.html", context)


@login_required
@require_POST
def end(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Mark a conversation as finished."""
    conversation = _own_conversation(request, conversation_id)
    end_conversation(conversation)
    messages.success(request, "Conversation ended.")
    return redirect("conversations:transcript", conversation_id=conversation.pk)
