"""OpenAITTS through the real openai client against a local /v1/audio/speech fake."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import numpy as np
import pytest

from conversations.pipeline.interfaces import ProviderError, TextToSpeech, VoiceSettings
from conversations.pipeline.tts.openai_tts import OPENAI_PCM_SAMPLE_RATE, OpenAITTS
from tests.fakes.local_http import LocalHTTPServer, QuietHandler

API_KEY = "sk-test-key"


class FakeSpeechServer(LocalHTTPServer):
    url_prefix = "/v1"

    """Answers POST /v1/audio/speech with chunked 24 kHz PCM, as OpenAI does for "pcm"."""

    def __init__(self, status: int = 200, chunk_delay_s: float = 0.0) -> None:
        self.status = status
        self.chunk_delay_s = chunk_delay_s
        self.requests: list[dict[str, Any]] = []
        self.sent: list[bytes] = []
        super().__init__()

    def pcm_for(self, text: str) -> bytes:
        """Noise whose length grows with the text, so every request's audio is distinct."""
        count = int(OPENAI_PCM_SAMPLE_RATE * (0.1 + 0.03 * len(text)))
        rng = np.random.default_rng(len(self.requests))
        return rng.integers(-8000, 8000, count, dtype="<i2").tobytes()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                body["authorization"] = self.headers.get("Authorization")
                server.requests.append(body)
                if self.path != "/v1/audio/speech":
                    return self._json(404, {"error": {"message": "unknown path"}})
                if body["authorization"] != f"Bearer {API_KEY}":
                    return self._json(401, {"error": {"message": "Incorrect API key provided"}})
                if server.status != 200:
                    return self._json(server.status, {"error": {"message": "model overloaded"}})
                pcm = server.pcm_for(body["input"])
                server.sent.append(pcm)
                self.send_response(200)
                self.send_header("Content-Type", "audio/pcm")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for start in range(0, len(pcm), 3333):  # odd sizes split samples
                    piece = pcm[start : start + 3333]
                    if server.chunk_delay_s:
                        time.sleep(server.chunk_delay_s)
                    self.wfile.write(f"{len(piece):X}\r\n".encode() + piece + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


@pytest.fixture
def server() -> Iterator[FakeSpeechServer]:
    fake = FakeSpeechServer()
    yield fake
    fake.close()


async def collect(tts: OpenAITTS, text: str, **kwargs: Any) -> list[Any]:
    kwargs.setdefault("voice", VoiceSettings(openai_voice="nova"))
    return [chunk async for chunk in tts.synthesize(text, **kwargs)]


async def test_streams_24khz_pcm_exactly_as_sent(server: FakeSpeechServer) -> None:
    tts = OpenAITTS(server.base_url, API_KEY, model="tts-1")
    assert isinstance(tts, TextToSpeech)
    chunks = await collect(tts, "안녕하세요. 만나서 반가워요.")

    assert len(chunks) > 1
    assert {c.sample_rate for c in chunks} == {24_000}
    assert all(len(c.pcm) % 2 == 0 for c in chunks)
    assert b"".join(c.pcm for c in chunks) == server.sent[0]
    request = server.requests[0]
    assert request["model"] == "tts-1" and request["voice"] == "nova"
    assert request["response_format"] == "pcm" and request["input"].startswith("안녕")
    assert "instructions" not in request  # tts-1 does not take instructions


async def test_emotion_and_speed_reach_models_that_take_them(server: FakeSpeechServer) -> None:
    tts = OpenAITTS(server.base_url, API_KEY)
    await collect(tts, "좋아요!", voice=VoiceSettings(openai_voice="alloy", speed=1.25), emotion="joy")
    await collect(tts, "네.", emotion="neutral")

    joyful, neutral = server.requests
    assert joyful["model"] == "gpt-4o-mini-tts" and "joy" in joyful["instructions"]
    assert joyful["speed"] == 1.25
    assert "instructions" not in neutral and "speed" not in neutral


async def test_wrong_key_is_a_tts_error_with_the_apis_message(server: FakeSpeechServer) -> None:
    with pytest.raises(ProviderError) as caught:
        await collect(OpenAITTS(server.base_url, "sk-wrong"), "hello")
    assert caught.value.code == "tts_error"
    assert "401" in caught.value.message and "Incorrect API key" in caught.value.message


async def test_server_error_is_reported_without_retrying() -> None:
    fake = FakeSpeechServer(status=503)
    try:
        with pytest.raises(ProviderError) as caught:
            await collect(OpenAITTS(fake.base_url, API_KEY), "hello")
    finally:
        fake.close()
    assert caught.value.code == "tts_error" and "503" in caught.value.message
    assert len(fake.requests) == 1


async def test_unreachable_server_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ProviderError) as caught:
        await collect(OpenAITTS(f"http://127.0.0.1:{port}/v1", API_KEY), "hello")
    assert caught.value.code == "tts_unavailable"


async def test_slow_server_times_out() -> None:
    fake = FakeSpeechServer(chunk_delay_s=0.5)
    try:
        with pytest.raises(ProviderError) as caught:
            await collect(OpenAITTS(fake.base_url, API_KEY, timeout_s=0.1), "hello")
    finally:
        fake.close()
    assert caught.value.code == "tts_timeout"
