"""A local fake of OpenAI's files and fine-tuning job endpoints, speaking the real wire format.

Usage::

    with FakeOpenAIFineTuneServer() as server:
        client = OpenAI(base_url=server.base_url, api_key="test")
        file = client.files.create(file=("train.jsonl", data), purpose="fine-tune")
        job = client.fine_tuning.jobs.create(training_file=file.id, model="gpt-4o-mini")

Each `GET /v1/fine_tuning/jobs/{id}` moves a job one step along `validating_files →
running → succeeded` (or `→ failed` when `outcome="failed"`), adding an event per step.
Uploads are parsed as multipart and each line is checked to be a `{"messages": [...]}`
object, like OpenAI's own file validation. `fail_uploads_with` answers uploads with that
HTTP status and an OpenAI error body.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.local_http import LocalHTTPServer, QuietHandler

FINE_TUNED_MODEL = "ft:gpt-4o-mini-2024-07-18:test-org::fake123"
_ids = itertools.count(1)


def _error(message: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}


class FakeOpenAIFineTuneServer(LocalHTTPServer):
    url_prefix = "/v1"

    """A threaded HTTP server on 127.0.0.1 for `/v1/files` and `/v1/fine_tuning/jobs`."""

    def __init__(self, outcome: str = "succeeded", fail_uploads_with: int | None = None) -> None:
        self.outcome = outcome
        self.fail_uploads_with = fail_uploads_with
        self.files: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path)
        self._lock = threading.Lock()
        super().__init__()

    # --- behaviour -------------------------------------------------------------------

    def upload(self, content_type: str, body: bytes) -> tuple[int, dict[str, Any]]:
        if self.fail_uploads_with:
            return self.fail_uploads_with, _error("Upload refused by the fake server.", "file")
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        parts = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
        if "file" not in parts or "purpose" not in parts:
            return 400, _error("Both 'file' and 'purpose' are required.", "file")
        data = parts["file"].get_payload(decode=True)
        purpose = parts["purpose"].get_payload(decode=True).decode()
        for number, line in enumerate(data.decode().splitlines(), 1):
            example = json.loads(line)
            if not isinstance(example.get("messages"), list) or not example["messages"]:
                return 400, _error(f"Line {number} has no messages.", "file", "invalid_file")
        file_id = f"file-fake{next(_ids)}"
        self.files[file_id] = {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": int(time.time()),
            "filename": parts["file"].get_filename(),
            "purpose": purpose,
            "status": "processed",
            "content": data,
        }
        return 200, {k: v for k, v in self.files[file_id].items() if k != "content"}

    def create_job(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        for param in ("training_file", "validation_file"):
            file_id = body.get(param)
            if file_id is not None and file_id not in self.files:
                return 400, _error(f"File {file_id!r} not found.", param, "file_not_found")
        if not body.get("model"):
            return 400, _error("model is required.", "model")
        job_id = f"ftjob-fake{next(_ids)}"
        self.jobs[job_id] = {
            "id": job_id,
            "object": "fine_tuning.job",
            "created_at": int(time.time()),
            "error": None,
            "fine_tuned_model": None,
            "finished_at": None,
            "hyperparameters": {"n_epochs": "auto", "batch_size": "auto", "learning_rate_multiplier": "auto"},
            "model": body["model"],
            "organization_id": "org-test",
            "result_files": [],
            "seed": 42,
            "status": "validating_files",
            "trained_tokens": None,
            "training_file": body["training_file"],
            "validation_file": body.get("validation_file"),
        }
        self.events[job_id] = []
        self._event(job_id, "info", f"Created fine-tuning job: {job_id}")
        return 200, self.jobs[job_id]

    def retrieve_job(self, job_id: str) -> tuple[int, dict[str, Any]]:
        job = self.jobs.get(job_id)
        if job is None:
            return 404, _error(f"No fine-tuning job {job_id!r}.", "id")
        if job["status"] == "validating_files":
            if self.outcome == "failed":
                job["status"] = "failed"
                job["finished_at"] = int(time.time())
                job["error"] = {
                    "code": "invalid_training_file",
                    "message": "The training file has too few examples.",
                    "param": "training_file",
                }
                self._event(job_id, "error", job["error"]["message"])
            else:
                job["status"] = "running"
                self._event(job_id, "info", "Files validated, moving job to queued state")
                self._event(job_id, "info", "Fine-tuning job started")
        elif job["status"] == "running":
            job["status"] = "succeeded"
            job["fine_tuned_model"] = FINE_TUNED_MODEL
            job["finished_at"] = int(time.time())
            job["trained_tokens"] = 1234
            self._event(job_id, "info", f"New fine-tuned model created: {FINE_TUNED_MODEL}")
            self._event(job_id, "info", "The job has successfully completed")
        return 200, job

    def list_events(self, job_id: str) -> tuple[int, dict[str, Any]]:
        if job_id not in self.jobs:
            return 404, _error(f"No fine-tuning job {job_id!r}.", "id")
        newest_first = list(reversed(self.events[job_id]))
        return 200, {"object": "list", "data": newest_first, "has_more": False}

    def _event(self, job_id: str, level: str, message: str) -> None:
        self.events[job_id].append(
            {
                "id": f"ftevent-fake{next(_ids)}",
                "object": "fine_tuning.job.event",
                "created_at": int(time.time()),
                "level": level,
                "message": message,
                "type": "message",
                "data": {},
            }
        )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def _send(self, status: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_POST(self) -> None:
                path = self.path.split("?")[0]
                server.requests.append(("POST", path))
                with server._lock:
                    if path == "/v1/files":
                        self._send(*server.upload(self.headers["Content-Type"], self._body()))
                    elif path == "/v1/fine_tuning/jobs":
                        self._send(*server.create_job(json.loads(self._body())))
                    else:
                        self._send(404, _error(f"Unknown path {path}"))

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                server.requests.append(("GET", path))
                parts = path.strip("/").split("/")
                with server._lock:
                    if parts[:3] == ["v1", "fine_tuning", "jobs"] and len(parts) == 4:
                        self._send(*server.retrieve_job(parts[3]))
                    elif parts[:3] == ["v1", "fine_tuning", "jobs"] and parts[4:] == ["events"]:
                        self._send(*server.list_events(parts[3]))
                    else:
                        self._send(404, _error(f"Unknown path {path}"))

        return Handler
