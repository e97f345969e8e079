"""Realtime conversation protocol v1: the one wire contract for the web viewer and Unity.

Sans-I/O: this module turns websocket frames into typed messages and typed events into
frames, and does no I/O and imports no Django, so it is tested without sockets.
docs/protocol.md is the human contract; `python -m conversations.protocol` prints the
JSON Schema checked in as docs/protocol.schema.json.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

PROTOCOL_VERSION = 1
SUBPROTOCOL = "avatar.v1"
BEARER_SUBPROTOCOL_PREFIX = "bearer."

# A JSON frame bigger than this is refused before parsing, so a flood of huge frames
# costs the server almost nothing.
MAX_TEXT_FRAME_BYTES = 16384
MAX_TEXT_CHARS = 2000
MAX_MESSAGES_PER_SECOND = 100  # JSON messages; binary audio is bounded by real time

INPUT_SAMPLE_RATE = 16_000  # what the server resamples every microphone stream to
MIN_CLIENT_SAMPLE_RATE = 8_000
MAX_CLIENT_SAMPLE_RATE = 48_000
FRAME_MS_MIN = 10
FRAME_MS_MAX = 60
# The longest legal microphone frame: 60 ms of PCM16 mono at 48 kHz (5760 bytes).
MAX_BINARY_FRAME_BYTES = MAX_CLIENT_SAMPLE_RATE * FRAME_MS_MAX // 1000 * 2
# Server audio chunks carry whole TTS segments; clients should accept up to this size.
MAX_SERVER_AUDIO_FRAME_BYTES = 1 << 20

Viseme = Literal["sil", "aa", "ih", "ou", "ee", "oh", "pp", "ff", "ss"]
VISEMES: tuple[str, ...] = get_args(Viseme)


class CloseCode(IntEnum):
    """Websocket close codes the server uses; 4xxx mirrors the matching HTTP status."""

    BAD_REQUEST = 4400  # protocol violations kept coming after `error` events
    UNAUTHENTICATED = 4401  # bad, expired or revoked token, or no session
    FORBIDDEN = 4403  # not your conversation, or Origin not allowed
    NOT_FOUND = 4404  # the conversation does not exist
    IDLE_TIMEOUT = 4408  # no message or audio for too long
    CONVERSATION_ENDED = 4409  # the conversation was already ended
    TOO_MANY_MESSAGES = 4429  # more than MAX_MESSAGES_PER_SECOND (flood)
    INTERNAL_ERROR = 4500  # the server failed; the client may reconnect


class ErrorCode(StrEnum):
    """Codes carried by `error` events and ProtocolError."""

    BAD_JSON = "bad_json"
    UNKNOWN_TYPE = "unknown_type"
    INVALID_MESSAGE = "invalid_message"
    MESSAGE_TOO_LARGE = "message_too_large"
    UNSUPPORTED_PROTOCOL = "unsupported_protocol"
    BAD_AUDIO_HEADER = "bad_audio_header"
    ODD_LENGTH_AUDIO = "odd_length_audio"
    FRAME_TOO_SHORT = "frame_too_short"
    FRAME_TOO_LONG = "frame_too_long"
    AUDIO_BEFORE_START = "audio_before_start"
    SAMPLE_RATE_MISMATCH = "sample_rate_mismatch"
    RATE_LIMITED = "rate_limited"
    STT_UNAVAILABLE = "stt_unavailable"
    STT_ERROR = "stt_error"
    LLM_ERROR = "llm_error"
    LLM_TIMEOUT = "llm_timeout"
    LLM_AUTH = "llm_auth"
    TTS_ERROR = "tts_error"
    TTS_UNAVAILABLE = "tts_unavailable"
    INTERNAL_ERROR = "internal_error"
    # Fatal: sent just before the matching 44xx close.
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONVERSATION_ENDED = "conversation_ended"


class ProtocolError(Exception):
    """A frame broke the protocol; `code` goes to the client in an `error` event."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = str(code)
        self.message = message


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


# Client -> server ---------------------------------------------------------------------

TurnNumber = Annotated[int, Field(ge=0, description="Turn number within the conversation.")]
SampleCount = Annotated[int, Field(ge=0)]


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
    client: str | None = Field(
        None, max_length=64, description='Client name/version, e.g. "web/1.0", "unity/1.0".'
    )


class TextMessage(_ClientMessage):
    """A typed user utterance, answered like a spoken one."""

    type: Literal["text"] = "text"
    text: str = Field(
        min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S", description="Not blank."
    )


