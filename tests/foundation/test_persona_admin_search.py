"""The persona admin list: search by name/prompt and filter by active, language, voice, avatar."""

from __future__ import annotations

import pytest
from django.urls import reverse

from personas.models import Persona

URL = reverse("admin:personas_persona_changelist")


@pytest.fixture
def cast(persona):
    mina = Persona.objects.create(
        name="Mina", slug="mina", system_prompt="You are a calm teacher.", language="en", tts_backend="gpt_sovits"
    )
    old = Persona.objects.create(name="Old Bot", slug="old-bot", system_prompt="retired", is_active=False)
    return {"haru": persona, "mina": mina, "old": old}


def shown(admin_client_, **query) -> set[str]:
    response = admin_client_.get(URL, query)
    assert response.status_code == 200
    return {persona.slug for persona in response.context["cl"].result_list}


def test_search_matches_name_slug_and_system_prompt(admin_client_, cast):
    assert shown(admin_client_, q="mina") == {"mina"}
    assert shown(admin_client_, q="calm teacher") == {"mina"}
    assert shown(admin_client_, q="버튜버") == {"haru"}
    assert shown(admin_client_, q="nobody-has-this") == set()


def test_filters_by_active_language_and_tts_backend(admin_client_, cast):
    assert shown(admin_client_, is_active__exact="0") == {"old-bot"}
    assert shown(admin_client_, is_active__exact="1") == {"haru", "mina"}
    assert shown(admin_client_, language__exact="en") == {"mina"}
    assert shown(admin_client_, tts_backend__exact="gpt_sovits") == {"mina"}
    assert shown(admin_client_, avatar_style__exact="default") == {"haru", "mina", "old-bot"}


def test_the_filter_sidebar_offers_each_filter(admin_client_, cast):
    page = admin_client_.get(URL).content.decode()

    for parameter in ("is_active__exact", "language__exact", "tts_backend__exact", "avatar_style__exact"):
        assert parameter in page
