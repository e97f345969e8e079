"""Server → client events."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, Field, TypeAdapter

from conversations.protocol.base import SampleCount, TurnNumber, _Message
from conversations.protocol.constants import (
    FRAME_MS_MAX,
    FRAME_MS_MIN,
    INPUT_SAMPLE_RATE,
    PROTOCOL_VERSION,
    VISEMES,
    Viseme,
)


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

_SERVER_ADAPTER: TypeAdapter[Any] = TypeAdapter(ServerEvent)


def encode_event(event: ServerEvent) -> str:
    """Serialise a server event to a compact JSON text frame, leaving out null fields."""
    return event.model_dump_json(exclude_none=True)


def decode_server_event(text: str) -> ServerEvent:
    """Parse a server event (for tests and Python clients)."""
    return _SERVER_ADAPTER.validate_json(text)
