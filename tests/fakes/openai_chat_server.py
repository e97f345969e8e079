"""A local fake of OpenAI's chat completions endpoint that speaks the real wire format.

Usage::

    with FakeOpenAIChatServer(["[joy] 안녕하세요!"]) as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key="test")
        ...
        assert server.requests[0]["messages"][0]["role"] == "system"

`replies` is either a list (one reply per request, the last one repeats) or a
function from the request body to the reply text. Streaming requests get Server-Sent
Events (`data: {chunk}` lines, a final `finish_reason: "stop"` chunk, `data: [DONE]`);
non-streaming requests get one `chat.completion` object.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.local_http import LocalHTTPServer, QuietHandler

ReplySource = list[str] | Callable[[dict[str, Any]], str]

# Small deltas so that consumers really see a stream, as with a real model.
DELTA_CHARS = 3


def split_into_deltas(text: str, size: int = DELTA_CHARS) -> list[str]:
    """Cut a reply into deltas of a few characters each."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class FakeOpenAIChatServer(LocalHTTPServer):
    url_prefix = "/v1"

    """A threaded HTTP server on 127.0.0.1 answering `POST /v1/chat/completions`."""

    def __init__(
        self,
        replies: ReplySource,
        token_delay_s: float = 0.0,
        fail_with: int | None = None,
        hang: bool = False,
    ) -> None:
        self.replies = replies
        self.token_delay_s = token_delay_s
        self.fail_with = fail_with
        self.hang = hang
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # lower-cased header names
        self._release = threading.Event()
        super().__init__()

    def _before_close(self) -> None:
        self._release.set()

    def start(self) -> FakeOpenAIChatServer:
        """Kept for callers that start explicitly; the server already serves."""
        return self

    stop = LocalHTTPServer.close

    def reply_for(self, body: dict[str, Any]) -> str:
        """The reply text for a request: by function, or the n-th list entry."""
        if callable(self.replies):
            return self.replies(body)
        index = min(len(self.requests) - 1, len(self.replies) - 1)
        return self.replies[index]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send_json(404, {"error": {"message": "not found"}})
                    return
                server.requests.append(body)
                server.headers.append({k.lower(): v for k, v in self.headers.items()})
                if server.hang:
                    server._release.wait(timeout=60)
                    return
                if server.fail_with is not None:
                    self._send_error(server.fail_with)
                    return
                reply = server.reply_for(body)
                if body.get("stream"):
                    self._stream(body, reply)
                else:
                    self._send_json(200, _completion(body, reply))

            def _send_error(self, status: int) -> None:
                error = {
                    "message": f"fake error {status}",
                    "type": "invalid_request_error" if status < 500 else "server_error",
                    "code": None,
                }
                self._send_json(status, {"error": error})

            def _send_json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any], reply: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    first = {"role": "assistant", "content": ""}
                    self._event(_chunk(body, first, None))
                    for delta in split_into_deltas(reply):
                        if server.token_delay_s:
                            time.sleep(server.token_delay_s)
                        self._event(_chunk(body, {"content": delta}, None))
                    self._event(_chunk(body, {}, "stop"))
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client cancelled mid-stream, as barge-in does
                self.close_connection = True

            def _event(self, payload: dict[str, Any]) -> None:
                data = json.dumps(payload, ensure_ascii=False)
                self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()

        return Handler


def _chunk(body: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(body: dict[str, Any], reply: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
