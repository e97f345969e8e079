"""Personas as the clients see them: avatar and voice info, never the system prompt."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from personas.models import Persona


class PersonaSerializer(serializers.ModelSerializer):
    avatar = serializers.SerializerMethodField()
    voice = serializers.SerializerMethodField()

    class Meta:
        model = Persona
        fields = ["id", "slug", "name", "description", "language", "greeting", "emotions", "avatar", "voice"]

    def get_avatar(self, persona: Persona) -> dict:
        return avatar_info(persona, self.context.get("request"))

    def get_voice(self, persona: Persona) -> dict:
        return {
            "backend": persona.tts_backend or settings.VOICE_TTS_PROVIDER,
            "rate": persona.speech_rate,
            "pitch": persona.pitch,
        }


def avatar_info(persona: Persona, request=None) -> dict:
    """The avatar part of a persona: built-in style and optional VRM address."""
    vrm_url = None
    if persona.avatar_vrm:
        vrm_url = persona.avatar_vrm.url
        if request is not None:
            vrm_url = request.build_absolute_uri(vrm_url)
    return {"style": persona.avatar_style, "vrm_url": vrm_url}


class PersonaListView(ListAPIView):
    """Active personas a user can talk to."""

    serializer_class = PersonaSerializer
    queryset = Persona.objects.active()
    pagination_class = None
