"""Download the configured Whisper model ahead of time (deployments with network access)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from conversations.pipeline.interfaces import ProviderError
from conversations.pipeline.stt import prefetch_model


class Command(BaseCommand):
    help = "Fetch VOICE_STT_MODEL (e.g. 'small', 'large-v3') into the local model cache."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--model", default=settings.VOICE_STT_MODEL)
        parser.add_argument("--download-root", default=None)

    def handle(self, *args, model: str, download_root: str | None, **options) -> None:
        self.stdout.write(f"Fetching Whisper model {model!r}…")
        try:
            path = prefetch_model(model, download_root)
        except (ProviderError, OSError, ValueError) as error:
            raise CommandError(f"Could not fetch {model!r}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Model ready at {path}"))
