"""Websocket authentication: API token (header or subprotocol) or the browser session.

Failures are not refused here: the consumer accepts and then closes with a documented
4401/4403 code, because a refusal during the handshake reaches clients as a bare 403.
"""

from __future__ import annotations

from urllib.parse import urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from accounts.tokens import TokenRejected, authenticate_token

TOKEN_SUBPROTOCOL_PREFIX = "bearer."
PROTOCOL_SUBPROTOCOL = "avatar.v1"


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def presented_token(scope: dict) -> str | None:
    """The bearer token from the Authorization header or the `bearer.<token>` subprotocol."""
    authorization = _header(scope, b"authorization")
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    for subprotocol in scope.get("subprotocols", []):
        if subprotocol.startswith(TOKEN_SUBPROTOCOL_PREFIX):
            return subprotocol[len(TOKEN_SUBPROTOCOL_PREFIX) :]
    return None


def origin_allowed(origin: str | None) -> bool:
    """Browsers must come from an allowed origin; clients without Origin are native."""
    if origin is None:
        return True
    host = urlparse(origin).hostname or ""
    if settings.WS_ALLOWED_ORIGINS:
        return origin in settings.WS_ALLOWED_ORIGINS or "*" in settings.WS_ALLOWED_ORIGINS
    allowed = {entry.strip("[]") for entry in settings.ALLOWED_HOSTS}
    return (
        "*" in allowed
        or host in allowed
        or any(entry.startswith(".") and (host == entry[1:] or host.endswith(entry)) for entry in allowed)
    )


@database_sync_to_async
def _user_for_token(secret: str):
    token = authenticate_token(secret)
    return token.user


class TokenOrSessionAuthMiddleware:
    """Sets scope['user'], scope['auth_method'] and scope['auth_failure'] for the consumer."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.session_stack = AuthMiddlewareStack(inner)

    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        scope["origin_ok"] = origin_allowed(_header(scope, b"origin"))
        secret = presented_token(scope)
        if secret is None:
            scope["auth_method"] = "session"
            scope["auth_failure"] = None
            return await self.session_stack(scope, receive, send)
        scope["auth_method"] = "token"
        try:
            scope["user"] = await _user_for_token(secret)
            scope["auth_failure"] = None
        except TokenRejected as rejected:
            scope["user"] = AnonymousUser()
            scope["auth_failure"] = rejected.reason
        return await self.inner(scope, receive, send)
