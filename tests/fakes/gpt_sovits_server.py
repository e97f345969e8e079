"""A local stand-in for GPT-SoVITS api_v2 speaking its wire protocol (POST/GET /tts).

Like the real server it validates the required fields (HTTP 400 {"message": ...}),
and in streaming mode sends a WAV header with a zero data length followed by raw
int16 PCM, using chunked transfer encoding as FastAPI's StreamingResponse does.
"""

from __future__ import annotations

import io
import json
import math
import threading
import time
import wave
from array import array
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.local_http import LocalHTTPServer, QuietHandler

LANGUAGES = {"auto", "auto_yue", "en", "zh", "ja", "yue", "ko", "all_zh", "all_ja", "all_yue"}
LANGUAGES |= {"all_ko"}
MEDIA_TYPES = {"wav", "raw", "ogg", "aac"}
CUT_METHODS = {f"cut{i}" for i in range(6)}


@dataclass
class RecordedRequest:
    """One /tts request as the fake saw it, and the PCM it answered with."""

    method: str
    params: dict[str, Any]
    pcm: bytes = b""


def tone_pcm(text: str, sample_rate: int) -> bytes:
    """A 220 Hz tone of 0.2 s plus 0.05 s per character: longer text, longer audio."""
    count = int(sample_rate * (0.2 + 0.05 * len(text)))
    step = 2 * math.pi * 220 / sample_rate
    return array("h", (int(8000 * math.sin(step * i)) for i in range(count))).tobytes()


def wav_header(sample_rate: int, channels: int = 1, sample_width: int = 2) -> bytes:
    """The header api_v2 streams first: a WAV written with no frames (data length 0)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(sample_width)
        wav.setframerate(sample_rate)
        wav.writeframes(b"")
    return buffer.getvalue()


def _is_streaming(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() not in {"", "0", "false"}
    return bool(value)


class FakeGPTSoVITSServer(LocalHTTPServer):
    """Threaded fake of api_v2 on 127.0.0.1; use as a context manager or call close()."""

    def __init__(
        self,
        sample_rate: int = 32000,
        fail_message: str | None = None,
        chunk_delay_s: float = 0.0,
        chunk_bytes: int = 4001,
        header_channels: int = 1,
        header_sample_width: int = 2,
    ) -> None:
        self.sample_rate = sample_rate
        self.fail_message = fail_message
        self.chunk_delay_s = chunk_delay_s
        # Odd on purpose: network chunks then split samples, as real TCP reads may.
        self.chunk_bytes = chunk_bytes
        self.header_channels = header_channels
        self.header_sample_width = header_sample_width
        self.requests: list[RecordedRequest] = []
        self.max_concurrency = 0
        self._active = 0
        self._lock = threading.Lock()
        super().__init__()

    def validation_error(self, params: dict[str, Any]) -> str | None:
        """The message api_v2's check_params would answer with, or None."""
        if self.fail_message is not None:
            return self.fail_message
        for name in ("text", "text_lang", "ref_audio_path", "prompt_lang"):
            if not params.get(name):
                return f"{name} is required"
        for name in ("text_lang", "prompt_lang"):
            if str(params[name]).lower() not in LANGUAGES:
                return f"{name}: {params[name]} is not supported in version v2"
        if params.get("media_type", "wav") not in MEDIA_TYPES:
            return f"media_type: {params['media_type']} is not supported"
        if params.get("text_split_method", "cut5") not in CUT_METHODS:
            return f"text_split_method:{params['text_split_method']} is not supported"
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != "/tts":
                    return self._send_json(404, {"detail": "Not Found"})
                server._serve_tts(self, "GET", dict(parse_qsl(url.query)))

            def do_POST(self) -> None:
                if urlsplit(self.path).path != "/tts":
                    return self._send_json(404, {"detail": "Not Found"})
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    params = json.loads(body or b"{}")
                except json.JSONDecodeError:
                    return self._send_json(422, {"detail": "invalid JSON"})
                server._serve_tts(self, "POST", params)

            def _send_json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def _serve_tts(self, handler: Any, method: str, params: dict[str, Any]) -> None:
        record = RecordedRequest(method, params)
        with self._lock:
            self.requests.append(record)
            self._active += 1
            self.max_concurrency = max(self.max_concurrency, self._active)
        try:
            error = self.validation_error(params)
            if error is not None:
                handler._send_json(400, {"message": error})
                return
            record.pcm = tone_pcm(str(params["text"]), self.sample_rate)
            media_type = params.get("media_type", "wav")
            if _is_streaming(params.get("streaming_mode", False)):
                self._stream(handler, media_type, record.pcm)
            else:
                self._send_whole(handler, media_type, record.pcm)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up mid-stream (barge-in)
        finally:
            with self._lock:
                self._active -= 1

    def _header(self) -> bytes:
        return wav_header(self.sample_rate, self.header_channels, self.header_sample_width)

    def _stream(self, handler: Any, media_type: str, pcm: bytes) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", f"audio/{media_type}")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        pieces = [self._header()] if media_type == "wav" else []
        pieces += [pcm[i : i + self.chunk_bytes] for i in range(0, len(pcm), self.chunk_bytes)]
        for piece in pieces:
            if self.chunk_delay_s:
                time.sleep(self.chunk_delay_s)
            handler.wfile.write(f"{len(piece):X}\r\n".encode() + piece + b"\r\n")
            handler.wfile.flush()
        handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()

    def _send_whole(self, handler: Any, media_type: str, pcm: bytes) -> None:
        if media_type == "wav":
            buffer = io.BytesIO()
            with wave.open(buffer, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(self.sample_rate)
                wav.writeframes(pcm)
            body = buffer.getvalue()
        else:
            body = pcm
        handler.send_response(200)
        handler.send_header("Content-Type", f"audio/{media_type}")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
