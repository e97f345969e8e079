"""Logging in with the form and out with a POST."""

from __future__ import annotations

from django.urls import reverse


def test_login_with_the_right_password_opens_a_session(client, alice):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'name="password"' in page.content.decode()

    response = client.post(reverse("login"), {"username": "alice", "password": "alice-password-1"})

    assert response.status_code == 302 and response["Location"] == reverse("personas:picker")
    assert client.get(reverse("conversations:history")).status_code == 200


def test_login_follows_next(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "alice-password-1", "next": "/conversations/"}
    )

    assert response["Location"] == "/conversations/"


def test_a_wrong_password_shows_an_error_and_no_session(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login(client, db):
    for url in (reverse("personas:picker"), reverse("conversations:history"), reverse("accounts:tokens")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_logout_is_a_post_that_ends_the_session(alice_client):
    assert alice_client.get(reverse("logout")).status_code == 405

    response = alice_client.post(reverse("logout"))

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert alice_client.get(reverse("conversations:history")).status_code == 302


def test_the_header_logs_out_with_a_post_form(alice_client):
    page = alice_client.get(reverse("personas:picker")).content.decode()

    assert f'<form method="post" action="{reverse("logout")}">' in page
