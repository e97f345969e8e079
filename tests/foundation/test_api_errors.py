"""Every API error is JSON {"error": {"code", "message"}}: 401 without credentials, 405, 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tokens import issue_token
from tests.foundation.conftest import bearer, error_of

PROTECTED = [
    ("get", "/api/auth/tokens"),
    ("delete", "/api/auth/tokens/1"),
    ("get", "/api/personas/"),
    ("get", "/api/conversations/"),
    ("post", "/api/conversations/"),
    ("get", "/api/conversations/1/"),
    ("put", "/api/conversations/1/rating"),
    ("put", "/api/turns/1/rating"),
]


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_no_credentials_is_a_typed_401(client, db, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_wrong_method_is_a_typed_405(client, alice):
    response = client.delete(reverse("api:persona-list"), headers=bearer(issue_token(alice).secret))

    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"


def test_malformed_json_is_a_typed_400(client, alice, persona):
    response = client.post(
        reverse("api:conversation-list"),
        "{not json",
        content_type="application/json",
        headers=bearer(issue_token(alice).secret),
    )

    assert response.status_code == 400 and error_of(response)["code"] == "invalid"


def test_the_session_counts_as_credentials(alice_client):
    assert alice_client.get(reverse("api:conversation-list")).status_code == 200
