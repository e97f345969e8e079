"""Fixtures for backup tests: tmp MEDIA_ROOT/BACKUP_DIR, a full data set, snapshots, archive surgery."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.tokens import issue_token
from backups.archive import STAGING_PREFIX
from conversations.models import Conversation, Turn
from feedback.models import ConversationRating, FineTuneExport, TurnRating
from personas.models import Persona, PersonaRevision, ReferenceClip

# Rebuilt by migrate or deliberately not restored; everything else must round-trip.
NOT_COMPARED = {"contenttypes.ContentType", "auth.Permission", "sessions.Session"}
VRM_BYTES = b"glTF\x02\x00\x00\x00" + bytes(range(256)) * 8
WAV_BYTES = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(200)


@pytest.fixture
def backup_dirs(settings, tmp_path) -> tuple[Path, Path]:
    """A fresh MEDIA_ROOT and BACKUP_DIR for this test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEEP = 14
    return settings.MEDIA_ROOT, settings.BACKUP_DIR


@dataclass
class DataSet:
    """What `full_data` made, for the tests to damage and check."""

    token_secret: str
    conversation: Conversation


@pytest.fixture
def full_data(backup_dirs, alice: User, bob: User, persona: Persona) -> DataSet:
    """Users with a group and permissions, a token, a persona with VRM, clip and revision, rated turns."""
    editors = Group.objects.create(name="editors")
    editors.permissions.add(Permission.objects.get(codename="change_persona"))
    alice.groups.add(editors)
    alice.user_permissions.add(Permission.objects.get(codename="view_conversation"))
    token = issue_token(alice, "Unity on my PC")

    persona.avatar_vrm.save("haru.vrm", ContentFile(VRM_BYTES))
    clip = ReferenceClip(persona=persona, emotion="joy", prompt_text="안녕하세요", prompt_lang="ko")
    clip.audio.save("haru-joy.wav", ContentFile(WAV_BYTES))
    PersonaRevision.objects.create(persona=persona, changed_by=alice, changes={"name": ["Hal", "Haru"]}, note="이름")

    start = timezone.now() - timedelta(hours=1)
    conversation = Conversation.objects.create(owner=alice, persona=persona, title="첫 대화")
    turns = [
        Turn.objects.create(
            conversation=conversation,
            index=index,
            role=role,
            text=text,
            spoken_text=text,
            emotion="joy" if role == "assistant" else "",
            started_at=start + timedelta(seconds=10 * index),
            ended_at=start + timedelta(seconds=10 * index + 5),
            stt_ms=123.25 if role == "user" else None,
            total_ms=456.5,
        )
        for index, (role, text) in enumerate([("user", "안녕"), ("assistant", "안녕하세요!"), ("user", "잘 가")])
    ]
    TurnRating.objects.create(turn=turns[1], user=alice, score=5, comment="좋아요")
    ConversationRating.objects.create(conversation=conversation, user=alice, score=4)
    Conversation.objects.create(owner=bob, persona=persona, title="bob's")

    export = FineTuneExport.objects.create(options={"min_rating": 4}, status="succeeded", created_by=alice)
    export.train_file.save("finetune/export-1/train.jsonl", ContentFile(b'{"messages": []}\n'))
    return DataSet(token_secret=token.secret, conversation=conversation)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every compared model (field values and many-to-many ids), by primary key."""
    result: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        label = model._meta.label
        if label in NOT_COMPARED:
            continue
        rows = []
        for obj in model._base_manager.order_by("pk"):
            row = {field.attname: getattr(obj, field.attname) for field in model._meta.concrete_fields}
            for field in model._meta.many_to_many:
                row[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
            rows.append(row)
        result[label] = rows
    return result


def media_files(media_root: Path) -> dict[str, bytes]:
    """Every file under MEDIA_ROOT with its bytes (staging folders would show up too)."""
    return {p.relative_to(media_root).as_posix(): p.read_bytes() for p in sorted(media_root.rglob("*")) if p.is_file()}


def no_staging_left(media_root: Path) -> bool:
    """True when no restore staging folder was left behind."""
    return not [p for p in media_root.iterdir() if p.name.startswith(STAGING_PREFIX)]


@contextmanager
def nothing_changes(media_root: Path) -> Iterator[None]:
    """Assert that the block leaves every row, every media file and no staging behind."""
    rows, media = snapshot(), media_files(media_root)
    yield
    assert snapshot() == rows
    assert media_files(media_root) == media
    assert no_staging_left(media_root)


def rewrite_archive(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """Copy an archive member by member, passing each member's bytes through `change`."""
    with tarfile.open(source, "r:gz") as tar_in, tarfile.open(target, "w:gz") as tar_out:
        for member in tar_in:
            extracted = tar_in.extractfile(member)
            data = change(member.name, extracted.read() if extracted else b"")
            member.size = len(data)
            tar_out.addfile(member, io.BytesIO(data))
    return target


def edit_manifest(edit: Callable[[dict[str, Any]], None]) -> Callable[[str, bytes], bytes]:
    """A `rewrite_archive` change that edits only manifest.json."""

    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change
