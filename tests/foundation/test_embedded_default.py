"""With nothing set the settings pick SQLite, the in-memory channel layer and eager Celery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings
from project.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "app_eager": app.conf.task_always_eager,
    "broker": settings.CELERY_BROKER_URL,
    "debug": settings.DEBUG,
    "language": settings.LANGUAGE_CODE,
}))
"""


def settings_with(tmp_path: Path, **env: str) -> dict:
    environ = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), **env}
    environ["DJANGO_SETTINGS_MODULE"] = "project.settings"
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_nothing_set_means_the_embedded_default(tmp_path):
    found = settings_with(tmp_path)

    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["layer"] == "channels.layers.InMemoryChannelLayer"
    assert found["cache"].endswith("LocMemCache")
    assert found["eager"] is True and found["app_eager"] is True
    assert found["broker"] == "memory://"
    assert found["debug"] is True and found["language"] == "ko"


def test_database_and_redis_urls_switch_to_postgres_and_redis(tmp_path):
    found = settings_with(
        tmp_path, DATABASE_URL="postgres://user:pw@db.example:5432/avatar", REDIS_URL="redis://cache.example:6379/0"
    )

    assert found["engine"] == "django.db.backends.postgresql"
    assert found["layer"] == "channels_redis.core.RedisChannelLayer"
    assert found["cache"].endswith("RedisCache")
    assert found["eager"] is False and found["broker"] == "redis://cache.example:6379/0"
