"""Health and metrics endpoints, answered before Django looks at the Host header.

Prometheus scrapes each web replica by its IP address, which ALLOWED_HOSTS cannot list;
these two read-only paths therefore skip host validation (the proxy keeps /metrics
off the public internet).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from conversations import metrics as _registered_metrics  # noqa: F401  (exported even before any socket)


def health(_request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def metrics(_request: HttpRequest) -> HttpResponse:
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": health, "/metrics": metrics}


class ProbeMiddleware:
    """Answers /healthz and /metrics first, for any Host."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        return probe(request) if probe else self.get_response(request)
