"""What a voice session needs from the outside world: a place to send, a place to save."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from conversations.pipeline.interfaces import ChatMessage, VoiceSettings
from conversations.protocol import ServerEvent


class EventSink(Protocol):
    """The socket: typed JSON events and binary audio frames, in order."""

    async def send_event(self, event: ServerEvent) -> None: ...

    async def send_audio(self, frame: bytes) -> None: ...


@dataclass(frozen=True, slots=True)
class SavedTurn:
    """A turn as it is persisted when it completes."""

    index: int
    role: str  # "user" | "assistant"
    text: str
    started_at: datetime
    ended_at: datetime
    source: str = "voice"  # "voice" | "text" | "greeting"
    spoken_text: str = ""
    emotion: str = ""
    interrupted: bool = False
    interrupted_by: str = ""
    llm_model: str = ""
    stt_ms: float | None = None
    llm_first_token_ms: float | None = None
    tts_first_audio_ms: float | None = None
    voice_to_voice_ms: float | None = None
    total_ms: float | None = None
    audio_ms: float | None = None


class TurnStore(Protocol):
    """Persistence and context memory for one conversation."""

    async def save_turn(self, turn: SavedTurn) -> int:
        """Persist a completed turn; return its database id."""
        ...

    async def recent_context(self) -> Sequence[ChatMessage]:
        """Recent turns, oldest first, as the model should remember them."""
        ...


@dataclass(frozen=True, slots=True)
class PersonaSpec:
    """The persona as the pipeline sees it (no Django objects)."""

    slug: str
    name: str
    system_prompt: str
    language: str = "ko"
    emotions: tuple[str, ...] = ("neutral", "joy", "sad", "angry", "surprised")
    llm_model: str = ""
    temperature: float = 0.8
    greeting: str = ""
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    avatar_style: str = "default"
    vrm_url: str | None = None
