"""An in-memory socket and store around a VoiceSession, for stage tests and benchmarks."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from conversations.pipeline.interfaces import ChatMessage
from conversations.pipeline.ports import PersonaSpec, SavedTurn
from conversations.pipeline.session import Providers, SessionConfig, VoiceSession
from conversations.protocol import ServerEvent, decode_audio_chunk


@dataclass
class MemorySink:
    """Records what a session sends, with the monotonic time of each send."""

    events: list[tuple[float, ServerEvent]] = field(default_factory=list)
    audio: list[tuple[float, bytes]] = field(default_factory=list)
    order: list[tuple[str, object]] = field(default_factory=list)
    # Acts like a client that plays audio the moment it arrives and reports it.
    instant_playback_for: VoiceSession | None = None

    async def send_event(self, event: ServerEvent) -> None:
        self.events.append((time.monotonic(), event))
        self.order.append(("event", event))

    async def send_audio(self, frame: bytes) -> None:
        self.audio.append((time.monotonic(), frame))
        header, pcm = decode_audio_chunk(frame)
        self.order.append(("audio", header))
        if self.instant_playback_for is not None:
            self.instant_playback_for.report_playback(header.turn, header.first_sample + len(pcm) // 2)

    def of_type(self, kind: str) -> list[ServerEvent]:
        return [event for _, event in self.events if event.type == kind]

    def first_time(self, kind: str, **fields) -> float | None:
        for at, event in self.events:
            if event.type == kind and all(getattr(event, k) == v for k, v in fields.items()):
                return at
        return None


@dataclass
class MemoryStore:
    """Keeps saved turns in a list; context is every saved turn as heard."""

    turns: list[SavedTurn] = field(default_factory=list)

    async def save_turn(self, turn: SavedTurn) -> int:
        self.turns.append(turn)
        return len(self.turns)

    async def recent_context(self) -> Sequence[ChatMessage]:
        messages = []
        for turn in self.turns:
            heard = turn.spoken_text if turn.interrupted else turn.text
            if heard:
                messages.append(ChatMessage(role=turn.role, content=heard))
        return messages


PERSONA = PersonaSpec(slug="haru", name="Haru", system_prompt="너는 친절한 AI 버튜버 하루야.", language="ko")


def make_session(
    providers: Providers,
    config: SessionConfig | None = None,
    persona: PersonaSpec = PERSONA,
    instant_playback: bool = True,
) -> tuple[VoiceSession, MemorySink, MemoryStore]:
    """A session wired to memory, ready for `start_audio` or `push_text`."""
    sink, store = MemorySink(), MemoryStore()
    session = VoiceSession(persona=persona, providers=providers, sink=sink, store=store, next_turn=0, config=config)
    if instant_playback:
        sink.instant_playback_for = session
    return session, sink, store
