"""Signing up: a valid form creates the account and logs in; bad input shows field errors."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import reverse

URL = reverse("accounts:signup")


def test_signup_creates_the_account_and_logs_in(client, db):
    response = client.post(URL, {"username": "carol", "password1": "mellow-otter-42", "password2": "mellow-otter-42"})

    assert response.status_code == 302 and response["Location"] == reverse("personas:picker")
    assert User.objects.get(username="carol").check_password("mellow-otter-42")
    picker = client.get(reverse("personas:picker"))
    assert picker.status_code == 200 and picker.context["user"].username == "carol"


def test_signup_page_renders_the_form(client, db):
    page = client.get(URL)

    assert page.status_code == 200
    assert 'name="username"' in page.content.decode() and 'name="password2"' in page.content.decode()


def test_mismatched_and_weak_passwords_are_field_errors_and_nothing_is_created(client, db):
    response = client.post(URL, {"username": "carol", "password1": "mellow-otter-42", "password2": "other-otter-42"})

    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()

    weak = client.post(URL, {"username": "carol", "password1": "12345678", "password2": "12345678"})
    assert "password2" in weak.context["form"].errors
    assert not User.objects.filter(username="carol").exists()


def test_a_taken_or_missing_username_is_a_field_error(client, alice):
    taken = client.post(URL, {"username": "alice", "password1": "mellow-otter-42", "password2": "mellow-otter-42"})
    missing = client.post(URL, {"username": "", "password1": "mellow-otter-42", "password2": "mellow-otter-42"})

    assert "username" in taken.context["form"].errors
    assert "username" in missing.context["form"].errors
    assert User.objects.count() == 1


def test_a_logged_in_user_is_sent_to_the_picker(alice_client):
    assert alice_client.get(URL)["Location"] == reverse("personas:picker")