class AudioCommitMessage(_ClientMessage):
    """Push-to-talk release: end the current utterance now."""

    type: Literal["audio.commit"] = "audio.commit"


class InterruptMessage(_ClientMessage):
    """User-initiated barge-in (e.g. a stop button)."""

    type: Literal["interrupt"] = "interrupt"
    turn: TurnNumber | None = Field(None, description="Turn being interrupted, if known.")
    played_samples: SampleCount | None = Field(
        None, description="Samples of that turn's audio already played."
    )


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
    id: Annotated[str, Field(max_length=64)] | int | None = Field(
        None, description="Echoed back in `pong`."
    )


ClientMessage = Annotated[
    StartMessage
    | TextMessage
    | AudioCommitMessage
    | InterruptMessage
    | PlaybackMessage
    | EndMessage
    | PingMessage,
    Field(discriminator="type"),
]
# The models by their `type` tag, read off the union so the two cannot disagree.
CLIENT_MESSAGE_TYPES: dict[str, type[BaseModel]] = {
    model.model_fields["type"].default: model for model in get_args(get_args(ClientMessage)[0])
}

# Server -> client ---------------------------------------------------------------------


class AvatarInfo(_Message):
    """How the client should draw the persona."""

    style: str = Field(description='Avatar renderer style, e.g. "2d", "vrm".')
    vrm_url: str | None = Field(None, description="VRM model URL for 3D clients.")


class PersonaInfo(_Message):
    """The persona the user is talking to."""

    slug: str = Field(description="Stable identifier.")
    name: str = Field(description="Display name.")
    language: str = Field(description='BCP 47 language, e.g. "ko".')
    emotions: list[str] = Field(description="Emotions `expression` events may name.")
    avatar: AvatarInfo


class InputAudioInfo(_Message):
    """What the server expects from the microphone stream."""

    sample_rate: Literal[16000] = Field(INPUT_SAMPLE_RATE, description="Server-side rate.")
    frame_ms_min: Literal[10] = FRAME_MS_MIN
    frame_ms_max: Literal[60] = FRAME_MS_MAX


class LlmInfo(_Message):
    """The language model answering."""

    offline: bool = Field(description="True: a labelled offline stand-in, not a real LLM.")
    model: str = Field(description="Model id, possibly a fine-tuned one.")


class SttInfo(_Message):
    """Whether speech input works; if not, only `text` is answered."""

    available: bool = Field(description="False: only `text` input is understood.")
    message: str | None = Field(None, description="Why STT is unavailable.")


class TtsInfo(_Message):
    """The speech synthesiser."""

    backend: str = Field(description='e.g. "espeak", "gpt_sovits", "openai", "none".')
    sample_rate: int | None = Field(None, description="Usual rate of audio chunks, Hz.")


class ReadyEvent(_Message):
    """First event after connecting: session facts the client needs."""

    type: Literal["ready"] = "ready"
    protocol: Literal[1] = PROTOCOL_VERSION
    conversation: int = Field(description="Conversation id.")
    session: str = Field(description="Opaque id of this socket session, for logs.")
    persona: PersonaInfo
    input: InputAudioInfo = InputAudioInfo()
    visemes: list[Viseme] = Field(list(VISEMES), description="The viseme set.")
    llm: LlmInfo
    stt: SttInfo
    tts: TtsInfo
    resumed: bool = Field(description="True when reconnecting to an existing conversation.")


class VadEvent(_Message):
    """Voice activity detected in the microphone stream started or ended."""

    type: Literal["vad"] = "vad"
    state: Literal["start", "end"] = Field(description="Speech started or ended.")
    at_ms: int = Field(ge=0, description="ms since the session's audio stream began.")


class TranscriptEvent(_Message):
    """What the user said: partial (final=false) then final."""

    type: Literal["transcript"] = "transcript"
    turn: TurnNumber
    text: str = Field(description="The whole utterance so far; replaces earlier partials.")
    final: bool = Field(description="False: partial, more may follow.")


class ReplyDeltaEvent(_Message):
    """A piece of the avatar's reply text as the LLM streams it (emotion tags removed)."""

    type: Literal["reply.delta"] = "reply.delta"
    turn: TurnNumber
    text: str = Field(description="Append to the turn's text so far.")


