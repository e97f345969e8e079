"""`manage.py bootstrap`: an admin with a random password shown once, and the demo persona."""

from __future__ import annotations

import re
from io import StringIO

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command

from personas.models import Persona


def bootstrap() -> str:
    out = StringIO()
    call_command("bootstrap", stdout=out)
    return out.getvalue()


def test_first_run_creates_an_admin_with_a_printed_password_and_the_demo_persona(db):
    output = bootstrap()

    password = re.search(r"Created admin user 'admin' with password: (\S+)", output).group(1)
    assert len(password) >= 12
    admin = authenticate(username="admin", password=password)
    assert admin is not None and admin.is_superuser and admin.is_staff
    haru = Persona.objects.get(slug="haru")
    assert haru.language == "ko" and haru.system_prompt.strip() and haru.is_active
    assert "Created the demo persona 'haru'." in output


def test_second_run_prints_no_password_and_creates_nothing(db):
    first = bootstrap()
    password = re.search(r"with password: (\S+)", first).group(1)

    second = bootstrap()

    assert "password" not in second.lower() and password not in second
    assert User.objects.count() == 1 and Persona.objects.count() == 1
    assert User.objects.get().check_password(password)


def test_passwords_differ_between_installations(db):
    first = re.search(r"with password: (\S+)", bootstrap()).group(1)
    User.objects.all().delete()

    second = re.search(r"with password: (\S+)", bootstrap()).group(1)

    assert first != second


def test_an_existing_superuser_or_persona_is_left_alone(admin_user_, persona):
    output = bootstrap()

    assert output == ""
    assert not User.objects.filter(username="admin").exists()
    assert list(Persona.objects.all()) == [persona]
