"""Every persona edit is recorded: who, when, and each changed field's old and new value."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from personas import services
from personas.models import Persona, PersonaRevision
from tests.foundation.conftest import persona_form, persona_form_of

FINE_TUNED = "ft:gpt-4o-mini-2024-07-18:org::abc123"


def test_creating_in_the_admin_records_a_revision(admin_client_, admin_user_):
    response = admin_client_.post(reverse("admin:personas_persona_add"), persona_form())

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    mina = Persona.objects.get(slug="mina")
    revision = mina.revisions.get()
    assert revision.changed_by == admin_user_ and revision.changed_at is not None
    assert revision.changes["name"] == [None, "Mina"]
    assert revision.changes["system_prompt"] == [None, "너는 차분한 선생님 미나야."]


def test_editing_in_the_admin_records_only_what_changed(admin_client_, admin_user_, persona):
    old_prompt = persona.system_prompt
    url = reverse("admin:personas_persona_change", args=[persona.pk])

    response = admin_client_.post(url, persona_form_of(persona, system_prompt="너는 수줍은 하루야.", pitch="60"))

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    revision = persona.revisions.get()
    assert revision.changed_by == admin_user_
    assert revision.changes == {"system_prompt": [old_prompt, "너는 수줍은 하루야."], "pitch": [50, 60]}


def test_saving_without_changes_records_nothing(admin_client_, persona):
    url = reverse("admin:personas_persona_change", args=[persona.pk])

    assert admin_client_.post(url, persona_form_of(persona)).status_code == 302

    assert not persona.revisions.exists()


def test_the_revision_inline_shows_who_changed_what(admin_client_, persona):
    url = reverse("admin:personas_persona_change", args=[persona.pk])
    admin_client_.post(url, persona_form_of(persona, greeting="반가워요!"))

    page = admin_client_.get(url).content.decode()

    assert "What changed" in page
    assert "<b>greeting</b>:  → 반가워요!" in page
    assert "root" in page


def test_set_llm_model_accepts_a_fine_tuned_id_and_records_it(persona, admin_user_):
    updated = services.set_llm_model(persona, FINE_TUNED, admin_user_)

    assert Persona.objects.get(pk=persona.pk).llm_model == FINE_TUNED == updated.llm_model
    revision = persona.revisions.get()
    assert revision.changes == {"llm_model": ["", FINE_TUNED]}
    assert revision.changed_by == admin_user_
    assert revision.note == f"LLM model set to {FINE_TUNED}"


@pytest.mark.parametrize("garbage", ["gpt 4o", "-model", "ft:gpt;drop table", "x" * 201])
def test_set_llm_model_refuses_garbage_and_changes_nothing(persona, admin_user_, garbage):
    persona.llm_model = "gpt-4o-mini"
    persona.save()

    with pytest.raises(ValidationError):
        services.set_llm_model(persona, garbage, admin_user_)

    assert Persona.objects.get(pk=persona.pk).llm_model == "gpt-4o-mini"
    assert not PersonaRevision.objects.exists()


def test_the_admin_accepts_a_fine_tuned_id_and_refuses_garbage(admin_client_, persona):
    url = reverse("admin:personas_persona_change", args=[persona.pk])

    bad = admin_client_.post(url, persona_form_of(persona, llm_model="not a model!"))
    assert bad.status_code == 200 and "llm_model" in bad.context["adminform"].form.errors

    good = admin_client_.post(url, persona_form_of(persona, llm_model=FINE_TUNED))
    assert good.status_code == 302
    assert persona.revisions.get().changes == {"llm_model": ["", FINE_TUNED]}


def test_revisions_are_read_only_in_the_admin(admin_client_, persona, admin_user_):
    revision = services.set_llm_model(persona, FINE_TUNED, admin_user_).revisions.get()
    url = reverse("admin:personas_personarevision_change", args=[revision.pk])

    page = admin_client_.get(url)
    admin_client_.post(url, {"note": "tampered"})

    assert page.status_code == 200 and FINE_TUNED in page.content.decode()
    assert PersonaRevision.objects.get(pk=revision.pk).note != "tampered"
