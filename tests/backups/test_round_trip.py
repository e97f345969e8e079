"""Backup → damage → restore brings back every row and every media byte; bad archives change nothing."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.tokens import authenticate_token
from backups import restore as restore_module
from conversations.models import Conversation
from personas.models import Persona, ReferenceClip
from tests.backups.conftest import (
    DataSet,
    edit_manifest,
    media_files,
    no_staging_left,
    nothing_changes,
    rewrite_archive,
    snapshot,
)

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str) -> str:
    """Run a management command and return what it printed."""
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def make_backup(backup_dir: Path) -> Path:
    """Run `manage.py backup` and return the single archive it wrote."""
    output = run("backup")
    archives = sorted(backup_dir.glob("backup-*.tar.gz"))
    assert len(archives) == 1
    assert f"Backup written: {archives[0]}" in output
    return archives[0]


def damage(data: DataSet, media_root: Path) -> None:
    """Delete, alter and add rows and media files after the backup."""
    persona = Persona.objects.get()
    data.conversation.delete()
    Persona.objects.filter(pk=persona.pk).update(name="Changed", emotions=["neutral"])
    User.objects.filter(username="alice").update(email="evil@example.com")
    User.objects.get(username="bob").api_tokens.all().delete()
    User.objects.get(username="alice").api_tokens.all().delete()
    User.objects.create_user("mallory", "m@example.com", "mallory-password-1")
    (media_root / persona.avatar_vrm.name).unlink()
    (media_root / ReferenceClip.objects.get().audio.name).write_bytes(b"overwritten")
    (media_root / "stray" / "new.bin").parent.mkdir()
    (media_root / "stray" / "new.bin").write_bytes(b"not in the backup")


def test_round_trip_restores_every_row_and_media_byte(full_data, backup_dirs):
    media_root, backup_dir = backup_dirs
    rows_before, media_before = snapshot(), media_files(media_root)
    assert {"avatars/haru.vrm", "voices/haru-joy.wav", "finetune/export-1/train.jsonl"} <= set(media_before)

    archive = make_backup(backup_dir)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["counts"]["conversations.turn"] == 3
    assert manifest["counts"]["auth.user"] == 2
    assert "personas" in manifest["migrations"]
    assert manifest["media_files"] == 3
    assert set(manifest["members"]) == {"database.jsonl"} | {f"media/{name}" for name in media_before}
    assert archive.stat().st_mode & 0o077 == 0

    damage(full_data, media_root)
    assert snapshot() != rows_before
    assert media_files(media_root) != media_before

    output = run("restore", str(archive), "--yes")

    assert "checksums OK" in output
    assert "Restore complete" in output
    assert snapshot() == rows_before
    assert media_files(media_root) == media_before
    assert no_staging_left(media_root)
    # Natural keys mapped group and user permissions back; the token and password still work.
    alice = User.objects.get(username="alice")
    assert alice.has_perm("personas.change_persona")
    assert alice.has_perm("conversations.view_conversation")
    assert authenticate_token(full_data.token_secret).user == alice
    assert Client().login(username="alice", password="alice-password-1")
    # Sequences were reset past the restored ids, so new rows still insert.
    Conversation.objects.create(owner=alice, persona=Persona.objects.get())


@pytest.mark.parametrize("corruption", ["truncated", "flipped bytes", "tampered member", "extra member"])
def test_corrupt_archive_is_refused_and_nothing_changes(full_data, backup_dirs, tmp_path, corruption):
    media_root, backup_dir = backup_dirs
    archive = make_backup(backup_dir)
    raw = archive.read_bytes()
    bad = tmp_path / "bad.tar.gz"
    if corruption == "truncated":
        bad.write_bytes(raw[: len(raw) // 2])
    elif corruption == "flipped bytes":
        middle = len(raw) // 2
        bad.write_bytes(raw[:middle] + bytes(b ^ 0xFF for b in raw[middle : middle + 64]) + raw[middle + 64 :])
    elif corruption == "tampered member":
        rewrite_archive(archive, bad, lambda name, data: b"evil" if name == "media/avatars/haru.vrm" else data)
    else:
        rewrite_archive(archive, bad, lambda name, data: data)
        _append_member(bad, "media/injected.txt", b"not listed in the manifest")
    damage(full_data, media_root)

    with nothing_changes(media_root), pytest.raises(CommandError, match=r"Nothing was changed"):
        run("restore", str(bad), "--yes")


def test_archive_from_newer_code_is_refused(full_data, backup_dirs, tmp_path):
    media_root, backup_dir = backup_dirs
    archive = make_backup(backup_dir)
    future = rewrite_archive(
        archive,
        tmp_path / "future.tar.gz",
        edit_manifest(lambda manifest: manifest["migrations"]["personas"].append("9999_from_the_future")),
    )
    damage(full_data, media_root)

    with nothing_changes(media_root), pytest.raises(CommandError, match=r"newer code.*personas\.9999_from_the_future"):
        run("restore", str(future), "--yes")


def test_restore_asks_first_and_a_no_changes_nothing(full_data, backup_dirs, monkeypatch):
    media_root, backup_dir = backup_dirs
    archive = make_backup(backup_dir)
    damage(full_data, media_root)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with nothing_changes(media_root), pytest.raises(CommandError, match="cancelled"):
        run("restore", str(archive))


def test_a_failed_load_rolls_back_data_and_keeps_old_media(full_data, backup_dirs, tmp_path):
    media_root, backup_dir = backup_dirs
    archive = make_backup(backup_dir)
    # Checksums still match (the manifest is not a hashed member); the count check fails after loading.
    lying = rewrite_archive(
        archive, tmp_path / "lying.tar.gz", edit_manifest(lambda manifest: manifest["counts"].update({"auth.user": 7}))
    )
    damage(full_data, media_root)

    with nothing_changes(media_root), pytest.raises(CommandError, match=r"auth\.user: 2 != 7.*rolled back"):
        run("restore", str(lying), "--yes")


def test_a_failed_media_swap_rolls_back_data_and_puts_old_media_back(full_data, backup_dirs, monkeypatch):
    media_root, backup_dir = backup_dirs
    archive = make_backup(backup_dir)
    damage(full_data, media_root)
    real_move = restore_module._move_entries
    calls = []

    def move_then_fail(source: Path, destination: Path) -> None:
        calls.append(source)
        real_move(source, destination)
        if len(calls) == 2:  # the new files are in place: fail as a full disk would
            raise OSError("No space left on device")

    monkeypatch.setattr(restore_module, "_move_entries", move_then_fail)

    with nothing_changes(media_root), pytest.raises(OSError, match="No space"):
        run("restore", str(archive), "--yes")


def _append_member(archive: Path, name: str, data: bytes) -> None:
    """Rebuild `archive` with one more member that the manifest does not list."""
    with tarfile.open(archive, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar]
    with tarfile.open(archive, "w:gz") as tar:
        for member, content in members:
            tar.addfile(member, io.BytesIO(content))
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
