"""Production settings pass `manage.py check --deploy` with no warnings; bad settings fail at start-up."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


def production(**extra: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "project.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "avatar.example.com",
        **extra,
    }


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **production())

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr + result.stdout and "?: (security" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production()
    del env["SECRET_KEY"]

    result = manage("check", tmp_path=tmp_path, **env)

    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def test_a_bad_setting_stops_start_up_with_its_name(tmp_path):
    result = manage("check", tmp_path=tmp_path, **production(VAD_THRESHOLD="loud"))

    assert result.returncode != 0
    assert "ImproperlyConfigured: VAD_THRESHOLD must be a number, got 'loud'" in result.stderr