class ExpressionEvent(_Message):
    """Apply `emotion` at sample `offset` of audio chunk `seq` of `turn`."""

    type: Literal["expression"] = "expression"
    turn: TurnNumber
    seq: int = Field(ge=0, description="Audio chunk sequence number.")
    offset: SampleCount = Field(description="Samples into that chunk.")
    emotion: str = Field(description="One of ready.persona.emotions.")
    intensity: float = Field(ge=0.0, le=1.0, description="0: barely, 1: fully.")


class VisemeCueItem(_Message):
    """One mouth shape starting `offset` samples into its audio chunk."""

    offset: SampleCount = Field(description="Samples into the chunk; lasts until the next cue.")
    viseme: Viseme
    weight: float = Field(1.0, ge=0.0, le=1.0, description="How open/strong the shape is.")


class VisemesEvent(_Message):
    """The lip-sync cues of audio chunk `seq`; sent before that chunk."""

    type: Literal["visemes"] = "visemes"
    turn: TurnNumber
    seq: int = Field(ge=0)
    sample_rate: int = Field(gt=0, description="Rate of the chunk the offsets count in.")
    cues: list[VisemeCueItem]


class Timings(_Message):
    """Per-stage latencies of a turn in milliseconds; absent when not measured."""

    stt_ms: float | None = None
    llm_first_token_ms: float | None = None
    tts_first_audio_ms: float | None = None
    voice_to_voice_ms: float | None = None
    total_ms: float | None = None


class TurnEndEvent(_Message):
    """The avatar's turn is over (finished or interrupted) and saved."""

    type: Literal["turn.end"] = "turn.end"
    turn: TurnNumber
    id: int | None = Field(None, description="Database id of the assistant turn (ratings).")
    user_turn_id: int | None = Field(None, description="Database id of the user turn.")
    text: str = Field(description="What the avatar actually said.")
    emotion: str = Field(description="The turn's main emotion.")
    interrupted: bool = Field(description="True: cut off by barge-in; `text` is what was heard.")
    audio_samples: SampleCount = Field(description="Samples of audio sent for this turn.")
    sample_rate: int | None = Field(None, description="Rate of this turn's audio, Hz.")
    timings: Timings = Timings()


class InterruptedEvent(_Message):
    """Flush queued audio of `turn` now, then send `playback`."""

    type: Literal["interrupted"] = "interrupted"
    turn: TurnNumber
    reason: Literal["barge_in", "client"] = Field(
        description="barge_in: the user spoke; client: an `interrupt` message."
    )


class ErrorEvent(_Message):
    """Something failed; fatal errors are followed by a close."""

    type: Literal["error"] = "error"
    code: str = Field(description="One of the codes in docs/protocol.md.")
    message: str = Field(description="Human-readable; do not parse.")
    fatal: bool = Field(False, description="True: the server closes the socket next.")
    turn: TurnNumber | None = Field(None, description="The turn concerned, if any.")


class PongEvent(_Message):
    """Answer to `ping`."""

    type: Literal["pong"] = "pong"
    id: str | int | None = Field(None, description="The `ping` id.")


class EndedEvent(_Message):
    """The conversation is over; the server closes the socket next."""

    type: Literal["ended"] = "ended"
    conversation: int = Field(description="Conversation id.")


ServerEvent = Annotated[
    ReadyEvent
    | VadEvent
    | TranscriptEvent
    | ReplyDeltaEvent
    | ExpressionEvent
    | VisemesEvent
    | TurnEndEvent
    | InterruptedEvent
    | ErrorEvent
    | PongEvent
    | EndedEvent,
    Field(discriminator="type"),
]

SERVER_EVENT_TYPES: dict[str, type[BaseModel]] = {
    model.model_fields["type"].default: model for model in get_args(get_args(ServerEvent)[0])
}

_CLIENT_ADAPTER: TypeAdapter[Any] = TypeAdapter(ClientMessage)
_SERVER_ADAPTER: TypeAdapter[Any] = TypeAdapter(ServerEvent)


def _reject_constant(name: str) -> None:
    """Refuse NaN and Infinity, which are not JSON."""
    raise ValueError(f"{name} is not valid JSON")


def decode_client_message(text: str) -> ClientMessage:
    """Parse and validate one client JSON text frame."""
    if len(text) > MAX_TEXT_FRAME_BYTES or (
        len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_FRAME_BYTES
    ):
        raise ProtocolError(
            ErrorCode.MESSAGE_TOO_LARGE, f"text frames are limited to {MAX_TEXT_FRAME_BYTES} bytes"
        )
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


