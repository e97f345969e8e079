"""Persona edits with their history."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.forms.models import model_to_dict

from personas.models import Persona, PersonaRevision

_TRACKED_EXCLUDE = {"id", "created_at", "updated_at"}


def snapshot(persona: Persona) -> dict[str, Any]:
    """The persona's editable fields as plain JSON values."""
    data = model_to_dict(persona, exclude=list(_TRACKED_EXCLUDE))
    data["avatar_vrm"] = persona.avatar_vrm.name or ""
    if persona.pk:
        data["reference_clips"] = {
            clip.emotion: f"{clip.audio.name or clip.server_path} | {clip.prompt_lang} | {clip.prompt_text}"
            for clip in persona.reference_clips.order_by("emotion")
        }
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def record_revision(
    persona: Persona, before: dict[str, Any] | None, user: AbstractBaseUser | None, note: str = ""
) -> PersonaRevision | None:
    """Store what changed since `before` (None: the persona was just created)."""
    after = snapshot(persona)
    changes = {key: [None, value] for key, value in after.items()} if before is None else diff(before, after)
    if not changes:
        return None
    return PersonaRevision.objects.create(persona=persona, changed_by=user, changes=changes, note=note)


@transaction.atomic
def set_llm_model(persona: Persona, model_id: str, user: AbstractBaseUser | None, note: str = "") -> Persona:
    """Switch the persona's LLM (e.g. to a fine-tuned model), recorded in its history."""
    persona = Persona.objects.select_for_update().get(pk=persona.pk)
    before = snapshot(persona)
    persona.llm_model = model_id
    persona.full_clean()
    persona.save()
    record_revision(persona, before, user, note=note or f"LLM model set to {model_id}")
    return persona
