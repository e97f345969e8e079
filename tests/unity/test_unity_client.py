"""The Unity client's engine-free C# core: built with mono, run on the golden fixtures and the live server."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.tokens import issue_token
from conversations.history import start_conversation
from conversations.pipeline.audio import wav_bytes
from tests.conftest import SPOKEN_TEXT, SPOKEN_TRANSCRIPT
from tests.support.speech import spoken_korean_wav

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "unity-client"
BUILD = CLIENT / "build"
FIXTURES = ROOT / "tests" / "fixtures" / "protocol"
# Long enough (~4 s of streamed tokens) that the barge-in lands while the avatar still talks.
LONG_REPLY = "[joy] " + " ".join(["오늘은 하늘이 맑고 바람이 시원해서 산책하기 정말 좋은 날이에요."] * 6)


@pytest.fixture(scope="session")
def unity_build() -> Path:
    """Compile the core, the conformance runner and the fixture program once per session."""
    if shutil.which("mcs") is None or shutil.which("mono") is None:
        pytest.skip("mono's mcs is not installed (apt-get install mono-mcs mono-devel): the C# core cannot be built")
    result = subprocess.run(["bash", str(CLIENT / "build.sh")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"build.sh failed:\n{result.stdout}\n{result.stderr}"
    return BUILD


def run_mono(build: Path, program: str, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["mono", "--debug", str(build / program), *args], capture_output=True, text=True, timeout=timeout
    )


def test_core_parses_every_golden_fixture(unity_build):
    result = run_mono(unity_build, "fixtures.exe", str(FIXTURES), timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout


@pytest.mark.parametrize("barge_in", ["interrupt", "speech"])
def test_conformance_runner_talks_with_the_live_server(
    unity_build, voice_server, alice, persona, fake_llm, tmp_path, barge_in
):
    fake_llm.replies = ["[joy] 안녕하세요! 만나서 반가워요.", LONG_REPLY]
    fake_llm.token_delay_s = 0.03
    wav = tmp_path / "speech.wav"
    wav.write_bytes(wav_bytes(spoken_korean_wav(SPOKEN_TEXT, 16_000, 300, 1_200), 16_000))

    result = run_mono(
        unity_build,
        "conformance.exe",
        "--server",
        voice_server.http_url,
        "--username",
        "alice",
        "--password",
        "alice-password-1",
        "--persona",
        persona.slug,
        "--wav",
        str(wav),
        "--transcript",
        SPOKEN_TRANSCRIPT,
        "--barge-in",
        barge_in,
        "--timeout",
        "60",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "CONFORMANCE PASSED" in result.stdout


def test_runner_reports_bad_credentials(unity_build, voice_server, alice, persona, tmp_path):
    wav = tmp_path / "speech.wav"
    wav.write_bytes(wav_bytes(spoken_korean_wav(SPOKEN_TEXT), 16_000))

    result = run_mono(
        unity_build,
        "conformance.exe",
        "--server",
        voice_server.http_url,
        "--username",
        "alice",
        "--password",
        "wrong-password",
        "--wav",
        str(wav),
        "--transcript",
        SPOKEN_TRANSCRIPT,
        timeout=60,
    )

    assert result.returncode == 3, result.stdout + result.stderr
    assert "username or password is wrong" in result.stdout


@pytest.mark.parametrize("reason", ["expired", "revoked"])
def test_refused_token_is_reported(unity_build, voice_server, alice, persona, reason):
    issued = issue_token(alice, name="unity test")
    if reason == "expired":
        issued.token.expires_at = timezone.now() - timedelta(minutes=1)
        issued.token.save(update_fields=["expires_at"])
    else:
        issued.token.revoke()
    conversation = start_conversation(alice, persona)

    result = run_mono(
        unity_build,
        "conformance.exe",
        "--server",
        voice_server.http_url,
        "--token",
        issued.secret,
        "--persona",
        persona.slug,
        "--expect-refusal",
        f"token_{reason}",
        "--ws-path",
        f"/ws/conversations/{conversation.pk}/",
        "--timeout",
        "20",
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "websocket closes with 4401" in result.stdout
    assert f"401 token_{reason}" in result.stdout
