"""Speech-to-text: real faster-whisper on a tiny built model, and the OpenAI transcription API."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conversations.pipeline.audio import read_wav, resample_pcm
from conversations.pipeline.interfaces import ProviderError, ProviderUnavailable, SpeechToText
from conversations.pipeline.stt import FasterWhisperSTT, RemoteWhisperSTT, load_whisper_model
from tests.pipeline.conftest import TINY_WHISPER_TRANSCRIPT
from tests.support.tiny_whisper import build_tiny_whisper


async def test_transcribes_spoken_korean_exactly(tiny_whisper_dir, korean_speech):
    stt = FasterWhisperSTT(str(tiny_whisper_dir), cpu_threads=1)
    assert isinstance(stt, SpeechToText)
    transcript = await stt.transcribe(korean_speech, 16_000, "ko")
    assert transcript.text == TINY_WHISPER_TRANSCRIPT
    assert transcript.language == "ko"


async def test_other_sample_rates_are_resampled_first(tiny_whisper_dir, korean_speech):
    stt = FasterWhisperSTT(str(tiny_whisper_dir), cpu_threads=1)
    at_48k = resample_pcm(korean_speech, 16_000, 48_000)
    transcript = await stt.transcribe(at_48k, 48_000, "ko")
    assert transcript.text == TINY_WHISPER_TRANSCRIPT


async def test_language_is_detected_when_not_given(tiny_whisper_dir, korean_speech):
    stt = FasterWhisperSTT(str(tiny_whisper_dir), cpu_threads=1)
    transcript = await stt.transcribe(korean_speech, 16_000, None)
    assert transcript == type(transcript)(TINY_WHISPER_TRANSCRIPT, "ko")


async def test_model_is_loaded_once_per_process(tiny_whisper_dir):
    first = FasterWhisperSTT(str(tiny_whisper_dir), cpu_threads=1)
    second = FasterWhisperSTT(str(tiny_whisper_dir), cpu_threads=1)
    await first.warm_up()
    await second.warm_up()
    ok, message = second.status()
    assert ok and "loaded" in message
    assert load_whisper_model(str(tiny_whisper_dir)) is load_whisper_model(str(tiny_whisper_dir))


async def test_transcription_runs_off_the_event_loop(tiny_whisper_dir, korean_speech):
    worker_threads: list[str] = []

    class RecordingExecutor(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            def wrapped():
                worker_threads.append(threading.current_thread().name)
                return fn(*args, **kwargs)

            return super().submit(wrapped)

    executor = RecordingExecutor(max_workers=1, thread_name_prefix="test-stt")
    stt = FasterWhisperSTT(str(tiny_whisper_dir), cpu_threads=1, executor=executor)
    await stt.warm_up()
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.002)

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    # Three utterances back to back make the window long enough to measure.
    for _ in range(3):
        assert (await stt.transcribe(korean_speech, 16_000, "ko")).text == TINY_WHISPER_TRANSCRIPT
    elapsed = time.perf_counter() - started
    ticking.cancel()
    executor.shutdown()
    during = [t for t in ticks if t >= started]
    gaps = [b - a for a, b in itertools.pairwise(ticks) if b >= started]
    assert worker_threads and all(name.startswith("test-stt") for name in worker_threads)
    assert len(during) >= 5
    assert max(gaps) < elapsed / 2


def test_tiny_whisper_builds_fast_and_small(tmp_path):
    started = time.perf_counter()
    folder = build_tiny_whisper(tmp_path / "model", "반갑습니다")
    assert time.perf_counter() - started < 1.0
    assert sum(f.stat().st_size for f in folder.iterdir()) < 3_000_000
    with pytest.raises(ValueError, match="suppress"):
        build_tiny_whisper(tmp_path / "bad", "a - b")


async def test_unknown_repo_id_is_unavailable(tmp_path):
    stt = FasterWhisperSTT("no-such-org/no-such-model", download_root=str(tmp_path))
    ok, message = stt.status()
    assert not ok and "no-such-org/no-such-model" in message


async def test_missing_model_folder_is_unavailable_with_a_fix(tmp_path):
    stt = FasterWhisperSTT(str(tmp_path / "no-such-model"))
    ok, message = stt.status()
    assert not ok
    assert "prefetch_stt_model" in message and "VOICE_STT_MODEL" in message
    with pytest.raises(ProviderUnavailable) as raised:
        await stt.transcribe(b"\x00\x00" * 1600, 16_000, "ko")
    assert raised.value.code == "stt_unavailable"
    assert "no-such-model" in raised.value.message
    assert "prefetch_stt_model" in raised.value.message


async def test_model_folder_without_tokenizer_is_unavailable(tiny_whisper_dir, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("model.bin", "config.json", "vocabulary.json"):
        (broken / name).write_bytes((tiny_whisper_dir / name).read_bytes())
    stt = FasterWhisperSTT(str(broken))
    ok, message = stt.status()
    assert not ok and "tokenizer.json" in message
    with pytest.raises(ProviderUnavailable, match=r"tokenizer\.json"):
        await stt.warm_up()


async def test_size_name_not_downloaded_is_unavailable_without_network(tmp_path):
    stt = FasterWhisperSTT("tiny", download_root=str(tmp_path / "hf-cache"))
    started = time.perf_counter()
    ok, message = stt.status()
    assert not ok and "'tiny'" in message and "prefetch_stt_model" in message
    with pytest.raises(ProviderUnavailable):
        await stt.warm_up()
    assert time.perf_counter() - started < 5  # never waits on a download


@dataclass
class FakeTranscriptionServer:
    """A local stand-in speaking OpenAI's POST /v1/audio/transcriptions wire protocol."""

    reply_text: str = " 안녕하세요 "
    status: int = 200
    delay_s: float = 0.0
    requests: list[dict] = field(default_factory=list)
    base_url: str = ""


