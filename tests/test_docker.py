"""docker/: the production files parse and are wired together (no Docker engine here)."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKER = ROOT / "docker"
METRICS = (
    "avatar_stage_latency_seconds",
    "avatar_active_sessions",
    "avatar_errors_total",
    "avatar_interruptions_total",
)
REQUIRED_PRODUCTION = ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL", "REDIS_URL")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def nginx_conf() -> str:
    return (DOCKER / "nginx" / "default.conf").read_text()


def settings_variables() -> set[str]:
    """Names the settings modules read through the env_* helpers (env_secret also reads NAME_FILE)."""
    names: set[str] = set()
    for module in ("settings.py", "settings_production.py"):
        text = (ROOT / "project" / module).read_text()
        names |= set(re.findall(r'env_\w+\(\s*"([A-Z0-9_]+)"', text))
        names |= {f"{name}_FILE" for name in re.findall(r'env_secret\(\s*"([A-Z0-9_]+)"', text)}
    return names


def env_example() -> tuple[dict[str, str], set[str]]:
    """Active assignments of .env.example, and the names on commented-out `# NAME=` lines."""
    active, commented = {}, set()
    for line in (DOCKER / ".env.example").read_text().splitlines():
        if match := re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line):
            active[match[1]] = match[2]
        elif match := re.match(r"^#\s*([A-Z][A-Z0-9_]*)=", line):
            commented.add(match[1])
    return active, commented


def location_block(conf: str, prefix: str) -> str:
    match = re.search(r"location\s+" + re.escape(prefix) + r"\s*\{(.*?)\n\s*\}", conf, re.S)
    assert match, f"no location {prefix} in nginx conf"
    return match[1]


def web_environment(compose: dict) -> dict[str, str]:
    """What the web container sees: the env file, overridden by `environment:`."""
    environment = dict(env_example()[0])
    environment.update({key: str(value) for key, value in compose["services"]["web"]["environment"].items()})
    return environment


def test_compose_has_every_service_the_spec_names(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat", "redis", "postgres", "proxy", "prometheus", "grafana", "stt", "gpt-sovits"):
        assert name in services, name
    assert "mongodb" not in services
    assert services["llm"]["profiles"] == ["local-llm"]


def test_app_services_share_the_image_and_production_settings(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["build"] == {"context": "..", "dockerfile": "docker/Dockerfile"}
        assert service["env_file"] == ".env"
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "project.settings_production"
        assert {"postgres", "redis"} <= set(service["depends_on"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "project", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "project", "beat"]
    assert services["web"]["command"][0] == "daphne" and "--proxy-headers" in services["web"]["command"]


def test_web_is_stateless_and_can_scale(compose):
    web = compose["services"]["web"]
    assert "ports" not in web and "container_name" not in web, "fixed ports/names block --scale"
    assert web["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"


def test_web_points_at_postgres_and_redis_and_has_every_required_variable(compose):
    environment = web_environment(compose)
    assert environment["REDIS_URL"].startswith("redis://redis:6379")
    assert environment["DATABASE_URL_FILE"] == "/run/secrets/database_url"
    assert environment["SECRET_KEY_FILE"] == "/run/secrets/secret_key"
    for name in REQUIRED_PRODUCTION:
        assert environment.get(name) or environment.get(f"{name}_FILE"), name
    for secret in ("secret_key", "database_url"):
        assert secret in compose["services"]["web"]["secrets"]
        assert compose["secrets"][secret]["file"] == f"./secrets/{secret}"


def test_init_secrets_writes_a_database_url_for_the_postgres_service(tmp_path):
    secrets_dir, certs = tmp_path / "secrets", tmp_path / "certs"
    subprocess.run(
        ["sh", str(DOCKER / "init-secrets.sh"), "avatar.test"],
        env={"PATH": "/usr/bin:/bin", "SECRETS_DIR": str(secrets_dir), "CERTS_DIR": str(certs)},
        check=True,
        capture_output=True,
        timeout=60,
    )
    password = (secrets_dir / "postgres_password").read_text().strip()
    assert (secrets_dir / "database_url").read_text().strip() == f"postgres://avatar:{password}@postgres:5432/avatar"
    assert len((secrets_dir / "secret_key").read_text().strip()) >= 50
    assert (certs / "fullchain.pem").read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert (certs / "privkey.pem").stat().st_size > 0


def test_model_servers_are_wired_and_on_gpu(compose):
    services = compose["services"]
    environment = web_environment(compose)
    assert environment["VOICE_STT_PROVIDER"] == "openai"
    assert environment["VOICE_STT_BASE_URL"] == "http://stt:8000/v1"
    assert environment["GPT_SOVITS_URL"] == "http://gpt-sovits:9880"
    assert environment["GPT_SOVITS_MEDIA_ROOT"] == environment["MEDIA_ROOT"] == "/media"
    assert "media:/media:ro" in services["gpt-sovits"]["volumes"]
    assert "media:/media" in services["web"]["volumes"]
    assert "api_v2.py" in services["gpt-sovits"]["command"] and "9880" in services["gpt-sovits"]["command"]
    for name in ("stt", "gpt-sovits", "llm"):
        devices = services[name]["deploy"]["resources"]["reservations"]["devices"]
        assert devices[0]["capabilities"] == ["gpu"], name


def test_postgres_keeps_its_data_in_a_volume(compose):
    postgres = compose["services"]["postgres"]
    assert "pgdata:/var/lib/postgresql/data" in postgres["volumes"]
    assert "pgdata" in compose["volumes"]
    assert postgres["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"


def test_env_example_names_only_settings_the_app_or_compose_reads():
    active, commented = env_example()
    known = settings_variables()
    compose_text = (DOCKER / "compose.yaml").read_text()
    compose_only = set(re.findall(r"\$\{([A-Z0-9_]+)", compose_text))
    for name in set(active) | commented:
        assert name in known or name in compose_only, f"{name} is read by neither settings nor compose.yaml"
    # Every setting is documented somewhere in the file (active, commented or mentioned).
    text = (DOCKER / ".env.example").read_text()
    assert not {name for name in known if name not in text and not name.endswith("_FILE")}


def test_proxy_terminates_tls_and_upgrades_websockets(compose, nginx_conf):
    proxy = compose["services"]["proxy"]
    assert "./certs:/etc/nginx/certs:ro" in proxy["volumes"]
    assert {"static:/srv/static:ro", "media:/media:ro"} <= set(proxy["volumes"])
    assert re.search(r"listen 80 .*?return 301 https://\$host\$request_uri;", nginx_conf, re.S)
    assert "listen 443 ssl" in nginx_conf and "ssl_certificate /etc/nginx/certs/fullchain.pem;" in nginx_conf
    tls_server = nginx_conf[nginx_conf.index("listen 443 ssl") :]
    websocket = location_block(tls_server, "/ws/")
    assert "proxy_pass http://web;" in websocket
    assert "proxy_http_version 1.1;" in websocket
    assert "proxy_set_header Upgrade $http_upgrade;" in websocket
    assert "proxy_set_header Connection $connection_upgrade;" in websocket
    for block in (websocket, location_block(tls_server, "/")):
        assert "proxy_set_header X-Forwarded-Proto $scheme;" in block
        assert "proxy_set_header X-Forwarded-For" in block
        assert "proxy_set_header Host $host;" in block
    assert "alias /srv/static/;" in location_block(nginx_conf, "/static/")
    assert "alias /media/;" in location_block(nginx_conf, "/media/")
    assert "return 404;" in location_block(nginx_conf, "= /metrics")


def test_proxy_upstream_follows_every_web_replica(nginx_conf):
    assert "resolver 127.0.0.11" in nginx_conf
    assert re.search(r"upstream web \{[^}]*zone [^}]*server web:8000 resolve;", nginx_conf)


def test_dockerfile_builds_frontend_installs_lock_and_collects_static():
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert re.search(r"^FROM node:20\S* AS frontend", dockerfile, re.M)
    assert "npm ci" in dockerfile and "npm run build" in dockerfile
    assert re.search(r"^FROM python:3\.11-slim-bookworm", dockerfile, re.M)
    assert "COPY --from=frontend /src/frontend/dist ./frontend/dist" in dockerfile
    assert "COPY requirements.lock" in dockerfile and "pip install -r requirements.lock" in dockerfile
    assert not re.search(r"pip install[^\n]*torch", dockerfile)
    for package in ("espeak-ng", "libespeak-ng1", "ffmpeg"):
        assert package in dockerfile
    assert "DJANGO_SETTINGS_MODULE=project.settings_production" in dockerfile
    assert re.search(r"SECRET_KEY=\S+ .*\n?.*manage\.py collectstatic --noinput", dockerfile)
    assert re.search(r"^USER app$", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile and "healthcheck.py" in dockerfile
    assert "/healthz" in (DOCKER / "healthcheck.py").read_text()
    cmd = re.search(r"^CMD (.*)$", dockerfile, re.M)[1]
    assert json.loads(cmd) == ["daphne", "-b", "0.0.0.0", "-p", "8000", "--proxy-headers", "project.asgi:application"]
    assert "torch" not in (ROOT / "requirements.lock").read_text().lower().split()


def test_entrypoint_migrates_for_the_web_role_only():
    entrypoint = (DOCKER / "entrypoint.sh").read_text()
    assert re.search(r'if \[ "\$\{APP_ROLE:-web\}" = "web" \]; then\s+python /app/docker/migrate\.py', entrypoint)
    assert entrypoint.rstrip().endswith('exec "$@"')
    assert 'call_command("migrate"' in (DOCKER / "migrate.py").read_text()


def test_prometheus_scrapes_every_web_replica():
    config = yaml.safe_load((DOCKER / "prometheus" / "prometheus.yml").read_text())
    job = next(job for job in config["scrape_configs"] if job["job_name"] == "web")
    assert job["metrics_path"] == "/metrics"
    assert job["dns_sd_configs"] == [{"names": ["web"], "type": "A", "port": 8000, "refresh_interval": "15s"}]


def test_grafana_is_provisioned_with_the_dashboard(compose):
    provisioning = DOCKER / "grafana" / "provisioning"
    datasource = yaml.safe_load((provisioning / "datasources" / "prometheus.yaml").read_text())["datasources"][0]
    assert datasource["url"] == "http://prometheus:9090" and datasource["uid"] == "prometheus"
    provider = yaml.safe_load((provisioning / "dashboards" / "avatar-talk.yaml").read_text())["providers"][0]
    assert "./grafana/dashboards:" + provider["options"]["path"] + ":ro" in compose["services"]["grafana"]["volumes"]

    dashboard = json.loads((DOCKER / "grafana" / "dashboards" / "avatar-talk.json").read_text())
    queries = {panel["title"]: " ".join(t["expr"] for t in panel["targets"]) for panel in dashboard["panels"]}
    for quantile in ("0.5", "0.95"):
        assert any(
            f"histogram_quantile({quantile}" in expr and "avatar_stage_latency_seconds_bucket" in expr
            for expr in queries.values()
        )
    assert any("by (le, stage)" in expr for expr in queries.values())
    expressions = " ".join(queries.values())
    for metric in METRICS:
        assert metric in expressions, metric
    assert "sum by (code) (rate(avatar_errors_total" in expressions
    assert "rate(avatar_interruptions_total" in expressions
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == datasource["uid"]


def test_metric_names_match_the_app():
    metrics = ROOT / "conversations" / "metrics.py"
    if not metrics.exists():
        pytest.skip("conversations/metrics.py not present")
    text = metrics.read_text()
    for metric in METRICS:
        # prometheus_client adds the _total suffix to counters itself.
        assert f'"{metric.removesuffix("_total")}' in text, metric


def test_env_example_values_pass_the_production_settings(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text(secrets.token_urlsafe(64))
    environment = {
        **env_example()[0],
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "project.settings_production",
        "SECRET_KEY_FILE": str(secret),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
