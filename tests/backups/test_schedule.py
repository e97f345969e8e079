"""Retention, --output, the Celery task and its beat entry."""

from __future__ import annotations

import io
import runpy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from backups import tasks
from backups.archive import create_backup, list_archives
from project.celery import app as celery_app

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "project" / "settings.py"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Run Celery tasks inline for this test, whatever REDIS_URL says."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.mark.django_db(transaction=True)
def test_retention_keeps_the_newest_backups(backup_dirs, settings, alice):
    _, backup_dir = backup_dirs
    settings.BACKUP_KEEP = 3
    unrelated = backup_dir / "notes.txt"
    backup_dir.mkdir(parents=True)
    unrelated.write_text("not an archive")

    made = [create_backup(now=T0 + timedelta(hours=hour)).path for hour in range(5)]

    assert list_archives(backup_dir) == made[-3:]
    assert unrelated.exists()
    assert not [p for p in backup_dir.iterdir() if p.name.startswith(".")]


@pytest.mark.django_db(transaction=True)
def test_output_folder_gets_the_archive_without_pruning(backup_dirs, settings, tmp_path, alice):
    settings.BACKUP_KEEP = 1
    elsewhere = tmp_path / "usb"
    out = io.StringIO()
    for _ in range(2):
        call_command("backup", "--output", str(elsewhere), stdout=out)

    assert len(list_archives(elsewhere)) == 2
    assert "Dumping the" in out.getvalue()
    assert "Wrote" in out.getvalue()
    assert list_archives(backup_dirs[1]) == []


@pytest.mark.django_db(transaction=True)
def test_celery_task_writes_a_backup(backup_dirs, eager_celery, alice):
    result = tasks.run_backup.delay()

    archives = list_archives(backup_dirs[1])
    assert len(archives) == 1
    assert result.get() == str(archives[0])


@pytest.mark.parametrize(("hours", "expected"), [(None, None), ("0", None), ("6", 6 * 3600.0)])
def test_beat_entry_only_when_backup_every_hours_is_set(monkeypatch, hours, expected):
    if hours is None:
        monkeypatch.delenv("BACKUP_EVERY_HOURS", raising=False)
    else:
        monkeypatch.setenv("BACKUP_EVERY_HOURS", hours)

    schedule = runpy.run_path(str(SETTINGS_FILE))["CELERY_BEAT_SCHEDULE"]

    if expected is None:
        assert "backups-run-backup" not in schedule
    else:
        assert schedule["backups-run-backup"] == {"task": "backups.tasks.run_backup", "schedule": expected}
    assert tasks.run_backup.name == "backups.tasks.run_backup"
