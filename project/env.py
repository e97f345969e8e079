"""Typed readers for settings that come from environment variables.

A bad value raises ImproperlyConfigured at start-up instead of surprising at run time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    return (os.environ if environ is None else environ).get(name)


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    """Return a string setting, stripped of surrounding whitespace."""
    value = _raw(name, environ)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool = False, environ: Mapping[str, str] | None = None) -> bool:
    """Return a boolean setting; only the usual spellings of true and false are accepted."""
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), got {value!r}")


def env_int(
    name: str,
    default: int,
    environ: Mapping[str, str] | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """Return an integer setting within optional bounds."""
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    _check_bounds(name, number, minimum, maximum)
    return number


def env_float(
    name: str,
    default: float,
    environ: Mapping[str, str] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    """Return a float setting within optional bounds."""
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None
    _check_bounds(name, number, minimum, maximum)
    return number


def env_list(name: str, default: list[str] | None = None, environ: Mapping[str, str] | None = None) -> list[str]:
    """Return a comma-separated list setting, empty items dropped."""
    value = _raw(name, environ)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...], environ: Mapping[str, str] | None = None) -> str:
    """Return a setting that must be one of `choices`."""
    value = env_str(name, default, environ)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def env_secret(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    """Return a secret from NAME, or from the file named by NAME_FILE (Docker secrets)."""
    file_name = _raw(f"{name}_FILE", environ)
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {error}") from None
    return env_str(name, default, environ)


def _check_bounds(name: str, number: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be <= {maximum}, got {number}")
