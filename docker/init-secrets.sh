#!/bin/sh
# Creates the docker secrets and a self-signed TLS pair for docker/compose.yaml.
# Existing files are kept, so running it again changes nothing.
#   sh docker/init-secrets.sh [host-name]      (default host: localhost)
# Put a real certificate in docker/certs/ (fullchain.pem, privkey.pem) for production.
set -eu
cd "$(dirname "$0")"
SECRETS_DIR="${SECRETS_DIR:-secrets}"
CERTS_DIR="${CERTS_DIR:-certs}"
HOST="${1:-localhost}"
umask 077
mkdir -p "$SECRETS_DIR" "$CERTS_DIR"
chmod 0700 "$SECRETS_DIR"

write_once() { # file, value
    [ -e "$1" ] || printf '%s\n' "$2" > "$1"
}

write_once "$SECRETS_DIR/secret_key" "$(openssl rand -base64 48 | tr -d '\n')"
write_once "$SECRETS_DIR/postgres_password" "$(openssl rand -hex 24)"
write_once "$SECRETS_DIR/database_url" \
    "postgres://avatar:$(cat "$SECRETS_DIR/postgres_password")@postgres:5432/avatar"
write_once "$SECRETS_DIR/grafana_admin_password" "$(openssl rand -hex 16)"
# Empty: no OpenAI key (a local LLM via OPENAI_BASE_URL, or the offline responder).
[ -e "$SECRETS_DIR/openai_api_key" ] || : > "$SECRETS_DIR/openai_api_key"

if [ ! -e "$CERTS_DIR/fullchain.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
        -keyout "$CERTS_DIR/privkey.pem" -out "$CERTS_DIR/fullchain.pem" \
        -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" 2>/dev/null
fi
# Compose bind-mounts secrets with their host mode and the app runs as uid 10001, so
# the files are world-readable and the folder (0700) is what keeps them private.
chmod 0644 "$SECRETS_DIR"/* "$CERTS_DIR/fullchain.pem"
chmod 0600 "$CERTS_DIR/privkey.pem"
echo "Secrets in $SECRETS_DIR/, certificate for $HOST in $CERTS_DIR/."
