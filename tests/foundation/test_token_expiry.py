"""Expired, unknown and malformed tokens get a 401 with a typed JSON error."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.tokens import issue_token
from tests.foundation.conftest import bearer, error_of

URL = reverse("api:conversation-list")


def test_an_expired_token_is_refused_with_token_expired(client, alice):
    issued = issue_token(alice)
    assert client.get(URL, headers=bearer(issued.secret)).status_code == 200

    issued.token.expires_at = timezone.now() - timedelta(seconds=1)
    issued.token.save()
    response = client.get(URL, headers=bearer(issued.secret))

    assert response.status_code == 401
    assert error_of(response) == {"code": "token_expired", "message": "The token has expired."}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_refused(client, db):
    response = client.get(URL, headers=bearer("avt_" + "x" * 43))

    assert response.status_code == 401 and error_of(response)["code"] == "token_unknown"


def test_a_malformed_token_is_refused(client, db):
    wrong_prefix = client.get(URL, headers=bearer("abc"))
    two_parts = client.get(URL, headers={"Authorization": "Bearer avt_a avt_b"})

    assert wrong_prefix.status_code == 401 and error_of(wrong_prefix)["code"] == "token_malformed"
    assert two_parts.status_code == 401 and error_of(two_parts)["code"] == "token_malformed"


def test_a_deactivated_users_token_is_refused(client, alice):
    secret = issue_token(alice).secret
    alice.is_active = False
    alice.save()

    response = client.get(URL, headers=bearer(secret))

    assert response.status_code == 401 and error_of(response)["code"] == "token_inactive_user"
