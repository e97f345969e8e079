"""Base models shared by client messages and server events."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field


def _require_type(schema: dict[str, Any]) -> None:
    """Mark `type` required in the schema although models give it a default."""
    if "type" in schema.get("properties", {}):
        required = schema.setdefault("required", [])
        if "type" not in required:
            required.insert(0, "type")


class _Message(BaseModel):
    """Base of every wire message: unknown fields are an error, in both directions."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_require_type)


class _ClientMessage(_Message):
    """Client input is validated strictly: no "16000" for 16000, no true for 1."""

    model_config = ConfigDict(strict=True)


TurnNumber = Annotated[int, Field(ge=0, description="Turn number within the conversation.")]
SampleCount = Annotated[int, Field(ge=0)]
