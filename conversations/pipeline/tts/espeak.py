"""Offline text-to-speech through libespeak-ng (ctypes), streamed with phoneme timings.

libespeak-ng keeps global state, so each loaded library is initialised once per process
and every synthesis runs on its own single worker thread; concurrent requests queue there.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from conversations.pipeline.interfaces import (
    PhonemeMark,
    ProviderError,
    ProviderUnavailable,
    SynthesizedAudio,
    VoiceSettings,
)

logger = logging.getLogger(__name__)

# Values from espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_INITIALIZE_PHONEME_IPA = 0x0002
_EVENT_LIST_TERMINATED = 0
_EVENT_PHONEME = 7
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000  # keep the sentence-final pause so streamed sentences do not run together
_PARAM_RATE = 1
_PARAM_PITCH = 3
_EE_OK = 0
_EE_NOT_FOUND = 2

# espeak's callback buffer in ms; the library raises anything below 60 to 60.
_CALLBACK_BUFFER_MS = 60
_DEFAULT_RATE_WPM = 175
_MIN_RATE_WPM, _MAX_RATE_WPM = 80, 450
# A pause has an empty phoneme name; "_" lets lip sync close the mouth there.
PAUSE_PHONEME = "_"

# Emotions nudge prosody only slightly: espeak has no real expressive voices, and large
# shifts sound robotic. Values are (pitch offset on espeak's 0..100 scale, rate factor).
EMOTION_PROSODY: dict[str, tuple[int, float]] = {
    "joy": (8, 1.08),
    "happy": (8, 1.08),
    "excited": (12, 1.12),
    "surprised": (12, 1.05),
    "angry": (4, 1.06),
    "sad": (-8, 0.9),
    "tired": (-6, 0.88),
    "calm": (-3, 0.95),
}

# Persona languages whose espeak voice name differs from the language code.
_LANGUAGE_TO_VOICE = {"zh": "cmn", "zh-cn": "cmn", "zh-tw": "cmn", "zh-hk": "yue"}


class _EventId(ctypes.Union):
    _fields_ = (
        ("number", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("string", ctypes.c_char * 8),
    )


class _EspeakEvent(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # ms since the start of this espeak_Synth call
        ("sample", ctypes.c_int),  # the same position in samples
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_EspeakEvent)
)


def espeak_voice_for(voice: VoiceSettings) -> str:
    """The espeak voice name for a persona: its explicit voice, else its language."""
    if voice.espeak_voice:
        return voice.espeak_voice
    language = (voice.language or "en").lower().replace("_", "-")
    return _LANGUAGE_TO_VOICE.get(language, language)


def prosody_for(voice: VoiceSettings, emotion: str | None) -> tuple[int, int]:
    """Return (rate in words per minute, pitch 0..100) for a voice and an emotion."""
    pitch_offset, rate_factor = EMOTION_PROSODY.get((emotion or "").lower(), (0, 1.0))
    rate = round(_DEFAULT_RATE_WPM * voice.speed * rate_factor)
    pitch = voice.pitch + pitch_offset
    return max(_MIN_RATE_WPM, min(_MAX_RATE_WPM, rate)), max(0, min(100, pitch))


class ChunkAssembler:
    """Coalesces espeak's small callback buffers into ~chunk-sized SynthesizedAudio.

    The first chunk goes out as soon as it holds any audio, to keep first-audio latency
    minimal. Marks arrive at absolute sample positions and leave as chunk offsets.
    """

    def __init__(self, sample_rate: int, chunk_samples: int) -> None:
        self.sample_rate = sample_rate
        self.chunk_samples = max(1, chunk_samples)
        self._pending = bytearray()
        self._pending_start = 0  # absolute sample index of the first pending sample
        self._marks: list[tuple[int, str]] = []
        self._sent_any = False

    def feed(self, pcm: bytes, marks: list[tuple[int, str]]) -> list[SynthesizedAudio]:
        """Add audio and its marks; return the chunks that are ready."""
        self._pending += pcm
        self._marks.extend(marks)
        pending_samples = len(self._pending) // 2
        if pending_samples and (not self._sent_any or pending_samples >= self.chunk_samples):
            return [self._take()]
        return []

    def finish(self) -> list[SynthesizedAudio]:
        """Return whatever audio is left; marks past the audio's end are dropped."""
        return [self._take()] if self._pending else []

    def _take(self) -> SynthesizedAudio:
        count = len(self._pending) // 2
        start, end = self._pending_start, self._pending_start + count
        # Marks for audio already sent (rare: espeak reports slightly late) go at offset 0.
        inside = [m for m in self._marks if m[0] < end]
        self._marks = [m for m in self._marks if m[0] >= end]
        phonemes = tuple(PhonemeMark(max(0, pos - start), name) for pos, name in inside)
        chunk = SynthesizedAudio(bytes(self._pending), self.sample_rate, phonemes)
        self._pending.clear()
        self._pending_start = end
        self._sent_any = True
        return chunk


