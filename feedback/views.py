"""Rating forms on the transcript page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from conversations.models import Conversation, Turn
from feedback import services
from feedback.forms import RatingForm


def _report(request: HttpRequest, form: RatingForm) -> None:
    errors = "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items())
    messages.error(request, f"The rating was not saved ({errors}).")


@login_required
@require_POST
def rate_turn(request: HttpRequest, turn_id: int) -> HttpResponse:
    """Save the rating of one answer."""
    turn = get_object_or_404(Turn, pk=turn_id, conversation__owner=request.user)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rate_turn(request.user, turn, form.cleaned_data["score"], form.cleaned_data["comment"])
            messages.success(request, "Thanks, your rating was saved.")
        except services.NotRateable as error:
            messages.error(request, str(error))
    else:
        _report(request, form)
    return redirect(f"/conversations/{turn.conversation_id}/#turn-{turn.pk}")


@login_required
@require_POST
def rate_conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Save the rating of a whole conversation."""
    conversation = get_object_or_404(Conversation, pk=conversation_id, owner=request.user)
    form = RatingForm(request.POST)
    if form.is_valid():
        services.rate_conversation(request.user, conversation, form.cleaned_data["score"], form.cleaned_data["comment"])
        messages.success(request, "Thanks, your rating was saved.")
    else:
        _report(request, form)
    return redirect("conversations:transcript", conversation_id=conversation.pk)
