"""Speech output stage: sentences in; visemes, expressions and audio frames out."""

from __future__ import annotations

import asyncio
import logging
import time

from conversations.pipeline.audio import resample_pcm
from conversations.pipeline.emotion import EmotionChange
from conversations.pipeline.interfaces import (
    ProviderError,
    SynthesizedAudio,
    TextToSpeech,
    VisemeCue,
    VoiceSettings,
)
from conversations.pipeline.korean_normalizer import normalize_for_speech
from conversations.pipeline.ports import EventSink
from conversations.pipeline.reply import ReplyTurn, SpokenSegment
from conversations.pipeline.visemes import visemes_from_phonemes, visemes_from_text
from conversations.protocol import (
    AudioChunkHeader,
    ErrorEvent,
    ExpressionEvent,
    VisemeCueItem,
    VisemesEvent,
    encode_audio_chunk,
)

log = logging.getLogger(__name__)

# Sentinel that ends a sentence queue.
END_OF_REPLY = None
# Typical speaking rate, used to share a sentence's text among streamed chunks when the
# engine reports no phoneme timings (GPT-SoVITS, OpenAI).
SYLLABLES_PER_SECOND = 6.5


class TextCursor:
    """Hands out a sentence's text to audio chunks in proportion to their duration."""

    def __init__(self, text: str, speed: float) -> None:
        self.text = text
        self.position = 0
        self.chars_per_second = SYLLABLES_PER_SECOND * max(0.25, speed)

    def take(self, seconds: float) -> str:
        count = max(1, round(seconds * self.chars_per_second))
        piece = self.text[self.position : self.position + count]
        self.position += count
        return piece


class Speaker:
    """Synthesises a reply's sentences in order and sends them, timed for lip sync."""

    def __init__(
        self, tts: TextToSpeech | None, sink: EventSink, voice: VoiceSettings, language: str, max_lead_s: float = 2.0
    ) -> None:
        self.tts = tts
        # Audio is sent at most this far ahead of the listener's clock: synthesis that
        # far ahead is wasted on barge-in, and bursts would delay other sessions.
        self.max_lead_s = max_lead_s
        self.sink = sink
        self.voice = voice
        self.language = language
        self.failed = tts is None  # after a TTS failure the turn continues as text only

    async def speak(self, turn: ReplyTurn, queue: asyncio.Queue) -> None:
        """Consume sentences (and emotion changes) until END_OF_REPLY."""
        emotion = turn.emotion
        pending_expression: str | None = emotion
        while (item := await queue.get()) is not END_OF_REPLY:
            if isinstance(item, EmotionChange):
                # A later tag changes both the face and the voice preset from the next sentence.
                emotion = pending_expression = item.emotion
                continue
            if self.failed or turn.cancelled:
                turn.segments.append(SpokenSegment(item, turn.samples_sent, turn.samples_sent))
                continue
            pending_expression = await self._speak_sentence(turn, item, emotion, pending_expression)
        if turn.samples_sent and not turn.cancelled:
            await self._send_end_of_audio(turn)

    async def _send_end_of_audio(self, turn: ReplyTurn) -> None:
        # Only now is it known which chunk was the last: an empty chunk carries the flag,
        # so no chunk is held back (that would delay every first sound).
        header = AudioChunkHeader(
            turn=turn.number, seq=turn.next_seq, sample_rate=turn.sample_rate, first_sample=turn.samples_sent, last=True
        )
        await self.sink.send_audio(encode_audio_chunk(header, b""))
        turn.next_seq += 1

    async def _speak_sentence(self, turn: ReplyTurn, sentence: str, emotion: str, expression: str | None) -> str | None:
        """Speak one sentence; returns the expression still waiting for a chunk to carry it."""
        start_sample = turn.samples_sent
        cursor = TextCursor(sentence, self.voice.speed)
        speakable = normalize_for_speech(sentence, self.language)
        if turn.clock.tts_started is None:
            turn.clock.tts_started = time.monotonic()
        try:
            async for chunk in self.tts.synthesize(speakable, voice=self.voice, emotion=emotion):
                if turn.cancelled:
                    return expression
                if turn.clock.tts_first_audio is None:
                    turn.clock.tts_first_audio = time.monotonic()
                if await self._send_chunk(turn, chunk, cursor, expression):
                    expression = None
        except ProviderError as error:
            self.failed = True
            log.warning("TTS failed, continuing as text only: %s", error.message)
            await self.sink.send_event(ErrorEvent(code=error.code, message=error.message, turn=turn.number))
        turn.segments.append(SpokenSegment(sentence, start_sample, turn.samples_sent))
        return expression

    async def _send_chunk(
        self, turn: ReplyTurn, chunk: SynthesizedAudio, cursor: TextCursor, expression: str | None
    ) -> bool:
        """Send one chunk with its cues; False when nothing was sent (empty or cancelled)."""
        pcm, rate = chunk.pcm, chunk.sample_rate
        if turn.sample_rate is None:
            turn.sample_rate = rate
        elif rate != turn.sample_rate:
            # Offsets in a turn count in one rate; a stray rate is converted, not mixed.
            pcm, rate = resample_pcm(pcm, rate, turn.sample_rate), turn.sample_rate
        samples = len(pcm) // 2
        if samples == 0:
            return False
        await self._keep_pace(turn)
        if turn.cancelled:
            return False
        seq = turn.next_seq
        cues = self._cues(chunk, pcm, rate, samples, cursor)
        if expression:
            await self.sink.send_event(
                ExpressionEvent(turn=turn.number, seq=seq, offset=0, emotion=expression, intensity=1.0)
            )
        await self.sink.send_event(
            VisemesEvent(
                turn=turn.number,
                seq=seq,
                sample_rate=rate,
                cues=[VisemeCueItem(offset=cue.offset, viseme=cue.viseme, weight=cue.weight) for cue in cues],
            )
        )
        header = AudioChunkHeader(turn=turn.number, seq=seq, sample_rate=rate, first_sample=turn.samples_sent)
        if turn.cancelled:
            return False
        await self.sink.send_audio(encode_audio_chunk(header, pcm))
        if turn.clock.first_audio_sent is None:
            turn.clock.first_audio_sent = time.monotonic()
        turn.samples_sent += samples
        turn.next_seq += 1
        return True

    async def _keep_pace(self, turn: ReplyTurn) -> None:
        if turn.clock.first_audio_sent is None:
            return
        lead = turn.audio_seconds - (time.monotonic() - turn.clock.first_audio_sent)
        if lead > self.max_lead_s:
            await asyncio.sleep(lead - self.max_lead_s)

    def _cues(
        self, chunk: SynthesizedAudio, pcm: bytes, rate: int, samples: int, cursor: TextCursor
    ) -> list[VisemeCue]:
        if chunk.phonemes and rate == chunk.sample_rate:
            return visemes_from_phonemes(chunk.phonemes, samples)
        text = cursor.take(samples / rate)
        return visemes_from_text(text, samples, rate, pcm=pcm, language=self.language)
