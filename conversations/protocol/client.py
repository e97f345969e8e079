"""Client → server messages and their strict decoder."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from conversations.protocol.base import SampleCount, TurnNumber, _ClientMessage
from conversations.protocol.constants import (
    MAX_CLIENT_SAMPLE_RATE,
    MAX_TEXT_CHARS,
    MAX_TEXT_FRAME_BYTES,
    MIN_CLIENT_SAMPLE_RATE,
    PROTOCOL_VERSION,
    ErrorCode,
    ProtocolError,
)


class AudioFormat(_ClientMessage):
    """The microphone stream the client will send as binary frames."""

    encoding: Literal["pcm_s16le"] = Field("pcm_s16le", description="PCM16 little-endian.")
    sample_rate: int = Field(
        ge=MIN_CLIENT_SAMPLE_RATE,
        le=MAX_CLIENT_SAMPLE_RATE,
        description="Hz; the server resamples to 16000.",
    )
    channels: Literal[1] = Field(1, description="Mono only.")


class StartMessage(_ClientMessage):
    """Begins (or resumes) the audio stream; must precede any binary frame."""

    type: Literal["start"] = "start"
    protocol: Literal[1] = Field(description="Protocol version; must be 1.")
    audio: AudioFormat
    mode: Literal["hands_free", "push_to_talk"] = Field(
        "hands_free", description="hands_free: server VAD ends turns; push_to_talk: commit."
    )
    client: str | None = Field(None, max_length=64, description='Client name/version, e.g. "web/1.0", "unity/1.0".')


class TextMessage(_ClientMessage):
    """A typed user utterance, answered like a spoken one."""

    type: Literal["text"] = "text"
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S", description="Not blank.")


class AudioCommitMessage(_ClientMessage):
    """Push-to-talk release: end the current utterance now."""

    type: Literal["audio.commit"] = "audio.commit"


class InterruptMessage(_ClientMessage):
    """User-initiated barge-in (e.g. a stop button)."""

    type: Literal["interrupt"] = "interrupt"
    turn: TurnNumber | None = Field(None, description="Turn being interrupted, if known.")
    played_samples: SampleCount | None = Field(None, description="Samples of that turn's audio already played.")


class PlaybackMessage(_ClientMessage):
    """How much of a turn's audio the client has actually played."""

    type: Literal["playback"] = "playback"
    turn: TurnNumber
    played_samples: SampleCount = Field(description="Samples of the turn's audio played.")


class EndMessage(_ClientMessage):
    """Ends the conversation; the server answers `ended` and closes."""

    type: Literal["end"] = "end"


class PingMessage(_ClientMessage):
    """Liveness/latency probe; answered by `pong` with the same id."""

    type: Literal["ping"] = "ping"
    id: Annotated[str, Field(max_length=64)] | int | None = Field(None, description="Echoed back in `pong`.")


ClientMessage = Annotated[
    StartMessage | TextMessage | AudioCommitMessage | InterruptMessage | PlaybackMessage | EndMessage | PingMessage,
    Field(discriminator="type"),
]
# The models by their `type` tag, read off the union so the two cannot disagree.
CLIENT_MESSAGE_TYPES: dict[str, type[BaseModel]] = {
    model.model_fields["type"].default: model for model in get_args(get_args(ClientMessage)[0])
}


_CLIENT_ADAPTER: TypeAdapter[Any] = TypeAdapter(ClientMessage)


def _reject_constant(name: str) -> None:
    """Refuse NaN and Infinity, which are not JSON."""
    raise ValueError(f"{name} is not valid JSON")


def decode_client_message(text: str) -> ClientMessage:
    """Parse and validate one client JSON text frame."""
    if len(text) > MAX_TEXT_FRAME_BYTES or (len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_FRAME_BYTES):
        raise ProtocolError(ErrorCode.MESSAGE_TOO_LARGE, f"text frames are limited to {MAX_TEXT_FRAME_BYTES} bytes")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise ProtocolError(ErrorCode.BAD_JSON, f"not valid JSON: {exc}") from None
    except RecursionError:
        # 16 KiB of "[[[[..." is enough to exhaust the parser's stack.
        raise ProtocolError(ErrorCode.BAD_JSON, "JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a message must be a JSON object")
    message_type = data.get("type")
    if not isinstance(message_type, str):
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a message needs a string `type`")
    if message_type not in CLIENT_MESSAGE_TYPES:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {message_type[:40]!r}")
    version = data.get("protocol")
    if message_type == "start" and type(version) is int and version != PROTOCOL_VERSION:
        raise ProtocolError(
            ErrorCode.UNSUPPORTED_PROTOCOL,
            f"protocol {version} is not supported; this server speaks {PROTOCOL_VERSION}",
        )
    try:
        return _CLIENT_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, _describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    """Summarise a validation error without echoing the client's input back."""
    first = exc.errors(include_url=False, include_input=False)[0]
    # The first location item is the union tag (e.g. "start"); the field path follows.
    path = ".".join(str(part) for part in first["loc"][1:]) or "message"
    extra = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{path}: {first['msg']}{extra}"


def encode_client_message(message: ClientMessage) -> str:
    """Serialise a client message (for tests and Python clients)."""
    return message.model_dump_json(exclude_none=True)
