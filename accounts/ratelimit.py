"""Fixed-window attempt counting in the cache, against password guessing."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured


def _limit() -> tuple[int, int]:
    try:
        attempts, seconds = (int(part) for part in settings.AUTH_RATE_LIMIT.split("/"))
    except ValueError:
        raise ImproperlyConfigured("AUTH_RATE_LIMIT must look like '10/300'") from None
    return attempts, seconds


def _key(scope: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{window}"


def is_limited(client_ip: str, username: str) -> bool:
    """Whether failed attempts from this address or for this username exceed the limit."""
    attempts, seconds = _limit()
    window = int(time.time() // seconds)
    keys = [_key("ip", client_ip, window), _key("user", username, window)]
    return any((cache.get(key) or 0) >= attempts for key in keys if key)


def record_failure(client_ip: str, username: str) -> None:
    """Count one failed attempt for the address and the username."""
    _attempts, seconds = _limit()
    window = int(time.time() // seconds)
    for key in (_key("ip", client_ip, window), _key("user", username, window)):
        cache.add(key, 0, timeout=seconds)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=seconds)


def client_ip(meta: dict) -> str:
    """The client's address as Django sees it (the proxy sets REMOTE_ADDR via Daphne)."""
    return meta.get("REMOTE_ADDR") or "unknown"
