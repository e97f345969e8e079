"""Revoking tokens: by the owner (API and page), by an admin; never someone else's."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import issue_token
from tests.foundation.conftest import bearer, error_of

PROBE = reverse("api:persona-list")


def assert_revoked(client, secret: str) -> None:
    response = client.get(PROBE, headers=bearer(secret))
    assert response.status_code == 401
    assert error_of(response) == {"code": "token_revoked", "message": "The token has been revoked."}


def test_owner_revokes_through_the_api(client, alice):
    issued = issue_token(alice)

    response = client.delete(reverse("api:token-revoke", args=[issued.token.pk]), headers=bearer(issued.secret))

    assert response.status_code == 204
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None
    assert_revoked(client, issued.secret)


def test_owner_revokes_on_the_tokens_page(alice_client, alice, client):
    issued = issue_token(alice)

    response = alice_client.post(reverse("accounts:token-revoke", args=[issued.token.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("accounts:tokens")
    assert_revoked(client, issued.secret)
    page = alice_client.get(reverse("accounts:tokens")).content.decode()
    assert "revoked" in page


def test_revoking_on_the_page_needs_a_post(alice_client, alice):
    token = issue_token(alice).token

    assert alice_client.get(reverse("accounts:token-revoke", args=[token.pk])).status_code == 405
    assert ApiToken.objects.get(pk=token.pk).is_active


def test_admin_revokes_with_the_changelist_action(admin_client_, alice, client):
    issued = issue_token(alice)
    other = issue_token(alice)

    response = admin_client_.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [issued.token.pk]},
    )

    assert response.status_code == 302
    assert_revoked(client, issued.secret)
    assert client.get(PROBE, headers=bearer(other.secret)).status_code == 200


def test_a_user_cannot_revoke_someone_elses_token(bob_client, alice, bob, client):
    alices = issue_token(alice)
    bobs = issue_token(bob)

    api = client.delete(reverse("api:token-revoke", args=[alices.token.pk]), headers=bearer(bobs.secret))
    page = bob_client.post(reverse("accounts:token-revoke", args=[alices.token.pk]))

    assert api.status_code == 404 and error_of(api)["code"] == "not_found"
    assert page.status_code == 404
    assert ApiToken.objects.get(pk=alices.token.pk).is_active
    assert client.get(PROBE, headers=bearer(alices.secret)).status_code == 200
