"""Speech-to-text: faster-whisper in-process, or a remote OpenAI-compatible transcription API."""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import TYPE_CHECKING

import openai

from conversations.pipeline.audio import pcm_to_float32, resample_pcm, wav_bytes
from conversations.pipeline.interfaces import (
    INPUT_SAMPLE_RATE,
    ProviderError,
    ProviderUnavailable,
    Transcript,
)

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

_HOW_TO_FIX = (
    "run `python manage.py prefetch_stt_model` on a machine with network access, "
    "or set VOICE_STT_MODEL to a local CTranslate2 Whisper folder "
    "(model.bin, config.json, vocabulary, tokenizer.json)"
)

_models: dict[tuple[str, str, str], WhisperModel] = {}
_models_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _default_executor() -> ThreadPoolExecutor:
    """Threads reserved for STT so transcriptions never queue behind other blocking work."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stt")
        return _executor


def _looks_like_path(model: str) -> bool:
    # "org/name" is a Hugging Face repo id, not a relative path, unless it exists here.
    return os.path.isabs(model) or model.startswith((".", "~")) or os.path.isdir(model)


def resolve_model_dir(model: str, download_root: str | None = None) -> str:
    """Local folder for a model path or size name, never downloading; raises ProviderUnavailable."""
    if _looks_like_path(model):
        folder = os.path.expanduser(model)
        if not os.path.isdir(folder):
            raise ProviderUnavailable(
                "stt_unavailable", f"Whisper model folder {folder!r} does not exist: {_HOW_TO_FIX}."
            )
    else:
        from faster_whisper.utils import download_model

        try:
            # Realtime code never downloads: a missing model is a deployment step to fix.
            folder = download_model(model, local_files_only=True, cache_dir=download_root)
        except Exception as error:
            raise ProviderUnavailable(
                "stt_unavailable",
                f"Whisper model {model!r} is not available locally ({error}): {_HOW_TO_FIX}.",
            ) from error
    missing = [name for name in ("model.bin", "tokenizer.json") if not os.path.isfile(os.path.join(folder, name))]
    if missing:
        # Without tokenizer.json faster-whisper would try the network and hang or fail.
        raise ProviderUnavailable(
            "stt_unavailable",
            f"Whisper model folder {folder!r} lacks {', '.join(missing)}: {_HOW_TO_FIX}.",
        )
    return folder


def load_whisper_model(
    model: str,
    device: str = "cpu",
    compute_type: str = "int8",
    cpu_threads: int = 0,
    download_root: str | None = None,
) -> WhisperModel:
    """The process-wide WhisperModel for (model, device, compute_type), loaded once."""
    key = (model, device, compute_type)
    loaded = _models.get(key)
    if loaded is not None:
        return loaded
    with _models_lock:
        if key not in _models:
            folder = resolve_model_dir(model, download_root)
            from faster_whisper import WhisperModel

            try:
                _models[key] = WhisperModel(folder, device=device, compute_type=compute_type, cpu_threads=cpu_threads)
            except Exception as error:
                raise ProviderUnavailable(
                    "stt_unavailable",
                    f"Whisper model {model!r} failed to load on {device}/{compute_type} ({error}): {_HOW_TO_FIX}.",
                ) from error
        return _models[key]


class FasterWhisperSTT:
    """In-process Whisper through faster-whisper (CTranslate2), run on worker threads."""

    def __init__(
        self,
        model: str,
        device: str = "cpu",
        compute_type: str = "int8",
        beam_size: int = 1,
        temperature: float = 0.0,
        cpu_threads: int = 0,
        executor: Executor | None = None,
        download_root: str | None = None,
    ) -> None:
        self.model = model
        self.device = device
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.temperature = temperature
        self.cpu_threads = cpu_threads
        self.download_root = download_root
        self._executor = executor

    def _load(self) -> WhisperModel:
        return load_whisper_model(self.model, self.device, self.compute_type, self.cpu_threads, self.download_root)

    def status(self) -> tuple[bool, str]:
        """Whether the model is loaded or loadable, and why not; never raises."""
        if (self.model, self.device, self.compute_type) in _models:
            return True, f"Whisper model {self.model!r} loaded"
        try:
            folder = resolve_model_dir(self.model, self.download_root)
        except ProviderUnavailable as error:
            return False, error.message
        return True, f"Whisper model {self.model!r} found at {folder}, loads on first use"

    async def warm_up(self) -> None:
        """Load the model now (off the event loop) instead of on the first utterance."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor or _default_executor(), self._load)

    async def transcribe(self, pcm: bytes, sample_rate: int, language: str | None) -> Transcript:
        """Transcribe one endpointed utterance; `language` is forced when given."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor or _default_executor(),
            self._transcribe_blocking,
            pcm,
            sample_rate,
            language,
        )

    def _transcribe_blocking(self, pcm: bytes, sample_rate: int, language: str | None) -> Transcript:
        model = self._load()
        if sample_rate != INPUT_SAMPLE_RATE:
            pcm = resample_pcm(pcm, sample_rate, INPUT_SAMPLE_RATE)
        audio = pcm_to_float32(pcm)
        if audio.size == 0:
            return Transcript("", language)
        try:
            segments, info = model.transcribe(
                audio,
                language=language or None,
                task="transcribe",
                beam_size=self.beam_size,
                temperature=self.temperature,
                # The endpointer already cut the utterance; a second VAD only costs time.
                vad_filter=False,
                condition_on_previous_text=False,
                without_timestamps=True,
            )
            # `segments` is lazy: decoding happens here, on this worker thread.
            text = "".join(segment.text for segment in segments).strip()
        except Exception as error:
            raise ProviderError("stt_error", f"Whisper transcription failed: {error}") from error
        return Transcript(text, info.language or language)


class RemoteWhisperSTT:
    """Whisper behind the OpenAI transcription API (OpenAI or a self-hosted server)."""

    def __init__(
        self,
        base_url: str | None,
        api_key: str | None,
        model: str = "whisper-1",
        timeout_s: float = 30.0,
    ) -> None:
        self.model = model
        self.timeout_s = timeout_s
        self._client = openai.AsyncOpenAI(
            base_url=base_url,
            # Self-hosted faster-whisper servers accept any key.
            api_key=api_key or "not-needed",
            timeout=timeout_s,
            # A realtime turn would rather fail fast and say so than retry silently.
            max_retries=0,
        )

    async def transcribe(self, pcm: bytes, sample_rate: int, language: str | None) -> Transcript:
        """Upload the utterance as WAV and return the server's transcript."""
        extra = {"language": language} if language else {}
        try:
            result = await self._client.audio.transcriptions.create(
                file=("utterance.wav", wav_bytes(pcm, sample_rate), "audio/wav"),
                model=self.model,
                **extra,
            )
        except openai.APITimeoutError as error:
            raise ProviderError(
                "stt_timeout", f"transcription server gave no answer in {self.timeout_s:g} s"
            ) from error
        except openai.APIError as error:
            raise ProviderError("stt_error", f"transcription server failed: {error}") from error
        return Transcript(result.text.strip(), language)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._client.close()


def prefetch_model(model: str, download_root: str | None = None) -> str:
    """Download a Whisper model (deployment step); returns its local folder."""
    from faster_whisper.utils import download_model

    folder = download_model(model, cache_dir=download_root)
    return resolve_model_dir(folder)
