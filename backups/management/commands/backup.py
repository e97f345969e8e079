"""manage.py backup: one archive of the database and MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.archive import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write backup-<UTC timestamp>.tar.gz (database dump, MEDIA_ROOT, manifest) into BACKUP_DIR "
        "and keep the newest BACKUP_KEEP archives there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="Write into this folder instead of BACKUP_DIR (no retention applied there)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = create_backup(options["output"], progress=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written: {result.path}"))
