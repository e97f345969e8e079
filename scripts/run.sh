#!/usr/bin/env bash
# Starts the app on its embedded default (SQLite, in-memory channel layer, eager Celery,
# offline voices) at http://127.0.0.1:8000. Environment variables switch each part (README).
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py bootstrap
.venv/bin/python manage.py voice_status
echo "Open http://${HOST:-127.0.0.1}:${PORT:-8000}"
exec .venv/bin/python -m daphne -b "${HOST:-127.0.0.1}" -p "${PORT:-8000}" project.asgi:application
