"""Settings for every environment, read from environment variables (see README's table).

With nothing set the app runs on its embedded default: SQLite, the in-memory channel
layer, eager Celery and offline voices. DATABASE_URL and REDIS_URL switch to
PostgreSQL, channels-redis and Celery on Redis.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from project.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off")
    # Development only: a per-checkout key so sessions survive restarts.
    SECRET_KEY = "dev-insecure-" + str(BASE_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A realtime socket that sends nothing for this long is closed with 4408.
WS_IDLE_TIMEOUT_S = env_float("WS_IDLE_TIMEOUT_S", 300.0, minimum=1.0)
# Browser origins allowed to open the realtime socket; empty means "same host as ALLOWED_HOSTS".
WS_ALLOWED_ORIGINS = env_list("WS_ALLOWED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "channels",
    "accounts",
    "personas",
    "conversations",
    "feedback",
    "backups",
]

MIDDLEWARE = [
    "project.probes.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
ASGI_APPLICATION = "project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_secret("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            # SQLite serialises writers; a generous timeout avoids "database is locked"
            # when the realtime consumer and a page write at once.
            "OPTIONS": {"timeout": 20},
            # A file, not memory, so a live Daphne process in the tests sees the test data.
            "TEST": {"NAME": str(VAR_DIR / "test-db.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_secret("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE: dict = {}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "personas:picker"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "ko")
LANGUAGES = [("ko", "한국어"), ("en", "English")]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"] if (BASE_DIR / "frontend" / "dist").is_dir() else []
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads above this size are refused with a clear form error.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "project.api_errors.typed_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Avatar Talk API",
    "DESCRIPTION": "JSON API for the web viewer and the Unity client. Realtime: docs/protocol.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# API tokens for non-browser clients.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30, minimum=1, maximum=365)
# "attempts/seconds" for login and token endpoints, per client address and per username.
AUTH_RATE_LIMIT = env_str("AUTH_RATE_LIMIT", "10/300")

# --- Realtime voice pipeline -------------------------------------------------------
VOICE_STT_PROVIDER = env_choice("VOICE_STT_PROVIDER", "faster_whisper", ("faster_whisper", "openai", "none"))
VOICE_STT_MODEL = env_str("VOICE_STT_MODEL", "small")
VOICE_STT_DEVICE = env_str("VOICE_STT_DEVICE", "cpu")
VOICE_STT_COMPUTE_TYPE = env_str("VOICE_STT_COMPUTE_TYPE", "int8")
VOICE_STT_BASE_URL = env_str("VOICE_STT_BASE_URL")
VOICE_STT_API_KEY = env_secret("VOICE_STT_API_KEY")
VOICE_STT_REMOTE_MODEL = env_str("VOICE_STT_REMOTE_MODEL", "whisper-1")

OPENAI_API_KEY = env_secret("OPENAI_API_KEY")
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL")
LLM_MODEL = env_str("LLM_MODEL", "gpt-4o-mini")
LLM_TIMEOUT_S = env_float("LLM_TIMEOUT_S", 30.0, minimum=1.0)
LLM_FIRST_TOKEN_TIMEOUT_S = env_float("LLM_FIRST_TOKEN_TIMEOUT_S", 10.0, minimum=0.5)
LLM_CONTEXT_MAX_TOKENS = env_int("LLM_CONTEXT_MAX_TOKENS", 3000, minimum=100)
LLM_CONTEXT_RECENT_TURNS = env_int("LLM_CONTEXT_RECENT_TURNS", 20, minimum=0)

VOICE_TTS_PROVIDER = env_choice("VOICE_TTS_PROVIDER", "espeak", ("espeak", "gpt_sovits", "openai", "none"))
GPT_SOVITS_URL = env_str("GPT_SOVITS_URL", "http://127.0.0.1:9880")
GPT_SOVITS_TIMEOUT_S = env_float("GPT_SOVITS_TIMEOUT_S", 30.0, minimum=1.0)
OPENAI_TTS_MODEL = env_str("OPENAI_TTS_MODEL", "gpt-4o-mini-tts")

VAD_THRESHOLD = env_float("VAD_THRESHOLD", 0.5, minimum=0.05, maximum=0.99)
VAD_MIN_SPEECH_MS = env_int("VAD_MIN_SPEECH_MS", 200, minimum=0)
VAD_END_SILENCE_MS = env_int("VAD_END_SILENCE_MS", 450, minimum=100, maximum=5000)
VAD_PRE_ROLL_MS = env_int("VAD_PRE_ROLL_MS", 300, minimum=0, maximum=2000)
VAD_WEBRTC_GATE = env_bool("VAD_WEBRTC_GATE", False)


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"daphne": {"level": "WARNING"}, "django.channels.server": {"level": "WARNING"}},
}

# Where the GPT-SoVITS container sees MEDIA_ROOT (a shared volume in docker/compose.yaml).
GPT_SOVITS_MEDIA_ROOT = env_str("GPT_SOVITS_MEDIA_ROOT", "/media")

# --- Feedback / retraining ---------------------------------------------------------
# Examples over this estimated token count are dropped from fine-tuning exports.
FEEDBACK_EXPORT_MAX_TOKENS = env_int("FEEDBACK_EXPORT_MAX_TOKENS", 4000, minimum=100)
# OpenAI refuses fine-tuning files with fewer than 10 examples.
FEEDBACK_EXPORT_MIN_EXAMPLES = env_int("FEEDBACK_EXPORT_MIN_EXAMPLES", 10, minimum=1)
# Periodic export on Celery beat; 0 hours (the default) turns it off.
FEEDBACK_EXPORT_EVERY_HOURS = env_int("FEEDBACK_EXPORT_EVERY_HOURS", 0, minimum=0)
FEEDBACK_EXPORT_PERIOD_DAYS = env_int("FEEDBACK_EXPORT_PERIOD_DAYS", 30, minimum=1)
FEEDBACK_EXPORT_MIN_RATING = env_int("FEEDBACK_EXPORT_MIN_RATING", 4, minimum=1, maximum=5)
FEEDBACK_FINETUNE_BASE_MODEL = env_str("FEEDBACK_FINETUNE_BASE_MODEL", "gpt-4o-mini-2024-07-18")
FEEDBACK_FINETUNE_POLL_SECONDS = env_int("FEEDBACK_FINETUNE_POLL_SECONDS", 120, minimum=10)
FEEDBACK_OPENAI_TIMEOUT_S = env_float("FEEDBACK_OPENAI_TIMEOUT_S", 120.0, minimum=1.0)
FEEDBACK_OPENAI_MAX_RETRIES = env_int("FEEDBACK_OPENAI_MAX_RETRIES", 2, minimum=0, maximum=10)
CELERY_BEAT_SCHEDULE["feedback-poll-finetune-jobs"] = {
    "task": "feedback.tasks.poll_finetune_jobs",
    "schedule": float(FEEDBACK_FINETUNE_POLL_SECONDS),
}
if FEEDBACK_EXPORT_EVERY_HOURS:
    CELERY_BEAT_SCHEDULE["feedback-periodic-export"] = {
        "task": "feedback.tasks.periodic_export",
        "schedule": FEEDBACK_EXPORT_EVERY_HOURS * 3600.0,
    }

# --- Backups ---
# manage.py backup / restore and the scheduled backup (backups.tasks.run_backup).
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
# Only the newest archives in BACKUP_DIR are kept; older ones are deleted after each backup.
BACKUP_KEEP = env_int("BACKUP_KEEP", 14, minimum=1)
# Periodic backup on Celery beat; 0 hours (the default) turns it off.
BACKUP_EVERY_HOURS = env_int("BACKUP_EVERY_HOURS", 0, minimum=0)
if BACKUP_EVERY_HOURS:
    CELERY_BEAT_SCHEDULE["backups-run-backup"] = {
        "task": "backups.tasks.run_backup",
        "schedule": BACKUP_EVERY_HOURS * 3600.0,
    }
