"""Chooses the pipeline's providers from settings; each is built once per process.

A provider name maps to a dotted path imported on first use, so an unused backend's
dependencies are never loaded.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from conversations.pipeline.session import Providers

log = logging.getLogger(__name__)

STT_BUILDERS = {
    "faster_whisper": "conversations.providers.build_faster_whisper",
    "openai": "conversations.providers.build_remote_whisper",
}
TTS_BUILDERS = {
    "espeak": "conversations.providers.build_espeak",
    "gpt_sovits": "conversations.providers.build_gpt_sovits",
    "openai": "conversations.providers.build_openai_tts",
}


def build_faster_whisper() -> Any:
    from conversations.pipeline.stt import FasterWhisperSTT

    return FasterWhisperSTT(
        settings.VOICE_STT_MODEL, device=settings.VOICE_STT_DEVICE, compute_type=settings.VOICE_STT_COMPUTE_TYPE
    )


def build_remote_whisper() -> Any:
    from conversations.pipeline.stt import RemoteWhisperSTT

    return RemoteWhisperSTT(
        settings.VOICE_STT_BASE_URL or None,
        settings.VOICE_STT_API_KEY or settings.OPENAI_API_KEY or None,
        model=settings.VOICE_STT_REMOTE_MODEL,
    )


def build_espeak() -> Any:
    from conversations.pipeline.tts.espeak import EspeakTTS

    return EspeakTTS()


def build_gpt_sovits() -> Any:
    from conversations.pipeline.tts.gpt_sovits import GPTSoVITSTTS

    return GPTSoVITSTTS(settings.GPT_SOVITS_URL, timeout_s=settings.GPT_SOVITS_TIMEOUT_S)


def build_openai_tts() -> Any:
    from conversations.pipeline.tts.openai_tts import OpenAITTS

    return OpenAITTS(settings.OPENAI_BASE_URL or None, settings.OPENAI_API_KEY or None, model=settings.OPENAI_TTS_MODEL)


def llm_is_offline() -> bool:
    """No key and no server configured: the labelled offline responder answers."""
    return not (settings.OPENAI_API_KEY or settings.OPENAI_BASE_URL)


@cache
def build_llm() -> Any:
    from conversations.pipeline.llm import OfflineResponder, OpenAIChatModel

    if llm_is_offline():
        log.warning("No OPENAI_API_KEY or OPENAI_BASE_URL: replies come from the offline responder.")
        return OfflineResponder(language=settings.LANGUAGE_CODE[:2])
    return OpenAIChatModel(
        settings.OPENAI_BASE_URL or None,
        settings.OPENAI_API_KEY or None,
        settings.LLM_MODEL,
        timeout_s=settings.LLM_TIMEOUT_S,
        first_token_timeout_s=settings.LLM_FIRST_TOKEN_TIMEOUT_S,
    )


@cache
def build_stt() -> tuple[Any, bool, str | None]:
    """The STT provider and whether it can be used; never raises (the app must start)."""
    name = settings.VOICE_STT_PROVIDER
    if name == "none":
        return None, False, "Speech recognition is turned off (VOICE_STT_PROVIDER=none); type instead."
    stt = import_string(STT_BUILDERS[name])()
    status = getattr(stt, "status", None)
    available, message = status() if status else (True, "")
    if not available:
        log.error("Speech recognition unavailable: %s", message)
    return stt, available, None if available else message


@cache
def build_tts(backend: str) -> Any:
    return import_string(TTS_BUILDERS[backend])()


def providers_for(tts_backend: str) -> Providers:
    """The providers for a persona whose TTS backend is `tts_backend` ('' = default)."""
    backend = tts_backend or settings.VOICE_TTS_PROVIDER
    stt, stt_available, stt_message = build_stt()
    tts = None if backend == "none" else build_tts(backend)
    return Providers(
        llm=build_llm(),
        stt=stt,
        tts=tts,
        stt_available=stt_available,
        stt_message=stt_message,
        tts_backend=backend,
    )
