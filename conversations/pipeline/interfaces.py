"""Provider contracts for the voice pipeline: one small interface per stage.

Nothing here imports Django, so every provider can be tested and benchmarked alone.
Audio is always PCM16 little-endian mono; offsets are counted in samples.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

# The protocol's input format; other rates are resampled at the edge.
INPUT_SAMPLE_RATE = 16_000

Role = Literal["system", "user", "assistant"]


class ProviderError(Exception):
    """A provider failed; `code` is the protocol error code sent to clients."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ProviderUnavailable(ProviderError):
    """A provider cannot be used at all (model missing, server down)."""


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class Transcript:
    text: str
    language: str | None = None


@dataclass(frozen=True, slots=True)
class PhonemeMark:
    """A phoneme reported by a TTS engine, at a sample offset into its chunk."""

    offset: int
    phoneme: str


@dataclass(frozen=True, slots=True)
class SynthesizedAudio:
    """One streamed TTS chunk: PCM16 mono plus the phonemes it contains, if known."""

    pcm: bytes
    sample_rate: int
    phonemes: tuple[PhonemeMark, ...] = ()

    @property
    def num_samples(self) -> int:
        return len(self.pcm) // 2

    @property
    def duration_ms(self) -> float:
        return 1000.0 * self.num_samples / self.sample_rate


@dataclass(frozen=True, slots=True)
class ReferenceClip:
    """A GPT-SoVITS reference clip: a path on the TTS server plus its transcript."""

    path: str
    prompt_text: str = ""
    prompt_lang: str = "ko"


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    """How a persona sounds; each TTS adapter reads the fields it understands."""

    language: str = "ko"
    espeak_voice: str = ""  # empty: derived from `language`
    speed: float = 1.0
    pitch: int = 50  # espeak 0..100
    openai_voice: str = "alloy"
    # GPT-SoVITS: one reference clip per emotion; "neutral" is the fallback.
    reference_clips: Mapping[str, ReferenceClip] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VisemeCue:
    """A mouth shape starting at `offset` samples into its audio chunk."""

    offset: int
    viseme: str
    weight: float = 1.0


@runtime_checkable
class SpeechToText(Protocol):
    """Turns one finished utterance into text. Must not block the event loop."""

    async def transcribe(self, pcm: bytes, sample_rate: int, language: str | None) -> Transcript: ...


@runtime_checkable
class LanguageModel(Protocol):
    """Streams a reply as text deltas. `offline` marks a labelled stand-in responder."""

    offline: bool

    def stream_reply(
        self,
        messages: Sequence[ChatMessage],
        *,
        model: str | None = None,
        temperature: float = 0.8,
    ) -> AsyncIterator[str]: ...


@runtime_checkable
class TextToSpeech(Protocol):
    """Streams audio for one speakable chunk of text."""

    def synthesize(
        self, text: str, *, voice: VoiceSettings, emotion: str | None = None
    ) -> AsyncIterator[SynthesizedAudio]: ...


@dataclass(frozen=True, slots=True)
class VadDecision:
    """Endpointing output: speech started or ended at a sample offset of the stream."""

    kind: Literal["start", "end"]
    offset: int  # samples since the stream began
    # For "end": the utterance PCM (16 kHz), pre-roll included.
    utterance: bytes = b""


class VoiceActivityDetector(Protocol):
    """Stateful per-connection endpointer fed 16 kHz PCM16 in any frame size."""

    def feed(self, pcm: bytes) -> list[VadDecision]: ...

    def reset(self) -> None: ...

    @property
    def speaking(self) -> bool: ...
