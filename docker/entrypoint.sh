#!/bin/sh
# Container entrypoint. APP_ROLE (web, worker, beat) is set per service in compose.yaml.
# Only the web role migrates; replicas take a PostgreSQL advisory lock so that
# `--scale web=N` runs each migration once.
set -eu

if [ "${APP_ROLE:-web}" = "web" ]; then
    python /app/docker/migrate.py
    # nginx serves /static from a shared volume: publish this image's hashed files
    # there (old hashed names stay, so pages from older replicas keep working).
    if [ -d /srv/static ] && [ -w /srv/static ]; then
        cp -R /app/staticfiles/. /srv/static/
    fi
fi

exec "$@"
