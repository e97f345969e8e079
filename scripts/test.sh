#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL and Redis (started if needed).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/services.sh
# A database name per run, so parallel runs never share (or drop) each other's test database.
export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/avatar_talk_$$}"
export REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
export TEST_ARTIFACTS="${TEST_ARTIFACTS:-$PWD/test-artifacts}"
mkdir -p "$TEST_ARTIFACTS"

.venv/bin/ruff check .
(cd frontend && npm test --silent)
set +e
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
status=$?
set -e
# Threads of the live servers may still hold a connection when pytest drops its database.
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS test_avatar_talk_$$ WITH (FORCE)" >/dev/null 2>&1 || true
fi
# pytest exits 5 when nothing ran: that is a failure here, not a pass.
if [ "$status" -eq 5 ]; then echo "No tests ran." >&2; exit 1; fi
exit "$status"