_DONE = object()


@dataclass
class _SynthJob:
    """One synthesis request as seen by the espeak thread."""

    text: str
    voice_name: str
    rate: int
    pitch: int
    assembler: ChunkAssembler
    emit: Callable[[object], None]
    cancelled: threading.Event = field(default_factory=threading.Event)
    error: Exception | None = None


class _EspeakEngine:
    """One loaded libespeak-ng, initialised once, driven from one dedicated thread."""

    def __init__(self, library_path: str, data_path: str | None) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="espeak-ng")
        self._job: _SynthJob | None = None
        # Keep a reference: ctypes frees the trampoline if the Python object dies.
        self._callback = _SynthCallback(self._on_audio)
        self.sample_rate = self._executor.submit(self._load, library_path, data_path).result()

    def _load(self, library_path: str, data_path: str | None) -> int:
        try:
            lib = ctypes.CDLL(library_path)
        except OSError as exc:
            raise ProviderUnavailable("tts_unavailable", f"cannot load libespeak-ng: {exc}") from exc
        lib.espeak_Initialize.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = (_SynthCallback,)
        lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
        lib.espeak_SetParameter.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
        lib.espeak_Synth.argtypes = (
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        )
        options = _INITIALIZE_PHONEME_EVENTS | _INITIALIZE_PHONEME_IPA
        path = data_path.encode() if data_path else None
        sample_rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, _CALLBACK_BUFFER_MS, path, options)
        if sample_rate <= 0:
            raise ProviderUnavailable("tts_unavailable", f"espeak-ng failed to initialise (data path {data_path})")
        lib.espeak_SetSynthCallback(self._callback)
        self._lib = lib
        return sample_rate

    def submit(self, job: _SynthJob) -> None:
        """Queue a job on the espeak thread."""
        self._executor.submit(self._run, job)

    def _run(self, job: _SynthJob) -> None:
        if job.cancelled.is_set():
            return  # the consumer left while this job was queued behind others
        try:
            self._synthesize(job)
            for chunk in job.assembler.finish():
                job.emit(chunk)
            job.emit(_DONE)
        except ProviderError as exc:
            job.emit(exc)
        except Exception as exc:  # a crash here must reach the consumer, not die silently
            logger.exception("espeak-ng synthesis failed")
            job.emit(ProviderError("tts_error", f"espeak-ng synthesis failed: {exc}"))

    def _synthesize(self, job: _SynthJob) -> None:
        lib = self._lib
        # "ko-kr" has no voice of its own but "en-us" does: try the full name, then the base.
        names = dict.fromkeys((job.voice_name, job.voice_name.split("-")[0]))
        if not any(lib.espeak_SetVoiceByName(name.encode()) == _EE_OK for name in names):
            raise ProviderError("tts_config", f"espeak-ng has no voice {job.voice_name!r}")
        lib.espeak_SetParameter(_PARAM_RATE, job.rate, 0)
        lib.espeak_SetParameter(_PARAM_PITCH, job.pitch, 0)
        text = job.text.encode("utf-8") + b"\0"
        self._job = job
        try:
            status = lib.espeak_Synth(text, len(text), 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE, None, None)
        finally:
            self._job = None
        if job.error is not None:
            raise job.error
        if status != _EE_OK and not job.cancelled.is_set():
            raise ProviderError("tts_error", f"espeak_Synth failed with status {status}")

    def _on_audio(self, wav, num_samples: int, events) -> int:  # type: ignore[no-untyped-def]
        """espeak's callback, on the espeak thread: return 1 to abort synthesis."""
        job = self._job
        if job is None or job.cancelled.is_set():
            return 1
        try:
            self._deliver(job, wav, num_samples, events)
        except Exception as exc:  # raising into C would be swallowed: abort and report instead
            job.error = exc
            return 1
        return 1 if job.cancelled.is_set() else 0

    def _deliver(self, job: _SynthJob, wav, num_samples: int, events) -> None:  # type: ignore[no-untyped-def]
        marks = []
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            index += 1
            if event.type == _EVENT_PHONEME:
                name = event.id.string.decode("utf-8", "replace")
                if name.startswith("("):
                    continue  # "(en)"/"(ko)": a language switch, not a sound
                marks.append((self._sample_of(event), name or PAUSE_PHONEME))
        pcm = ctypes.string_at(wav, num_samples * 2) if num_samples > 0 and wav else b""
        for chunk in job.assembler.feed(pcm, marks):
            job.emit(chunk)

    def _sample_of(self, event: _EspeakEvent) -> int:
        # `sample` is exact; older builds may leave it 0, so fall back to the ms position.
        if event.sample > 0 or event.audio_position == 0:
            return event.sample
        return round(event.audio_position * self.sample_rate / 1000)


