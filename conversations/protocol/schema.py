"""The protocol as one JSON Schema document (docs/protocol.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from conversations.protocol.audio import AUDIO_HEADER
from conversations.protocol.client import _CLIENT_ADAPTER
from conversations.protocol.constants import FRAME_MS_MAX, FRAME_MS_MIN, PROTOCOL_VERSION, CloseCode
from conversations.protocol.events import _SERVER_ADAPTER

_SCHEMA_DESCRIPTION = (
    "Avatar conversation protocol v1 over one websocket. JSON text frames carry the "
    "messages below (ClientMessage: client to server; ServerEvent: server to client). "
    "Client binary frames are raw PCM16 little-endian mono at start.audio.sample_rate, "
    f"{FRAME_MS_MIN}-{FRAME_MS_MAX} ms each, no header. Server binary frames are a "
    f"{AUDIO_HEADER.size}-byte little-endian header followed by PCM16 LE mono: "
    "version u8 (=1), flags u8 (bit 0: last chunk of the turn), reserved u16 (=0), "
    "turn u32, seq u32 (0, 1, 2... per turn), sample_rate u32, first_sample u32 "
    "(offset of the chunk's first sample within the turn's audio). `visemes` and "
    "`expression` events for chunk `seq` precede that chunk's binary frame. "
    "Close codes: " + ", ".join(f"{int(code)} {code.name.lower()}" for code in CloseCode) + ". See docs/protocol.md."
)


def _group_schema(adapter: TypeAdapter[Any], defs: dict[str, Any]) -> dict[str, Any]:
    """One union's schema with its model definitions moved into the shared `defs`."""
    schema = adapter.json_schema(ref_template="#/$defs/{model}")
    # Ajv's `discriminator` support refuses `mapping`; every variant's `type` const suffices.
    schema["discriminator"].pop("mapping", None)
    for name, definition in schema.pop("$defs", {}).items():
        if defs.setdefault(name, definition) != definition:
            raise RuntimeError(f"two different schema definitions are named {name}")
    return schema


def json_schema() -> dict[str, Any]:
    """The whole protocol as one JSON Schema (draft 2020-12) document."""
    defs: dict[str, Any] = {}
    client = _group_schema(_CLIENT_ADAPTER, defs)
    server = _group_schema(_SERVER_ADAPTER, defs)
    # "type": "object" on the groups: Ajv's discriminator otherwise lets non-objects through.
    defs["ClientMessage"] = {"description": "A client-to-server JSON text frame.", **client}
    defs["ServerEvent"] = {"description": "A server-to-client JSON text frame.", **server}
    for group in ("ClientMessage", "ServerEvent"):
        defs[group]["type"] = "object"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://avatar-talk.local/protocol/v1.schema.json",
        "title": f"Avatar conversation protocol v{PROTOCOL_VERSION}",
        "description": _SCHEMA_DESCRIPTION,
        "oneOf": [{"$ref": "#/$defs/ClientMessage"}, {"$ref": "#/$defs/ServerEvent"}],
        "$defs": dict(sorted(defs.items())),
    }


def schema_text() -> str:
    """The schema exactly as checked in at docs/protocol.schema.json."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
