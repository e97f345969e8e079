"""One realtime conversation over one socket: endpointing, turns, barge-in.

The consumer only decodes frames and calls `push_*`; everything else happens in tasks
this session owns and cancels on close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from conversations.pipeline.audio import StreamingResampler
from conversations.pipeline.emotion import EmotionChange, EmotionTagParser, system_prompt_with_emotions
from conversations.pipeline.interfaces import (
    INPUT_SAMPLE_RATE,
    LanguageModel,
    ProviderError,
    SpeechToText,
    TextToSpeech,
)
from conversations.pipeline.llm import build_messages
from conversations.pipeline.ports import EventSink, PersonaSpec, SavedTurn, TurnStore
from conversations.pipeline.reply import ReplyTurn, StageClock, utc_now
from conversations.pipeline.sentences import SentenceSplitter
from conversations.pipeline.speaker import END_OF_REPLY, Speaker
from conversations.pipeline.vad import Endpointer, EndpointerConfig
from conversations.protocol import (
    ErrorCode,
    ErrorEvent,
    InterruptedEvent,
    ProtocolError,
    ReplyDeltaEvent,
    TranscriptEvent,
    TurnEndEvent,
    VadEvent,
    validate_client_audio,
)

log = logging.getLogger(__name__)

# How long closing a session waits for a user turn still being transcribed and saved.
USER_TURN_SAVE_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class Providers:
    """The stage adapters a session uses; STT and TTS may be missing."""

    llm: LanguageModel
    stt: SpeechToText | None = None
    tts: TextToSpeech | None = None
    stt_available: bool = False
    stt_message: str | None = None
    tts_backend: str = "none"


@dataclass(frozen=True, slots=True)
class SessionConfig:
    endpointer: EndpointerConfig = field(default_factory=EndpointerConfig)
    context_max_tokens: int = 3000
    first_chunk_min_chars: int = 12
    max_chunk_chars: int = 150
    # How long an interrupted turn waits for the client's `playback` report.
    playback_report_wait_s: float = 0.3
    # Grace after the estimated end of playback before a turn counts as heard.
    playback_grace_s: float = 0.25
    llm_model: str = ""
    # How far audio may run ahead of the listener (see Speaker).
    max_audio_lead_s: float = 2.0


class VoiceSession:
    """Runs the voice pipeline for one socket."""

    def __init__(
        self,
        *,
        persona: PersonaSpec,
        providers: Providers,
        sink: EventSink,
        store: TurnStore,
        next_turn: int,
        config: SessionConfig | None = None,
    ) -> None:
        self.persona = persona
        self.providers = providers
        self.sink = sink
        self.store = store
        self.config = config or SessionConfig()
        self._next_turn = next_turn
        self._tasks: set[asyncio.Task] = set()
        self._turn_lock = asyncio.Lock()  # one reply generated at a time, in order
        self._user_turns: set[asyncio.Task] = set()  # user turns being transcribed and saved
        self._reply: ReplyTurn | None = None  # the reply being generated or played
        self._endpointer: Endpointer | None = None
        self._resampler: StreamingResampler | None = None
        self._input_rate = INPUT_SAMPLE_RATE
        self.closed = False

    # --- input from the consumer ----------------------------------------------------

    @property
    def started(self) -> bool:
        return self._endpointer is not None

    def start_audio(self, sample_rate: int) -> None:
        """Begin (or restart) an audio stream at the client's rate."""
        self._input_rate = sample_rate
        self._resampler = (
            StreamingResampler(sample_rate, INPUT_SAMPLE_RATE) if sample_rate != INPUT_SAMPLE_RATE else None
        )
        self._endpointer = Endpointer(self.config.endpointer)

    async def push_audio(self, frame: bytes) -> None:
        """Feed one binary microphone frame; VAD runs inline (~0.1 ms per 32 ms window)."""
        if self._endpointer is None:
            raise ProtocolError(ErrorCode.AUDIO_BEFORE_START, "Send `start` before audio frames.")
        validate_client_audio(frame, self._input_rate)
        pcm = self._resampler.process(frame) if self._resampler else frame
        for decision in self._endpointer.feed(pcm):
            at_ms = int(1000 * decision.offset / INPUT_SAMPLE_RATE)
            if decision.kind == "start":
                await self.sink.send_event(VadEvent(state="start", at_ms=at_ms))
                await self._barge_in()
            else:
                await self.sink.send_event(VadEvent(state="end", at_ms=at_ms))
                speech_end = time.monotonic() - self.config.endpointer.end_silence_ms / 1000
                self._begin_turn(utterance=decision.utterance, speech_end=speech_end)

    async def commit_audio(self) -> None:
        """Push-to-talk release: the utterance ends now."""
        if self._endpointer is None:
            raise ProtocolError(ErrorCode.AUDIO_BEFORE_START, "Send `start` before `audio.commit`.")
        decision = self._endpointer.force_end()
        if decision is not None:
            at_ms = int(1000 * decision.offset / INPUT_SAMPLE_RATE)
            await self.sink.send_event(VadEvent(state="end", at_ms=at_ms))
            self._begin_turn(utterance=decision.utterance, speech_end=time.monotonic())

    async def push_text(self, text: str) -> None:
        """Typed input: interrupts a reply in progress, then answers."""
        await self.interrupt(reason="client")
        self._begin_turn(text=text, speech_end=time.monotonic())

    async def interrupt(self, reason: str = "client", played_samples: int | None = None) -> None:
        """Cut the current reply off (user action or barge-in)."""
        reply = self._reply
        if reply is None or reply.finished or reply.cancelled:
            return
        if played_samples is not None:
            reply.report_playback(played_samples)
        await self._cancel_reply(reply, reason)

    def report_playback(self, turn: int, played_samples: int) -> None:
        """The client's playback position for a turn's audio."""
        reply = self._reply
        if reply is not None and reply.number == turn:
            reply.report_playback(played_samples)

    async def greet(self) -> None:
        """Say the persona's greeting as the first assistant turn."""
        if self.persona.greeting:
            self._begin_turn(greeting=self.persona.greeting, speech_end=time.monotonic())

    async def close(self) -> None:
        """Save what was said and cancel every task this session owns."""
        if self.closed:
            return
        self.closed = True
        reply = self._reply
        if reply is not None and not reply.finished:
            reply.cancelled = True
            if reply.task:
                reply.task.cancel()
            with contextlib.suppress(Exception):
                await self._finish_reply(reply, interrupted_by="disconnect", notify=False)
        if self._user_turns:
            # What the user already said is kept: let transcription and saving finish.
            await asyncio.wait(list(self._user_turns), timeout=USER_TURN_SAVE_TIMEOUT_S)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # --- turns ----------------------------------------------------------------------

    def _spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Voice session task failed", exc_info=task.exception())

    def _allocate_turn(self) -> int:
        number = self._next_turn
        self._next_turn += 1
        return number

    def _begin_turn(self, *, speech_end: float, utterance: bytes = b"", text: str = "", greeting: str = "") -> None:
        self._spawn(self._run_turn(utterance, text, greeting, speech_end))

    async def _run_turn(self, utterance: bytes, text: str, greeting: str, speech_end: float) -> None:
        try:
            await self._run_turn_in_order(utterance, text, greeting, speech_end)
        except Exception:
            # A bug or an outage (e.g. the database) must not leave the client waiting.
            log.exception("Turn failed")
            await self._error(ErrorCode.INTERNAL_ERROR, "The server failed on this turn; please try again.")

    async def _run_turn_in_order(self, utterance: bytes, text: str, greeting: str, speech_end: float) -> None:
        clock = StageClock(speech_end=speech_end)
        if greeting:
            async with self._turn_lock:
                await self._reply_with(ReplyTurn(self._allocate_turn(), clock, source="greeting"), None, greeting)
            return
        # Heard and saved at once, even while an earlier reply still plays, and even if
        # this task is cancelled or the socket closes meanwhile (close() waits for it).
        taking = self._spawn(self._take_user_turn(utterance, text, clock))
        self._user_turns.add(taking)
        taking.add_done_callback(self._user_turns.discard)
        heard = await asyncio.shield(taking)
        if heard is None or self.closed:
            return
        async with self._turn_lock:  # replies are generated one at a time, in order
            if self.closed:
                return
            reply = ReplyTurn(self._allocate_turn(), clock, source="voice" if utterance else "text")
            await self._reply_with(reply, heard, None)

    async def _take_user_turn(self, utterance: bytes, text: str, clock: StageClock) -> tuple[str, int] | None:
        started_at = utc_now()
        if utterance:
            text = await self._transcribe(utterance, clock)
            if not text:
                return None
        number = self._allocate_turn()
        if not self.closed:
            await self.sink.send_event(TranscriptEvent(turn=number, text=text, final=True))
        turn_id = await self.store.save_turn(
            SavedTurn(
                index=number,
                role="user",
                text=text,
                started_at=started_at,
                ended_at=utc_now(),
                source="voice" if utterance else "text",
                stt_ms=(1000 * (clock.stt_done - clock.stt_started)) if clock.stt_done else None,
                audio_ms=1000 * len(utterance) / 2 / INPUT_SAMPLE_RATE if utterance else None,
            )
        )
        return text, turn_id

    async def _transcribe(self, utterance: bytes, clock: StageClock) -> str:
        if self.providers.stt is None or not self.providers.stt_available:
            await self._error(
                ErrorCode.STT_UNAVAILABLE, self.providers.stt_message or "Speech recognition is off; type instead."
            )
            return ""
        clock.stt_started = time.monotonic()
        try:
            transcript = await self.providers.stt.transcribe(utterance, INPUT_SAMPLE_RATE, self.persona.language)
        except ProviderError as error:
            await self._error(error.code, error.message)
            return ""
        finally:
            clock.stt_done = time.monotonic()
        return transcript.text.strip()

    async def _reply_with(self, reply: ReplyTurn, user: tuple[str, int] | None, fixed_text: str | None) -> None:
        """Generate (or take) the reply text, speak it, and finish the turn."""
        self._reply = reply
        reply.task = asyncio.current_task()
        reply.user_turn_id = user[1] if user else None
        speaker = Speaker(
            self.providers.tts, self.sink, self.persona.voice, self.persona.language, self.config.max_audio_lead_s
        )
        sentences: asyncio.Queue = asyncio.Queue()
        speaking = self._spawn(speaker.speak(reply, sentences))
        try:
            if fixed_text is not None:
                await self._stream_text(reply, sentences, _single_delta(fixed_text))
            else:
                await self._stream_text(reply, sentences, self._llm_deltas(reply, user[0]))
            await sentences.put(END_OF_REPLY)
            await speaking
        except ProviderError as error:
            speaking.cancel()
            await self._error(error.code, error.message, turn=reply.number)
            await self._finish_reply(reply, interrupted_by="error" if reply.text else "")
            return
        except asyncio.CancelledError:
            speaking.cancel()
            raise
        reply.generation_done = True
        await self._await_playback(reply)
        await self._finish_reply(reply, interrupted_by="")

    async def _llm_deltas(self, reply: ReplyTurn, user_text: str):
        history = await self.store.recent_context()
        system_prompt = system_prompt_with_emotions(self.persona.system_prompt, self.persona.emotions)
        messages = build_messages(system_prompt, history, user_text, self.config.context_max_tokens)
        reply.clock.llm_started = time.monotonic()
        async for delta in self.providers.llm.stream_reply(
            messages, model=self.persona.llm_model or None, temperature=self.persona.temperature
        ):
            if reply.clock.llm_first_token is None:
                reply.clock.llm_first_token = time.monotonic()
            yield delta

    async def _stream_text(self, reply: ReplyTurn, sentences: asyncio.Queue, deltas) -> None:
        parser = EmotionTagParser(self.persona.emotions, default="neutral")
        splitter = SentenceSplitter(
            self.config.first_chunk_min_chars, self.config.max_chunk_chars, self.persona.language
        )
        async for delta in deltas:
            for item in parser.feed(delta):
                await self._route(reply, item, splitter, sentences)
        for item in parser.flush():
            await self._route(reply, item, splitter, sentences)
        for sentence in splitter.flush():
            await sentences.put(sentence)

    async def _route(self, reply: ReplyTurn, item, splitter: SentenceSplitter, sentences: asyncio.Queue) -> None:
        if isinstance(item, EmotionChange):
            if not reply.text:  # the turn's emotion is the one it opens with
                reply.emotion = item.emotion
            await sentences.put(item)
        elif item.text:
            reply.text += item.text
            await self.sink.send_event(ReplyDeltaEvent(turn=reply.number, text=item.text))
            for sentence in splitter.feed(item.text):
                await sentences.put(sentence)

    async def _await_playback(self, reply: ReplyTurn) -> None:
        """Wait until the client has played the reply (reported or estimated)."""
        while not reply.cancelled and reply.is_audible():
            remaining = (reply.playback_end() or 0) - time.monotonic() + self.config.playback_grace_s
            reply.playback_reported.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(reply.playback_reported.wait(), timeout=max(0.01, remaining))
            if time.monotonic() >= (reply.playback_end() or 0) + self.config.playback_grace_s:
                break

    # --- barge-in and finishing -----------------------------------------------------

    async def _barge_in(self) -> None:
        reply = self._reply
        if reply is None or reply.finished or reply.cancelled:
            return
        if reply.generation_done and not reply.is_audible():
            return
        await self._cancel_reply(reply, "barge_in")

    async def _cancel_reply(self, reply: ReplyTurn, reason: str) -> None:
        reply.cancelled = True
        # First the event, so clients flush their queued audio right away.
        await self.sink.send_event(InterruptedEvent(turn=reply.number, reason=reason))
        if reply.task is not None:
            reply.task.cancel()
        self._spawn(self._finish_interrupted(reply, reason))

    async def _finish_interrupted(self, reply: ReplyTurn, reason: str) -> None:
        if not reply.playback_reported.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(reply.playback_reported.wait(), timeout=self.config.playback_report_wait_s)
        await self._finish_reply(reply, interrupted_by=reason)

    async def _finish_reply(self, reply: ReplyTurn, *, interrupted_by: str, notify: bool = True) -> None:
        if reply.finished:
            return
        reply.finished = True
        reply.clock.finished = time.monotonic()
        interrupted = bool(interrupted_by)
        spoken = reply.spoken_text(reply.estimated_played_samples()) if interrupted else reply.text
        turn_id = None
        if reply.text or spoken:
            turn_id = await self.store.save_turn(
                SavedTurn(
                    index=reply.number,
                    role="assistant",
                    text=reply.text,
                    spoken_text=spoken,
                    started_at=reply.started_at,
                    ended_at=utc_now(),
                    source=reply.source,
                    emotion=reply.emotion,
                    interrupted=interrupted,
                    interrupted_by=interrupted_by,
                    llm_model=self.config.llm_model if reply.source != "greeting" else "",
                    audio_ms=1000 * reply.audio_seconds,
                    **reply.clock.timings().model_dump(),
                )
            )
        if notify and not self.closed:
            await self.sink.send_event(
                TurnEndEvent(
                    turn=reply.number,
                    id=turn_id,
                    user_turn_id=reply.user_turn_id,
                    text=spoken,
                    emotion=reply.emotion,
                    interrupted=interrupted,
                    audio_samples=reply.samples_sent,
                    sample_rate=reply.sample_rate,
                    timings=reply.clock.timings(),
                )
            )

    async def _error(self, code: str, message: str, turn: int | None = None) -> None:
        if not self.closed:
            await self.sink.send_event(ErrorEvent(code=str(code), message=message, turn=turn))


async def _single_delta(text: str):
    yield text
