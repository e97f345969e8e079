"""DRF authentication with `Authorization: Bearer <token>`."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.tokens import TokenRejected, authenticate_token

_MESSAGES = {
    "malformed": "The token is malformed.",
    "unknown": "The token is not valid.",
    "revoked": "The token has been revoked.",
    "expired": "The token has expired.",
    "inactive_user": "The token's user is inactive.",
}


class TokenAuthFailed(exceptions.AuthenticationFailed):
    def __init__(self, reason: str) -> None:
        super().__init__(_MESSAGES.get(reason, "The token is not valid."))
        self.error_code = f"token_{reason}"


def token_rejection_message(reason: str) -> str:
    """Return the user-facing message for a token rejection reason."""
    return _MESSAGES.get(reason, "The token is not valid.")


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise TokenAuthFailed("malformed")
        try:
            token = authenticate_token(parts[1].decode("latin-1"))
        except TokenRejected as rejected:
            raise TokenAuthFailed(rejected.reason) from None
        request.api_token = token
        return (token.user, token)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
