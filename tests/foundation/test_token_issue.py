"""POST /api/auth/token: a token shown once, stored hashed, accepted as Bearer."""

from __future__ import annotations

import hashlib

from django.urls import reverse

from accounts.models import ApiToken
from tests.foundation.conftest import bearer, error_of

URL = reverse("api:token-issue")


def issue(client, username="alice", password="alice-password-1", **extra):
    return client.post(URL, {"username": username, "password": password, **extra}, content_type="application/json")


def test_token_is_issued_once_and_stored_only_as_a_hash(client, alice):
    response = issue(client, name="Unity on my PC")

    assert response.status_code == 201
    body = response.json()
    secret = body["token"]
    assert secret.startswith("avt_") and len(secret) > 40
    token = ApiToken.objects.get(pk=body["id"])
    assert token.user == alice and token.name == "Unity on my PC" and body["active"] is True
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and secret != token.prefix
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert secret not in stored


def test_the_token_works_as_bearer_on_the_api(client, alice, persona):
    secret = issue(client).json()["token"]

    response = client.get(reverse("api:persona-list"), headers=bearer(secret))

    assert response.status_code == 200 and response.json()[0]["slug"] == "haru"
    assert ApiToken.objects.get(user=alice).last_used_at is not None
    created = client.post(reverse("api:conversation-list"), {"persona": "haru"}, headers=bearer(secret))
    assert created.status_code == 201
    assert alice.conversations.count() == 1


def test_wrong_credentials_get_a_typed_401(client, alice):
    response = issue(client, password="wrong")

    assert response.status_code == 401
    assert error_of(response)["code"] == "bad_credentials"
    assert not ApiToken.objects.exists()


def test_missing_fields_are_field_errors(client, db):
    response = client.post(URL, {"username": "alice"}, content_type="application/json")

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid" and "password" in error["fields"]


def test_an_inactive_user_gets_no_token(client, alice):
    alice.is_active = False
    alice.save()

    assert issue(client).status_code == 401


def test_the_tokens_page_shows_a_new_secret_only_once(alice_client, alice):
    created = alice_client.post(reverse("accounts:tokens"), {"name": "Unity"})

    secret = created.context["new_secret"]
    assert secret.startswith("avt_") and secret in created.content.decode()
    token = ApiToken.objects.get(user=alice)
    assert token.name == "Unity"

    again = alice_client.get(reverse("accounts:tokens")).content.decode()
    assert secret not in again and token.prefix in again and "Unity" in again
