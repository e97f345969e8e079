"""Writing backup archives: a streamed database dump, every media file and a manifest."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import django
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader

from backups import serializer

Progress = Callable[[str], None]

FORMAT_VERSION = 1
DB_MEMBER = "database.jsonl"
MANIFEST_MEMBER = "manifest.json"
MEDIA_PREFIX = "media/"
# Rebuilt by `migrate` (content types, permissions) or worthless after a restore (sessions
# would point at whatever user now has that id); natural keys cover references to them.
EXCLUDED = ("contenttypes", "auth.permission", "sessions")
# Staging folders that a restore makes inside MEDIA_ROOT; never part of a backup.
STAGING_PREFIX = ".backups-restore-"
ARCHIVE_RE = re.compile(r"^backup-\d{8}T\d{6}\.\d{6}Z\.tar\.gz$")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote."""

    path: Path
    manifest: dict[str, Any]
    removed: list[Path]


def no_progress(message: str) -> None:
    """Progress sink for callers that do not want progress."""


def archive_name(now: datetime) -> str:
    """File name for an archive made at `now`; sorts by time (microseconds avoid clashes)."""
    return f"backup-{now.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}.tar.gz"


def list_archives(directory: Path) -> list[Path]:
    """Finished archives in `directory`, oldest first (partial `.part` files never match)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and ARCHIVE_RE.match(p.name))


def prune(directory: Path, keep: int, progress: Progress = no_progress) -> list[Path]:
    """Delete all but the newest `keep` archives in `directory`; returns what was removed."""
    archives = list_archives(directory)
    doomed = archives[: max(len(archives) - max(keep, 1), 0)]
    for path in doomed:
        path.unlink(missing_ok=True)
        progress(f"Removed old backup {path.name}")
    return doomed


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """Applied migrations this code knows, per app, in a stable order."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(loader.applied_migrations):
        if (app_label, name) in loader.graph.nodes:
            state.setdefault(app_label, []).append(name)
    return state


class _HashingReader:
    """File wrapper that hashes what tarfile reads, so each file is read once."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under MEDIA_ROOT with their archive names, in a stable order."""
    if not media_root.is_dir():
        return
    for top, dirs, files in os.walk(media_root):
        here = Path(top)
        if here == media_root:
            dirs[:] = [d for d in dirs if not d.startswith(STAGING_PREFIX)]
        dirs.sort()
        for name in sorted(files):
            path = here / name
            # Links could point anywhere (or loop); only real uploads are backed up.
            if path.is_symlink() or not path.is_file():
                continue
            yield path, MEDIA_PREFIX + path.relative_to(media_root).as_posix()


def _dump_database(target: Path, using: str) -> None:
    """Stream `dumpdata` of every app into `target` as JSON lines, from one consistent snapshot."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        # One snapshot for every table, so rows never reference rows dumped later; only
        # possible as the transaction's first statement.
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        call_command(
            "dumpdata",
            format=serializer.FORMAT,
            exclude=list(EXCLUDED),
            natural_foreign=True,
            use_base_manager=True,
            database=using,
            output=str(target),
            verbosity=0,
        )


def _scan_dump(path: Path) -> tuple[str, Counter[str]]:
    """SHA-256 of the dump and its object count per model, read line by line."""
    digest = hashlib.sha256()
    counts: Counter[str] = Counter()
    with path.open("rb") as dump:
        for line in dump:
            digest.update(line)
            if line.strip():
                counts[json.loads(line)["model"]] += 1
    return digest.hexdigest(), counts


def create_backup(
    output_dir: Path | None = None,
    *,
    progress: Progress = no_progress,
    using: str = DEFAULT_DB_ALIAS,
    now: datetime | None = None,
) -> BackupResult:
    """Write `backup-<UTC>.tar.gz` into output_dir (BACKUP_DIR by default) and apply retention there."""
    backup_dir = Path(settings.BACKUP_DIR)
    target_dir = Path(output_dir) if output_dir else backup_dir
    # Archives hold password hashes and token digests: readable by the owner only.
    target_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = now or datetime.now(UTC)
    final = target_dir / archive_name(created)
    if final.exists():
        raise BackupError(f"{final} already exists")
    media_root = Path(settings.MEDIA_ROOT)

    # Work files sit next to the archive, not in /tmp, which is often small in containers.
    with tempfile.TemporaryDirectory(dir=target_dir, prefix=".backup-") as work:
        dump_path = Path(work) / DB_MEMBER
        progress(f"Dumping the {connections[using].vendor} database…")
        _dump_database(dump_path, using)
        dump_sha, counts = _scan_dump(dump_path)
        progress(f"Dumped {sum(counts.values())} objects of {len(counts)} models ({dump_path.stat().st_size} bytes)")

        members = {DB_MEMBER: {"sha256": dump_sha, "size": dump_path.stat().st_size}}
        partial = Path(work) / (final.name + ".part")
        # Level 6: uploads (VRM, audio) are already compressed; 9 costs time for nothing.
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(dump_path, arcname=DB_MEMBER)
            media_bytes = 0
            for path, arcname in _media_files(media_root):
                info = tar.gettarinfo(str(path), arcname=arcname)
                with path.open("rb") as raw:
                    reader = _HashingReader(raw)
                    tar.addfile(info, reader)  # type: ignore[arg-type]
                members[arcname] = {"sha256": reader.digest.hexdigest(), "size": info.size}
                media_bytes += info.size
                progress(f"Added {arcname} ({info.size} bytes)")
            media_count = len(members) - 1
            progress(f"Added {media_count} media files ({media_bytes} bytes) from {media_root}")
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": created.astimezone(UTC).isoformat(),
                "django_version": django.get_version(),
                "database_vendor": connections[using].vendor,
                "migrations": applied_migrations(using),
                "counts": dict(sorted(counts.items())),
                "media_files": media_count,
                "members": members,
            }
            _add_bytes(tar, MANIFEST_MEMBER, json.dumps(manifest, indent=2, sort_keys=True).encode())
        partial.chmod(0o600)
        # Renamed only when complete, so a crash never leaves a half archive that looks finished.
        partial.replace(final)
    progress(f"Wrote {final} ({final.stat().st_size} bytes)")
    removed = prune(target_dir, settings.BACKUP_KEEP, progress) if target_dir == backup_dir else []
    return BackupResult(path=final, manifest=manifest, removed=removed)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    """Add an in-memory member (the small manifest) to `tar`."""
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))
