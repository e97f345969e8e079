"""Changing one's password keeps the session and retires the old password."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import reverse

URL = reverse("accounts:password_change")


def test_password_change_replaces_the_password(alice_client, alice):
    assert alice_client.get(URL).status_code == 200

    response = alice_client.post(
        URL, {"old_password": "alice-password-1", "new_password1": "quiet-river-77", "new_password2": "quiet-river-77"}
    )

    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change_done")
    assert alice_client.get(response["Location"]).status_code == 200
    alice = User.objects.get(pk=alice.pk)
    assert alice.check_password("quiet-river-77") and not alice.check_password("alice-password-1")
    # The session survives the change.
    assert alice_client.get(reverse("conversations:history")).status_code == 200


def test_a_wrong_old_password_is_a_field_error(alice_client, alice):
    response = alice_client.post(
        URL, {"old_password": "wrong", "new_password1": "quiet-river-77", "new_password2": "quiet-river-77"}
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    assert User.objects.get(pk=alice.pk).check_password("alice-password-1")


def test_password_change_needs_a_login(client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))
