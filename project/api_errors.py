"""One JSON error shape for the whole API: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "unauthenticated",
    status.HTTP_403_FORBIDDEN: "forbidden",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "too_large",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "rate_limited",
}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the API's error document."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def typed_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn DRF's errors into the typed error document."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "error_code", None) or _CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body(code, "The request has invalid fields.", detail)
    elif isinstance(exc, Http404):
        response.data = error_body("not_found", "Not found.")
    else:
        message = response.data.get("detail", str(exc)) if isinstance(response.data, dict) else str(exc)
        response.data = error_body(code, str(message))
    return response
