from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from personas.models import Persona


@login_required
def picker(request: HttpRequest) -> HttpResponse:
    """Choose who to talk to."""
    return render(request, "personas/picker.html", {"personas": Persona.objects.active()})
