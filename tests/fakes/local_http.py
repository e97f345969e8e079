"""The shared lifecycle of every local fake server: a threaded HTTP server on 127.0.0.1:0."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class LocalHTTPServer:
    """Serves `_handler_class()` from a daemon thread until `close()`; a context manager.

    Subclasses set their own state first, then call `super().__init__()`.
    """

    url_prefix = ""  # e.g. "/v1" for OpenAI-style clients

    def __init__(self) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        # A short poll interval keeps close() (and so each test) fast.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        """The URL to hand to the client under test."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{self.url_prefix}"

    def _before_close(self) -> None:
        """Hook: release handlers that are waiting on purpose."""

    def close(self) -> None:
        """Stop serving and free the port."""
        self._before_close()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 handler that streams promptly and keeps test output clean."""

    protocol_version = "HTTP/1.1"
    # Like uvicorn: without TCP_NODELAY each small streamed chunk waits for a delayed ACK.
    disable_nagle_algorithm = True

    def log_message(self, *args: object) -> None:
        pass
