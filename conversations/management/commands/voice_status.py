"""Say which voice providers this server will use, and what is missing."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from conversations.providers import build_stt, llm_is_offline


class Command(BaseCommand):
    help = "Report the STT, LLM and TTS providers and whether they are usable."

    def handle(self, *args, **options) -> None:
        _stt, available, message = build_stt()
        if available:
            self.stdout.write(
                self.style.SUCCESS(f"STT: {settings.VOICE_STT_PROVIDER} ({settings.VOICE_STT_MODEL}) ready")
            )
        else:
            self.stdout.write(self.style.WARNING(f"STT unavailable — typed input still works. {message}"))
        if llm_is_offline():
            self.stdout.write(
                self.style.WARNING("LLM: offline responder (set OPENAI_API_KEY or OPENAI_BASE_URL for real replies)")
            )
        else:
            where = settings.OPENAI_BASE_URL or "OpenAI"
            self.stdout.write(self.style.SUCCESS(f"LLM: {settings.LLM_MODEL} at {where}"))
        self.stdout.write(f"TTS: {settings.VOICE_TTS_PROVIDER} (personas may override)")
