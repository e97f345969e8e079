"""Restoring backup archives: verify everything first, then swap data and media in."""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader

from backups import serializer
from backups.archive import (
    CHUNK,
    DB_MEMBER,
    FORMAT_VERSION,
    MANIFEST_MEMBER,
    MEDIA_PREFIX,
    STAGING_PREFIX,
    BackupError,
    Progress,
    no_progress,
)

# loaddata picks the deserializer from the extension.
DUMP_FILE = f"database.{serializer.FORMAT}"
# Rows `migrate` creates; kept so their ids stay stable, found again through natural keys.
KEPT_MODELS = ("contenttypes.ContentType", "auth.Permission")


@dataclass(frozen=True)
class VerifiedArchive:
    """An archive whose members all matched the manifest, unpacked to staging folders."""

    path: Path
    manifest: dict[str, Any]
    dump: Path
    staged_media: Path

    @property
    def object_count(self) -> int:
        """Objects in the database dump."""
        return sum(self.manifest["counts"].values())


@contextmanager
def open_archive(path: Path) -> Iterator[VerifiedArchive]:
    """Unpack and verify `path`; raises BackupError (changing nothing) when anything is off."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    backup_dir = Path(settings.BACKUP_DIR)
    backup_dir.mkdir(parents=True, exist_ok=True)
    # The dump holds password hashes: kept out of MEDIA_ROOT, which the web server serves.
    private = Path(tempfile.mkdtemp(dir=backup_dir, prefix=".restore-"))
    # Media is staged inside MEDIA_ROOT so the swap is a rename on one file system (it is
    # often a volume mount point, which cannot itself be renamed).
    staged = Path(tempfile.mkdtemp(dir=media_root, prefix=STAGING_PREFIX))
    try:
        manifest = _unpack(path, private, staged)
        yield VerifiedArchive(path=path, manifest=manifest, dump=private / DUMP_FILE, staged_media=staged)
    finally:
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(staged, ignore_errors=True)


def _member_target(name: str, private: Path, staged: Path) -> Path:
    """Where a member is unpacked; refuses names that could escape the staging folders."""
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or ".." in parts:
        raise BackupError(f"unsafe member name {name!r}")
    if name == DB_MEMBER:
        return private / DUMP_FILE
    if name == MANIFEST_MEMBER:
        return private / name
    if name.startswith(MEDIA_PREFIX) and len(parts) > 1:
        return staged.joinpath(*parts[1:])
    raise BackupError(f"unexpected member {name!r}")


def _unpack(path: Path, private: Path, staged: Path) -> dict[str, Any]:
    """Unpack every member, hashing as it goes, and check the hashes against the manifest."""
    digests: dict[str, str] = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"{path}: member {member.name!r} is not a regular file")
                if member.name in digests:
                    raise BackupError(f"{path}: member {member.name!r} appears twice")
                target = _member_target(member.name, private, staged)
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None  # regular files always have content
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                digests[member.name] = digest.hexdigest()
    except BackupError as error:
        raise BackupError(f"{path} is not a valid backup: {error}. Nothing was changed.") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"{path} is corrupt or truncated ({error}). Nothing was changed.") from error

    if MANIFEST_MEMBER not in digests:
        raise BackupError(f"{path} has no manifest (truncated, or not a backup). Nothing was changed.")
    try:
        manifest = json.loads((private / MANIFEST_MEMBER).read_text())
        expected = {name: entry["sha256"] for name, entry in manifest["members"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{path} has an unreadable manifest ({error}). Nothing was changed.") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{path} has backup format {manifest.get('format')!r}; this code reads {FORMAT_VERSION}.")
    digests.pop(MANIFEST_MEMBER)
    problems = [f"missing {name}" for name in sorted(expected.keys() - digests.keys())]
    problems += [f"not in the manifest: {name}" for name in sorted(digests.keys() - expected.keys())]
    problems += [
        f"checksum mismatch: {name}" for name in sorted(expected) if digests.get(name, expected[name]) != expected[name]
    ]
    if DB_MEMBER not in expected:
        problems.append(f"missing {DB_MEMBER}")
    if problems:
        raise BackupError(f"{path} failed verification ({'; '.join(problems)}). Nothing was changed.")
    return manifest


def check_migrations(manifest: dict[str, Any], using: str = DEFAULT_DB_ALIAS) -> None:
    """Refuse archives from newer code, or a database not yet migrated as far as the archive."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    archived = {(app, name) for app, names in manifest.get("migrations", {}).items() for name in names}
    newer = sorted(archived - set(loader.graph.nodes))
    if newer:
        listed = ", ".join(f"{app}.{name}" for app, name in newer)
        raise BackupError(
            f"The archive was made by newer code: migrations {listed} are unknown here. "
            "Deploy that code version (or newer) before restoring. Nothing was changed."
        )
    unapplied = sorted(archived - set(loader.applied_migrations or {}))
    if unapplied:
        listed = ", ".join(f"{app}.{name}" for app, name in unapplied)
        raise BackupError(f"Run `manage.py migrate` first; not applied here: {listed}. Nothing was changed.")


