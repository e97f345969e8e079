"""manage.py restore: replace the database and MEDIA_ROOT with an archive's contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from backups.archive import BackupError
from backups.restore import check_migrations, open_archive, restore_archive


class Command(BaseCommand):
    help = (
        "Verify a backup archive, then replace ALL data and media with its contents in one transaction. "
        "Refuses corrupt archives and archives from newer code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="A backup-*.tar.gz written by manage.py backup.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to restore into.")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        try:
            self.stdout.write(f"Verifying {options['archive']}…")
            with open_archive(options["archive"]) as verified:
                check_migrations(verified.manifest, using)
                manifest = verified.manifest
                self.stdout.write(
                    f"Archive from {manifest['created_at']} (Django {manifest['django_version']}, "
                    f"{manifest['database_vendor']}): {verified.object_count} objects, "
                    f"{manifest.get('media_files', 0)} media files; checksums OK."
                )
                if not options["yes"] and not self._confirmed():
                    raise CommandError("Restore cancelled; nothing was changed.")
                restore_archive(verified, progress=self.stdout.write, using=using)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS("Restore complete. Users must log in again."))

    def _confirmed(self) -> bool:
        """Ask before destroying the current data; no terminal input counts as no."""
        try:
            answer = input("This REPLACES all current data and media. Type 'yes' to continue: ")
        except EOFError:
            self.stdout.write("")
            return False
        return answer.strip().lower() == "yes"
