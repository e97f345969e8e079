"""Login page and token endpoint stop checking passwords after too many failures."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from tests.foundation.conftest import error_of


@pytest.fixture(autouse=True)
def three_attempts(settings):
    settings.AUTH_RATE_LIMIT = "3/300"


def login(client, password, username="alice", address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def token(client, password, username="alice", address="10.0.0.1"):
    return client.post(
        reverse("api:token-issue"),
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_login_page_answers_429_after_too_many_failures(client, alice):
    for _ in range(3):
        assert login(client, "wrong").status_code == 200

    refused = login(client, "alice-password-1")

    assert refused.status_code == 429
    assert "Too many failed log-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_limit_also_counts_per_username_across_addresses(client, alice):
    for number in range(3):
        login(client, "wrong", address=f"10.0.1.{number}")

    assert login(client, "alice-password-1", address="10.0.2.1").status_code == 429


def test_login_limit_also_counts_per_address_across_usernames(client, alice, bob):
    for name in ("carol", "dave", "erin"):
        login(client, "wrong", username=name)

    assert login(client, "bob-password-1", username="bob").status_code == 429
    # Another address is still welcome.
    assert login(client, "bob-password-1", username="bob", address="10.9.9.9").status_code == 302


def test_successful_logins_do_not_count(client, alice):
    for _ in range(5):
        assert login(client, "alice-password-1").status_code == 302
        client.post(reverse("logout"))


def test_token_endpoint_answers_429_with_a_typed_error(client, alice):
    for _ in range(3):
        assert token(client, "wrong").status_code == 401

    refused = token(client, "alice-password-1")

    assert refused.status_code == 429
    error = error_of(refused)
    assert error["code"] == "rate_limited"
    assert "Too many failed attempts" in error["message"]
    assert not ApiToken.objects.exists()


def test_the_limit_is_per_window_and_the_cache_resets_it(client, alice):
    from django.core.cache import cache

    for _ in range(3):
        token(client, "wrong")
    assert token(client, "alice-password-1").status_code == 429

    cache.clear()

    assert token(client, "alice-password-1").status_code == 201