def restore_archive(
    verified: VerifiedArchive, *, progress: Progress = no_progress, using: str = DEFAULT_DB_ALIAS
) -> dict[str, int]:
    """Replace all data and media with the archive's in one transaction; returns counts per model."""
    media_root = Path(settings.MEDIA_ROOT)
    parked: Path | None = None
    try:
        with transaction.atomic(using=using):
            _flush(using)
            progress("Emptied the database tables (content types and permissions kept)")
            call_command("loaddata", str(verified.dump), database=using, verbosity=0)
            counts = _check_counts(verified.manifest["counts"], using)
            progress(f"Loaded {sum(counts.values())} objects of {len(counts)} models")
            # Last inside the transaction: a failed swap rolls the data back too.
            parked = _swap_media(media_root, verified.staged_media)
            progress(f"Restored {verified.manifest.get('media_files', 0)} media files into {media_root}")
    except BaseException:
        # The commit itself failed after the swap: put the old media back as well.
        if parked is not None:
            _put_back(media_root, parked, verified.staged_media)
        raise
    shutil.rmtree(parked, ignore_errors=True)
    return counts


def _flush(using: str) -> None:
    """Empty every app table except content types and permissions, resetting sequences."""
    connection = connections[using]
    kept = {apps.get_model(label)._meta.db_table for label in KEPT_MODELS}
    tables = [
        table
        for table in connection.introspection.django_table_names(only_existing=True, include_views=False)
        if table not in kept
    ]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=False)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _check_counts(expected: dict[str, int], using: str) -> dict[str, int]:
    """Rows per model after loading; a mismatch with the manifest aborts the transaction."""
    actual = {label: apps.get_model(label)._base_manager.using(using).count() for label in expected}
    wrong = [f"{label}: {actual[label]} != {count}" for label, count in expected.items() if actual[label] != count]
    if wrong:
        raise BackupError(f"Loaded row counts differ from the manifest ({'; '.join(wrong)}); rolled back.")
    return actual


def _move_entries(source: Path, destination: Path) -> None:
    """Rename every entry of `source` into `destination`, skipping staging folders."""
    for entry in list(source.iterdir()):
        if not entry.name.startswith(STAGING_PREFIX):
            entry.rename(destination / entry.name)


def _swap_media(media_root: Path, staged: Path) -> Path:
    """Park the current media and move the staged files in; returns the parking folder."""
    parked = Path(tempfile.mkdtemp(dir=media_root, prefix=STAGING_PREFIX + "old-"))
    try:
        _move_entries(media_root, parked)
        _move_entries(staged, media_root)
    except BaseException:
        _put_back(media_root, parked, staged)
        raise
    return parked


def _put_back(media_root: Path, parked: Path, staged: Path) -> None:
    """Undo a swap: new files back to staging, parked files back into MEDIA_ROOT."""
    _move_entries(media_root, staged)
    _move_entries(parked, media_root)
    shutil.rmtree(parked, ignore_errors=True)
