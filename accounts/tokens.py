"""Issuing and checking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from accounts.models import ApiToken

TOKEN_PREFIX = "avt_"


class TokenRejected(Exception):
    """The presented token is unknown, expired or revoked; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    """Return the stored form of a token secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(user: AbstractBaseUser, name: str = "", ttl_days: int | None = None) -> IssuedToken:
    """Create a token for `user`; the returned secret is never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    days = ttl_days or settings.API_TOKEN_TTL_DAYS
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        key_hash=hash_secret(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        expires_at=timezone.now() + timedelta(days=days),
    )
    return IssuedToken(token=token, secret=secret)


def authenticate_token(secret: str) -> ApiToken:
    """Return the active token for `secret` or raise TokenRejected."""
    if not secret.startswith(TOKEN_PREFIX):
        raise TokenRejected("malformed")
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=hash_secret(secret))
    except ApiToken.DoesNotExist:
        raise TokenRejected("unknown") from None
    if token.revoked_at is not None:
        raise TokenRejected("revoked")
    if token.is_expired:
        raise TokenRejected("expired")
    if not token.user.is_active:
        raise TokenRejected("inactive_user")
    # Written at most once a minute so a busy client doesn't write on every request.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
