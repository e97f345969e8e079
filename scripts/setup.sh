#!/usr/bin/env bash
# Sets everything up on a fresh Debian machine: Debian packages, Python venv, front-end build, database.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3-venv python3-dev build-essential
  espeak-ng libespeak-ng1 ffmpeg sox
  chromium fonts-noto-cjk
  mono-mcs mono-devel libnewtonsoft-json-cil-dev
  redis-server postgresql postgresql-client
)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Node.js may come from elsewhere (NodeSource ships npm inside nodejs): only add it if absent.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -r requirements.lock

(cd frontend && npm ci --no-audit --no-fund && npm run build)

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput -v0
echo "Set-up complete. Start the app with: bash scripts/run.sh"
