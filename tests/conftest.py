"""Shared fixtures: named users, a persona, the tiny Whisper, a fake LLM and a live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from personas.models import Persona
from tests.fakes.openai_chat_server import FakeOpenAIChatServer
from tests.support.live_server import LiveServer
from tests.support.tiny_whisper import build_tiny_whisper

# What the generated tiny Whisper hears in any audio; Korean, with a space.
SPOKEN_TRANSCRIPT = "안녕하세요 반가워요"
# The text the test speech says (espeak-ng), matching the transcript for realism.
SPOKEN_TEXT = "안녕하세요. 반가워요."
DEFAULT_LLM_REPLY = "[joy] 안녕하세요! 만나서 정말 반가워요. 오늘은 무엇을 이야기해 볼까요?"
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", "alice@example.com", "alice-password-1")


@pytest.fixture
def bob(db) -> User:
    return User.objects.create_user("bob", "bob@example.com", "bob-password-1")


@pytest.fixture
def admin_user_(db) -> User:
    return User.objects.create_superuser("root", "root@example.com", "root-password-1")


@pytest.fixture
def persona(db) -> Persona:
    return Persona.objects.create(
        name="Haru",
        slug="haru",
        description="A cheerful streamer.",
        system_prompt="너는 밝고 친절한 AI 버튜버 하루야. 짧게 대답해.",
        language="ko",
        emotions=["neutral", "joy", "sad", "angry", "surprised"],
    )


@pytest.fixture(scope="session")
def tiny_whisper_model(tmp_path_factory) -> Path:
    """A real CTranslate2 Whisper model that transcribes any audio as SPOKEN_TRANSCRIPT."""
    return build_tiny_whisper(tmp_path_factory.mktemp("tiny-whisper"), SPOKEN_TRANSCRIPT, "ko")


@pytest.fixture(scope="session")
def fake_llm_server() -> Iterator[FakeOpenAIChatServer]:
    with FakeOpenAIChatServer([DEFAULT_LLM_REPLY], token_delay_s=0.01) as server:
        yield server


@pytest.fixture
def fake_llm(fake_llm_server) -> Iterator[FakeOpenAIChatServer]:
    """The session's fake LLM, reset for this test (set `.replies` to script answers)."""
    fake_llm_server.replies = [DEFAULT_LLM_REPLY]
    fake_llm_server.token_delay_s = 0.01
    fake_llm_server.fail_with = None
    fake_llm_server.hang = False
    fake_llm_server.requests.clear()
    yield fake_llm_server


def voice_env(tiny_whisper_model: Path, llm: FakeOpenAIChatServer) -> dict[str, str]:
    """Settings that run the real pipeline on the tiny Whisper, espeak-ng and the fake LLM."""
    return {
        "VOICE_STT_PROVIDER": "faster_whisper",
        "VOICE_STT_MODEL": str(tiny_whisper_model),
        "VOICE_TTS_PROVIDER": "espeak",
        "OPENAI_API_KEY": "sk-test",
        "OPENAI_BASE_URL": llm.base_url,
        "LLM_MODEL": "gpt-test",
    }


@pytest.fixture(scope="session")
def live_server_process(django_db_setup, tiny_whisper_model, fake_llm_server, tmp_path_factory) -> Iterator[LiveServer]:
    """A real Daphne serving the app against the test database (tests use transactional_db)."""
    env = voice_env(tiny_whisper_model, fake_llm_server) | {"DEBUG": "true", "LOG_LEVEL": "INFO"}
    server = LiveServer(env, tmp_path_factory.mktemp("daphne") / "daphne.log").start()
    yield server
    server.stop()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "daphne.log").write_text(server.log_text())


@pytest.fixture
def voice_server(live_server_process, transactional_db, fake_llm) -> LiveServer:
    """The live server for one test, with committed data and a reset fake LLM."""
    return live_server_process


@pytest.fixture
def voice_settings(settings, tiny_whisper_model, fake_llm):
    """In-process settings for the real pipeline (tiny Whisper, espeak-ng, fake LLM)."""
    from conversations import providers

    for name, value in voice_env(tiny_whisper_model, fake_llm).items():
        setattr(settings, name, value)
    for builder in (providers.build_llm, providers.build_stt, providers.build_tts):
        builder.cache_clear()
    yield settings
    for builder in (providers.build_llm, providers.build_stt, providers.build_tts):
        builder.cache_clear()
