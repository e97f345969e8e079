"""Listing tokens shows one's own, with their state, never their secrets."""

from __future__ import annotations

from django.urls import reverse

from accounts.tokens import issue_token
from tests.foundation.conftest import bearer

URL = reverse("api:token-list")


def test_the_list_shows_own_tokens_without_secrets(client, alice, bob):
    first = issue_token(alice, name="Unity")
    second = issue_token(alice, name="Laptop")
    second.token.revoke()
    bobs = issue_token(bob, name="Bob's phone")

    response = client.get(URL, headers=bearer(first.secret))

    assert response.status_code == 200
    listed = {row["name"]: row for row in response.json()}
    assert set(listed) == {"Unity", "Laptop"}
    assert listed["Unity"]["active"] is True and listed["Laptop"]["active"] is False
    assert listed["Laptop"]["revoked_at"] is not None
    assert set(listed["Unity"]) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "active",
    }
    text = response.content.decode()
    for secret in (first.secret, second.secret, bobs.secret):
        assert secret not in text
    assert first.token.key_hash not in text and bobs.token.prefix not in text


def test_the_tokens_page_lists_prefixes_not_secrets(alice_client, alice, bob):
    mine = issue_token(alice, name="Unity")
    theirs = issue_token(bob, name="Bob's phone")

    page = alice_client.get(reverse("accounts:tokens")).content.decode()

    assert mine.token.prefix in page and "Unity" in page
    assert mine.secret not in page and mine.token.key_hash not in page
    assert theirs.token.prefix not in page
