"""State of one assistant reply: text, audio sent, playback heard, stage timings."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from conversations.protocol import Timings


def utc_now() -> datetime:
    return datetime.now(UTC)


def elapsed_ms(start: float | None, end: float | None) -> float | None:
    """Milliseconds between two monotonic readings, None if either is missing."""
    if start is None or end is None:
        return None
    return round(1000.0 * (end - start), 1)


@dataclass(slots=True)
class SpokenSegment:
    """A sentence and the span of the turn's audio samples it occupies."""

    text: str
    start_sample: int
    end_sample: int


@dataclass(slots=True)
class StageClock:
    """Monotonic timestamps of one turn's stages; None where a stage did not run."""

    speech_end: float  # when the user stopped speaking (or sent text)
    stt_started: float | None = None
    stt_done: float | None = None
    llm_started: float | None = None
    llm_first_token: float | None = None
    tts_started: float | None = None
    tts_first_audio: float | None = None
    first_audio_sent: float | None = None
    finished: float | None = None

    def timings(self) -> Timings:
        """The protocol's per-stage timings in milliseconds."""
        return Timings(
            stt_ms=elapsed_ms(self.stt_started, self.stt_done),
            llm_first_token_ms=elapsed_ms(self.llm_started, self.llm_first_token),
            tts_first_audio_ms=elapsed_ms(self.tts_started, self.tts_first_audio),
            voice_to_voice_ms=elapsed_ms(self.speech_end, self.first_audio_sent),
            total_ms=elapsed_ms(self.speech_end, self.finished),
        )


@dataclass(slots=True)
class ReplyTurn:
    """One assistant turn while it is generated, spoken and played."""

    number: int
    clock: StageClock
    source: str = "voice"
    started_at: datetime = field(default_factory=utc_now)
    emotion: str = "neutral"
    text: str = ""
    segments: list[SpokenSegment] = field(default_factory=list)
    samples_sent: int = 0
    sample_rate: int | None = None
    next_seq: int = 0
    played_samples: int = 0
    cancelled: bool = False
    finished: bool = False
    generation_done: bool = False
    playback_reported: asyncio.Event = field(default_factory=asyncio.Event)
    user_turn_id: int | None = None
    task: asyncio.Task | None = None  # the task generating this reply, cancelled on barge-in

    def report_playback(self, played_samples: int) -> None:
        """Record how far the client has played this turn's audio."""
        self.played_samples = max(self.played_samples, min(played_samples, self.samples_sent))
        self.playback_reported.set()

    @property
    def audio_seconds(self) -> float:
        return self.samples_sent / self.sample_rate if self.sample_rate else 0.0

    def playback_end(self) -> float | None:
        """Monotonic time when the client should finish playing what was sent."""
        if self.clock.first_audio_sent is None:
            return None
        return self.clock.first_audio_sent + self.audio_seconds

    def is_audible(self, now: float | None = None) -> bool:
        """Whether the client is presumably still playing this turn."""
        end = self.playback_end()
        if end is None or self.played_samples >= self.samples_sent > 0:
            return False
        return (now or time.monotonic()) < end

    def estimated_played_samples(self, now: float | None = None) -> int:
        """Played samples as reported, or estimated from the audio clock since first audio."""
        if self.playback_reported.is_set() or self.clock.first_audio_sent is None or not self.sample_rate:
            return self.played_samples
        seconds = (now or time.monotonic()) - self.clock.first_audio_sent
        return max(self.played_samples, min(self.samples_sent, int(seconds * self.sample_rate)))

    def spoken_text(self, played_samples: int) -> str:
        """The part of the reply the user actually heard, cut at a word boundary."""
        heard: list[str] = []
        for segment in self.segments:
            if played_samples >= segment.end_sample:
                heard.append(segment.text)
                continue
            if played_samples > segment.start_sample:
                fraction = (played_samples - segment.start_sample) / max(1, segment.end_sample - segment.start_sample)
                heard.append(_cut_at_word(segment.text, fraction))
            break
        return " ".join(part for part in heard if part).strip()


def _cut_at_word(text: str, fraction: float) -> str:
    cut = int(len(text) * fraction)
    boundary = text.rfind(" ", 0, cut + 1)
    return text[: boundary if boundary > 0 else cut].rstrip()