# Both the wheel's library and Debian's have the SONAME libespeak-ng.so.1, so the dynamic
# linker may hand back the one already loaded: a process gets exactly one engine.
_engine: _EspeakEngine | None = None
_engine_key: tuple[str, str | None] | None = None
_engine_lock = threading.Lock()


def default_library() -> tuple[str, str | None]:
    """Return (library path, data path): the espeakng-loader wheel, else Debian's library."""
    try:
        import espeakng_loader

        return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()
    except (ImportError, RuntimeError):  # RuntimeError: the wheel's data folder is missing
        return "libespeak-ng.so.1", None


def _library_for(library_path: str | None) -> tuple[str, str | None]:
    bundled_library, bundled_data = default_library()
    if library_path is None or library_path == bundled_library:
        return bundled_library, bundled_data
    return library_path, None  # a system build finds its own data


def _engine_for(library_path: str | None) -> _EspeakEngine:
    """The process-wide engine, loading the library on first use (blocking)."""
    global _engine, _engine_key
    key = _library_for(library_path)
    with _engine_lock:
        if _engine is None:
            _engine, _engine_key = _EspeakEngine(*key), key
        elif key != _engine_key:
            raise ProviderError(
                "tts_config",
                f"libespeak-ng is already loaded from {_engine_key[0]} in this process; cannot also load {key[0]}",
            )
        return _engine


class EspeakTTS:
    """The offline TextToSpeech: espeak-ng audio in ~chunk_ms chunks with IPA phoneme marks."""

    def __init__(self, library_path: str | None = None, chunk_ms: int = 100) -> None:
        self.library_path = library_path
        self.chunk_ms = chunk_ms

    @property
    def sample_rate(self) -> int:
        """The rate espeak-ng reported when it was initialised."""
        return _engine_for(self.library_path).sample_rate

    async def synthesize(
        self, text: str, *, voice: VoiceSettings, emotion: str | None = None
    ) -> AsyncIterator[SynthesizedAudio]:
        """Stream audio for `text`; stopping iteration aborts the synthesis."""
        if not text.strip():
            return
        loop = asyncio.get_running_loop()
        engine = _engine
        if engine is None or _library_for(self.library_path) != _engine_key:
            engine = await loop.run_in_executor(None, _engine_for, self.library_path)
        queue: asyncio.Queue[object] = asyncio.Queue()
        rate, pitch = prosody_for(voice, emotion)
        assembler = ChunkAssembler(engine.sample_rate, engine.sample_rate * self.chunk_ms // 1000)
        job = _SynthJob(text, espeak_voice_for(voice), rate, pitch, assembler, emit=lambda _: None)

        def emit(item: object) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the consumer's loop is closed: nobody is listening
                job.cancelled.set()

        job.emit = emit
        engine.submit(job)
        try:
            while (item := await queue.get()) is not _DONE:
                if isinstance(item, ProviderError):
                    raise item
                assert isinstance(item, SynthesizedAudio)
                yield item
        finally:
            job.cancelled.set()
