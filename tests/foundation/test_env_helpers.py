"""project/env.py reads typed settings and rejects bad values with ImproperlyConfigured."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from project.env import env_bool, env_choice, env_float, env_int, env_list, env_secret, env_str


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("off", False)]
)
def test_env_bool_reads_the_usual_spellings(raw, expected):
    assert env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "truee", "y"])
def test_env_bool_rejects_anything_else(raw):
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        env_bool("DEBUG", environ={"DEBUG": raw})


def test_env_bool_and_str_defaults():
    assert env_bool("DEBUG", True, environ={}) is True
    assert env_str("NAME", "fallback", environ={}) == "fallback"
    assert env_str("NAME", environ={"NAME": "  haru "}) == "haru"


def test_env_int_parses_and_checks_bounds():
    assert env_int("PORT", 1, environ={"PORT": " 8000 "}) == 8000
    assert env_int("PORT", 7, environ={"PORT": ""}) == 7
    assert env_int("PORT", 7, environ={}) == 7
    with pytest.raises(ImproperlyConfigured, match="PORT must be an integer"):
        env_int("PORT", 1, environ={"PORT": "80.5"})
    with pytest.raises(ImproperlyConfigured, match="PORT must be >= 1"):
        env_int("PORT", 1, environ={"PORT": "0"}, minimum=1)
    with pytest.raises(ImproperlyConfigured, match="PORT must be <= 10"):
        env_int("PORT", 1, environ={"PORT": "11"}, maximum=10)


def test_env_float_parses_and_checks_bounds():
    assert env_float("VAD", 0.5, environ={"VAD": "0.25"}) == 0.25
    assert env_float("VAD", 0.5, environ={}) == 0.5
    with pytest.raises(ImproperlyConfigured, match="VAD must be a number"):
        env_float("VAD", 0.5, environ={"VAD": "half"})
    with pytest.raises(ImproperlyConfigured, match=r"VAD must be <= 0\.99"):
        env_float("VAD", 0.5, environ={"VAD": "1.5"}, maximum=0.99)
    with pytest.raises(ImproperlyConfigured, match=r"VAD must be >= 0\.05"):
        env_float("VAD", 0.5, environ={"VAD": "0"}, minimum=0.05)


def test_env_choice_accepts_only_the_listed_values():
    choices = ("espeak", "gpt_sovits")
    assert env_choice("TTS", "espeak", choices, environ={}) == "espeak"
    assert env_choice("TTS", "espeak", choices, environ={"TTS": "gpt_sovits"}) == "gpt_sovits"
    with pytest.raises(ImproperlyConfigured, match="TTS must be one of espeak, gpt_sovits; got 'festival'"):
        env_choice("TTS", "espeak", choices, environ={"TTS": "festival"})


def test_env_list_splits_on_commas_and_drops_empties():
    assert env_list("HOSTS", environ={"HOSTS": "a.example.com, b.example.com,,"}) == ["a.example.com", "b.example.com"]
    assert env_list("HOSTS", ["localhost"], environ={}) == ["localhost"]
    assert env_list("HOSTS", ["localhost"], environ={"HOSTS": ""}) == []
    default = ["x"]
    env_list("HOSTS", default, environ={}).append("y")
    assert default == ["x"]


def test_env_secret_prefers_the_file(tmp_path):
    secret_file = tmp_path / "key"
    secret_file.write_text("from-file\n")

    assert env_secret("KEY", environ={"KEY": "plain"}) == "plain"
    assert env_secret("KEY", environ={"KEY": "plain", "KEY_FILE": str(secret_file)}) == "from-file"
    assert env_secret("KEY", "default", environ={}) == "default"


def test_env_secret_rejects_an_unreadable_file(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="KEY_FILE="):
        env_secret("KEY", environ={"KEY_FILE": str(tmp_path / "missing")})
