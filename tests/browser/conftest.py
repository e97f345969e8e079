"""Headless Debian Chromium (Playwright) against the live voice server, with a fake mic."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conversations.pipeline.audio import wav_bytes
from tests.conftest import ARTIFACTS, SPOKEN_TEXT
from tests.support.speech import silence, spoken_korean_wav

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
BASE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
# A long silent tail: Chromium loops the fake capture file, and one utterance per test
# run is what the tests expect unless they build a second one into the file.
TAIL_SILENCE_MS = 30_000

if not Path(CHROMIUM).exists():
    pytest.skip("Debian chromium is not installed", allow_module_level=True)


@pytest.fixture
def _sync_orm_with_playwright(monkeypatch) -> None:
    # Playwright's sync API runs an event loop in this thread; Django would then refuse
    # ORM calls from the test body, which are plain synchronous code here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def mic_wav(path: Path, *utterances_and_gaps: str | int) -> Path:
    """Write a 16 kHz WAV: strings are spoken Korean, ints are ms of silence."""
    pcm = b"".join(
        silence(item) if isinstance(item, int) else spoken_korean_wav(item, 16_000, 0, 0)
        for item in utterances_and_gaps
    )
    path.write_bytes(wav_bytes(pcm, 16_000))
    return path


@pytest.fixture
def playwright(transactional_db, _sync_orm_with_playwright) -> Iterator[object]:
    # Per test, and set up after the database fixture: Playwright's event loop must be
    # gone before pytest-django flushes the tables, or Django refuses the flush.
    with playwright_sync.sync_playwright() as runner:
        yield runner


@pytest.fixture
def launch(playwright, tmp_path) -> Iterator[Callable[..., object]]:
    """launch(mic=None|"silence"|Path, fake_ui=True) -> a Chromium browser, closed after the test."""
    browsers = []

    def _launch(mic: Path | None = None, fake_ui: bool = True):
        args = list(BASE_ARGS)
        if fake_ui:
            args.append("--use-fake-ui-for-media-stream")
        wav = mic if mic is not None else mic_wav(tmp_path / "silence.wav", 1000)
        args.append(f"--use-file-for-fake-audio-capture={wav.resolve()}")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        browsers.append(browser)
        return browser

    yield _launch
    for browser in browsers:
        browser.close()


@pytest.fixture
def speech_wav(tmp_path) -> Path:
    """One spoken Korean utterance, then a long silence."""
    return mic_wav(tmp_path / "speech.wav", 600, SPOKEN_TEXT, TAIL_SILENCE_MS)


def log_in(page, base_url: str, username: str = "alice", password: str = "alice-password-1") -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def open_talk_page(page, base_url: str, slug: str = "haru") -> int:
    """From the persona picker, press Talk; returns the conversation id."""
    page.goto(f"{base_url}/")
    page.click(f".persona[data-slug='{slug}'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/conversations/\d+/talk/$"))
    wait_ready(page)
    return int(re.search(r"/conversations/(\d+)/talk/", page.url).group(1))


def wait_ready(page, timeout_ms: int = 20_000) -> None:
    try:
        page.wait_for_function(
            "() => window.__talk && window.__talk.connection === 'open' && window.__talk.state === 'idle'",
            timeout=timeout_ms,
        )
    except playwright_sync.TimeoutError as error:
        raise AssertionError(f"talk page not ready: {debug_state(page)}") from error


def debug_state(page) -> dict:
    """The page's debug view and notices, for failure messages."""
    return page.evaluate(
        """() => ({
        talk: window.__talk ? Object.fromEntries(Object.keys(Object.getOwnPropertyDescriptors(window.__talk))
            .filter((k) => typeof window.__talk[k] !== 'function').map((k) => [k, window.__talk[k]])) : null,
        notices: [...document.querySelectorAll('[data-notice]')].map((n) => n.textContent),
    })"""
    )


def talk(page, expression: str):
    """Evaluate an expression on window.__talk."""
    return page.evaluate(f"() => window.__talk.{expression}")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