def encode_event(event: ServerEvent) -> str:
    """Serialise a server event to a compact JSON text frame, leaving out null fields."""
    return event.model_dump_json(exclude_none=True)


def encode_client_message(message: ClientMessage) -> str:
    """Serialise a client message (for tests and Python clients)."""
    return message.model_dump_json(exclude_none=True)


def decode_server_event(text: str) -> ServerEvent:
    """Parse a server event (for tests and Python clients)."""
    return _SERVER_ADAPTER.validate_json(text)


# Binary audio -------------------------------------------------------------------------

AUDIO_HEADER_VERSION = 1
AUDIO_FLAG_LAST = 0x01
# version u8, flags u8, reserved u16, turn u32, seq u32, sample_rate u32, first_sample u32
AUDIO_HEADER = struct.Struct("<BBHIIII")
_U32_MAX = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class AudioChunkHeader:
    """The 20-byte header in front of each server audio chunk (PCM16 LE mono)."""

    turn: int
    seq: int
    sample_rate: int
    first_sample: int  # offset of this chunk's first sample within the turn's audio
    last: bool = False  # the final chunk of the turn

    @property
    def flags(self) -> int:
        """The flags byte as sent on the wire."""
        return AUDIO_FLAG_LAST if self.last else 0


def encode_audio_chunk(header: AudioChunkHeader, pcm: bytes) -> bytes:
    """Build a binary server frame: header + PCM16 LE mono samples."""
    if len(pcm) % 2:
        raise ValueError("PCM16 audio must have an even number of bytes")
    if header.sample_rate <= 0:
        raise ValueError("sample_rate must be positive")
    for name in ("turn", "seq", "sample_rate", "first_sample"):
        if not 0 <= getattr(header, name) <= _U32_MAX:
            raise ValueError(f"{name} does not fit in u32")
    packed = AUDIO_HEADER.pack(
        AUDIO_HEADER_VERSION,
        header.flags,
        0,
        header.turn,
        header.seq,
        header.sample_rate,
        header.first_sample,
    )
    return packed + pcm


def decode_audio_chunk(data: bytes) -> tuple[AudioChunkHeader, bytes]:
    """Split a binary server frame into its header and PCM; reserved bits are ignored."""
    if len(data) < AUDIO_HEADER.size:
        raise ProtocolError(ErrorCode.BAD_AUDIO_HEADER, "frame shorter than the audio header")
    version, flags, _reserved, turn, seq, sample_rate, first_sample = AUDIO_HEADER.unpack_from(data)
    if version != AUDIO_HEADER_VERSION:
        raise ProtocolError(ErrorCode.BAD_AUDIO_HEADER, f"unknown audio header version {version}")
    if sample_rate == 0:
        raise ProtocolError(ErrorCode.BAD_AUDIO_HEADER, "sample_rate is 0")
    pcm = bytes(data[AUDIO_HEADER.size :])
    if len(pcm) % 2:
        raise ProtocolError(ErrorCode.BAD_AUDIO_HEADER, "PCM16 payload has an odd length")
    last = bool(flags & AUDIO_FLAG_LAST)
    return AudioChunkHeader(turn, seq, sample_rate, first_sample, last), pcm


def validate_client_audio(frame: bytes, sample_rate: int) -> None:
    """Check one microphone frame (raw PCM16 LE mono, no header) against the frame limits."""
    if sample_rate <= 0:
        raise ValueError("sample_rate must be positive")
    if len(frame) % 2:
        raise ProtocolError(ErrorCode.ODD_LENGTH_AUDIO, "PCM16 frames need an even byte count")
    samples = len(frame) // 2
    # Integer comparisons: rates like 11025 Hz make 10 ms a fractional sample count.
    if samples * 1000 < FRAME_MS_MIN * sample_rate:
        raise ProtocolError(
            ErrorCode.FRAME_TOO_SHORT, f"{samples} samples is under {FRAME_MS_MIN} ms"
        )
    if samples * 1000 > FRAME_MS_MAX * sample_rate:
        raise ProtocolError(
            ErrorCode.FRAME_TOO_LONG, f"{samples} samples is over {FRAME_MS_MAX} ms"
        )


# JSON Schema --------------------------------------------------------------------------

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
    "Close codes: "
    + ", ".join(f"{int(code)} {code.name.lower()}" for code in CloseCode)
    + ". See docs/protocol.md."
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


if __name__ == "__main__":
    print(schema_text(), end="")
