"""The realtime websocket: authenticates, decodes frames, hands them to a VoiceSession.

It stays thin on purpose: one slow `receive()` would stall every later frame on the
socket, so nothing here waits for a model. Endpointing runs inline because it costs
about 0.1 ms per 32 ms of audio and deciding early is what keeps latency low.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from conversations import metrics
from conversations.models import Conversation
from conversations.pipeline.ports import PersonaSpec
from conversations.pipeline.session import SessionConfig, VoiceSession
from conversations.pipeline.vad import EndpointerConfig
from conversations.protocol import (
    MAX_MESSAGES_PER_SECOND,
    SUBPROTOCOL,
    AudioCommitMessage,
    AvatarInfo,
    CloseCode,
    EndedEvent,
    EndMessage,
    ErrorCode,
    ErrorEvent,
    InterruptMessage,
    LlmInfo,
    PersonaInfo,
    PingMessage,
    PlaybackMessage,
    PongEvent,
    ProtocolError,
    ReadyEvent,
    ServerEvent,
    StartMessage,
    SttInfo,
    TextMessage,
    TtsInfo,
    decode_client_message,
    encode_event,
)
from conversations.providers import providers_for
from conversations.services import end_conversation, next_turn_index
from conversations.store import DjangoTurnStore
from personas.voice import persona_spec

log = logging.getLogger(__name__)

# Audio may run ahead of real time by this much (network bursts), no more.
AUDIO_BURST_S = 2.0
# Rate-limit violations tolerated before the socket is closed with 4429.
MAX_FLOOD_STRIKES = 20
# Invalid frames tolerated (each answered with an `error`) before closing with 4400.
MAX_PROTOCOL_ERRORS = 50


class MessageRateGuard:
    """Token bucket for JSON messages plus a real-time budget for audio."""

    def __init__(self) -> None:
        self.tokens = float(MAX_MESSAGES_PER_SECOND)
        self.updated = time.monotonic()
        self.audio_started: float | None = None
        self.audio_seconds = 0.0
        self.strikes = 0

    def allow_message(self) -> bool:
        now = time.monotonic()
        self.tokens = min(MAX_MESSAGES_PER_SECOND, self.tokens + (now - self.updated) * MAX_MESSAGES_PER_SECOND)
        self.updated = now
        if self.tokens < 1:
            self.strikes += 1
            return False
        self.tokens -= 1
        return True

    def allow_audio(self, seconds: float) -> bool:
        now = time.monotonic()
        if self.audio_started is None:
            self.audio_started = now
        if self.audio_seconds + seconds > now - self.audio_started + AUDIO_BURST_S:
            self.strikes += 1
            return False
        self.audio_seconds += seconds
        return True


@database_sync_to_async
def _load_conversation(conversation_id: int) -> Conversation | None:
    return (
        Conversation.objects.select_related("persona", "owner")
        .prefetch_related("persona__reference_clips")
        .filter(pk=conversation_id)
        .first()
    )


class ConversationConsumer(AsyncWebsocketConsumer):
    session: VoiceSession | None = None
    idle_watch: asyncio.Task | None = None

    async def connect(self) -> None:
        offered = self.scope.get("subprotocols", [])
        await self.accept(SUBPROTOCOL if SUBPROTOCOL in offered else None)
        self.guard = MessageRateGuard()
        self.protocol_errors = 0
        self.session_id = uuid.uuid4().hex[:12]
        self.audio_rate = 16_000
        user = self.scope.get("user")
        if self.scope.get("auth_failure") or user is None or not user.is_authenticated:
            reason = self.scope.get("auth_failure") or "no_session"
            return await self._refuse(
                CloseCode.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED, f"Not authenticated ({reason})."
            )
        if self.scope.get("auth_method") == "session" and not self.scope.get("origin_ok", False):
            return await self._refuse(CloseCode.FORBIDDEN, ErrorCode.FORBIDDEN, "This origin may not open the socket.")
        conversation = await _load_conversation(self.scope["url_route"]["kwargs"]["conversation_id"])
        if conversation is None:
            return await self._refuse(CloseCode.NOT_FOUND, ErrorCode.NOT_FOUND, "No such conversation.")
        if conversation.owner_id != user.pk:
            return await self._refuse(CloseCode.FORBIDDEN, ErrorCode.FORBIDDEN, "This is not your conversation.")
        if conversation.is_ended:
            return await self._refuse(
                CloseCode.CONVERSATION_ENDED, ErrorCode.CONVERSATION_ENDED, "This conversation has ended."
            )
        await self._open_session(conversation)

    async def _open_session(self, conversation: Conversation) -> None:
        self.conversation = conversation
        persona = persona_spec(conversation.persona)
        providers = providers_for(conversation.persona.tts_backend)
        next_turn = await database_sync_to_async(next_turn_index)(conversation.pk)
        self.resumed = next_turn > 0
        metrics.ACTIVE_SESSIONS.inc()
        self.last_activity = time.monotonic()
        self.idle_watch = asyncio.create_task(self._close_when_idle(settings.WS_IDLE_TIMEOUT_S))
        self.session = VoiceSession(
            persona=persona,
            providers=providers,
            sink=self,
            store=DjangoTurnStore(conversation.pk),
            next_turn=next_turn,
            config=session_config(persona),
        )
        await self.send_event(
            ReadyEvent(
                conversation=conversation.pk,
                session=self.session_id,
                persona=PersonaInfo(
                    slug=persona.slug,
                    name=persona.name,
                    language=persona.language,
                    emotions=list(persona.emotions),
                    avatar=AvatarInfo(style=persona.avatar_style, vrm_url=persona.vrm_url),
                ),
                llm=LlmInfo(offline=providers.llm.offline, model=persona.llm_model or settings.LLM_MODEL),
                stt=SttInfo(available=providers.stt_available, message=providers.stt_message),
                tts=TtsInfo(backend=providers.tts_backend),
                resumed=self.resumed,
            )
        )

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.session is None:
            return
        self.last_activity = time.monotonic()
        try:
            if bytes_data is not None:
                await self._receive_audio(bytes_data)
            elif text_data is not None:
                await self._receive_message(text_data)
        except ProtocolError as error:
            await self.send_event(ErrorEvent(code=error.code, message=error.message))
            self.protocol_errors += 1
            if error.code == ErrorCode.UNSUPPORTED_PROTOCOL or self.protocol_errors > MAX_PROTOCOL_ERRORS:
                await self._refuse(
                    CloseCode.BAD_REQUEST, ErrorCode.INVALID_MESSAGE, "Too many invalid frames; closing."
                )
                return
        except Exception:
            log.exception("Failed to handle a frame")
            await self.send_event(ErrorEvent(code=ErrorCode.INTERNAL_ERROR, message="The server failed on that frame."))
        if self.guard.strikes > MAX_FLOOD_STRIKES:
            await self._refuse(CloseCode.TOO_MANY_MESSAGES, ErrorCode.RATE_LIMITED, "Too many messages; closing.")

    async def _receive_audio(self, frame: bytes) -> None:
        if not self.guard.allow_audio(len(frame) / 2 / self.audio_rate):
            raise ProtocolError(ErrorCode.RATE_LIMITED, "Audio is arriving faster than real time; frame dropped.")
        await self.session.push_audio(frame)

    async def _receive_message(self, text: str) -> None:
        if not self.guard.allow_message():
            raise ProtocolError(ErrorCode.RATE_LIMITED, f"More than {MAX_MESSAGES_PER_SECOND} messages per second.")
        message = decode_client_message(text)
        session = self.session
        match message:
            case StartMessage():
                first_start = not session.started
                self.audio_rate = message.audio.sample_rate
                session.start_audio(message.audio.sample_rate)
                if first_start and not self.resumed:
                    await session.greet()
            case TextMessage():
                await session.push_text(message.text)
            case AudioCommitMessage():
                await session.commit_audio()
            case InterruptMessage():
                await session.interrupt("client", message.played_samples)
            case PlaybackMessage():
                session.report_playback(message.turn, message.played_samples)
            case PingMessage():
                await self.send_event(PongEvent(id=message.id))
            case EndMessage():
                await self._end_conversation()

    async def _end_conversation(self) -> None:
        await self.session.close()
        await database_sync_to_async(end_conversation)(self.conversation)
        await self.send_event(EndedEvent(conversation=self.conversation.pk))
        await self.close(code=1000)

    async def _close_when_idle(self, timeout_s: float) -> None:
        """Close a socket that sent nothing for `timeout_s` (a forgotten tab holds resources)."""
        while True:
            remaining = self.last_activity + timeout_s - time.monotonic()
            if remaining <= 0:
                message = f"Nothing received for {timeout_s:g} s; closing."
                await self._refuse(CloseCode.IDLE_TIMEOUT, ErrorCode.IDLE_TIMEOUT, message)
                return
            await asyncio.sleep(remaining)

    async def disconnect(self, code: int) -> None:
        if self.idle_watch is not None and self.idle_watch is not asyncio.current_task():
            self.idle_watch.cancel()
        if self.session is not None:
            metrics.ACTIVE_SESSIONS.dec()
            await self.session.close()
            self.session = None

    async def _refuse(self, close_code: int, error_code: str, message: str) -> None:
        await self.send_event(ErrorEvent(code=str(error_code), message=message, fatal=True))
        await self.close(code=int(close_code))

    # --- EventSink ------------------------------------------------------------------

    async def send_event(self, event: ServerEvent) -> None:
        metrics.observe(event)
        await self.send(text_data=encode_event(event))

    async def send_audio(self, frame: bytes) -> None:
        await self.send(bytes_data=frame)


def session_config(persona: PersonaSpec) -> SessionConfig:
    """Session tuning from settings."""
    return SessionConfig(
        endpointer=EndpointerConfig(
            threshold=settings.VAD_THRESHOLD,
            neg_threshold=min(settings.VAD_THRESHOLD, max(0.05, settings.VAD_THRESHOLD - 0.15)),
            min_speech_ms=settings.VAD_MIN_SPEECH_MS,
            end_silence_ms=settings.VAD_END_SILENCE_MS,
            pre_roll_ms=settings.VAD_PRE_ROLL_MS,
            use_webrtc_gate=settings.VAD_WEBRTC_GATE,
        ),
        context_max_tokens=settings.LLM_CONTEXT_MAX_TOKENS,
        llm_model=persona.llm_model or settings.LLM_MODEL,
    )