@pytest.fixture
def transcription_server() -> Iterator[FakeTranscriptionServer]:
    state = FakeTranscriptionServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
            message = BytesParser(policy=HTTP).parsebytes(head + body)
            parts = {
                part.get_param("name", header="content-disposition"): part
                for part in message.iter_parts()
            }
            state.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "fields": {
                        name: part.get_payload(decode=True).decode()
                        for name, part in parts.items()
                        if name != "file"
                    },
                    "file": parts["file"].get_payload(decode=True),
                    "filename": parts["file"].get_filename(),
                    "file_type": parts["file"].get_content_type(),
                }
            )
            time.sleep(state.delay_s)
            if state.status == 200:
                payload = {"text": state.reply_text}
            else:
                payload = {"error": {"message": "model overloaded", "type": "server_error"}}
            data = json.dumps(payload).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield state
    server.shutdown()
    server.server_close()


async def test_remote_stt_posts_the_wav_and_language(transcription_server, korean_speech):
    stt = RemoteWhisperSTT(transcription_server.base_url, "sk-test", model="whisper-large-v3")
    transcript = await stt.transcribe(korean_speech, 16_000, "ko")
    await stt.aclose()
    assert transcript.text == "안녕하세요"
    assert transcript.language == "ko"
    (request,) = transcription_server.requests
    assert request["path"] == "/v1/audio/transcriptions"
    assert request["authorization"] == "Bearer sk-test"
    assert request["fields"] == {"model": "whisper-large-v3", "language": "ko"}
    assert request["filename"] == "utterance.wav"
    assert request["file_type"] == "audio/wav"
    assert read_wav(request["file"]) == (korean_speech, 16_000)


async def test_remote_stt_leaves_language_out_when_unknown(transcription_server):
    stt = RemoteWhisperSTT(transcription_server.base_url, None)
    await stt.transcribe(b"\x01\x00" * 1600, 16_000, None)
    await stt.aclose()
    assert transcription_server.requests[0]["fields"] == {"model": "whisper-1"}


async def test_remote_stt_server_error_is_stt_error(transcription_server):
    transcription_server.status = 500
    stt = RemoteWhisperSTT(transcription_server.base_url, "k")
    with pytest.raises(ProviderError) as raised:
        await stt.transcribe(b"\x00\x00" * 1600, 16_000, "ko")
    await stt.aclose()
    assert raised.value.code == "stt_error"


async def test_remote_stt_slow_server_is_stt_timeout(transcription_server):
    transcription_server.delay_s = 1.0
    stt = RemoteWhisperSTT(transcription_server.base_url, "k", timeout_s=0.2)
    with pytest.raises(ProviderError) as raised:
        await stt.transcribe(b"\x00\x00" * 1600, 16_000, "ko")
    await stt.aclose()
    assert raised.value.code == "stt_timeout"


async def test_remote_stt_unreachable_server_is_stt_error():
    stt = RemoteWhisperSTT("http://127.0.0.1:9/v1", "k", timeout_s=2)
    with pytest.raises(ProviderError) as raised:
        await stt.transcribe(b"\x00\x00" * 1600, 16_000, "ko")
    await stt.aclose()
    assert raised.value.code == "stt_error"
