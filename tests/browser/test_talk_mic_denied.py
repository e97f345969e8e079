"""A denied microphone gets a clear message and typing still works."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, open_talk_page, screenshot, talk

pytestmark = pytest.mark.slow


def test_denied_microphone_shows_a_message(voice_server, fake_llm, alice, persona, launch):
    browser = launch(fake_ui=False)  # no auto-accepting permission UI
    context = browser.new_context()
    page = context.new_page()
    log_in(page, voice_server.http_url)
    open_talk_page(page, voice_server.http_url)
    # Deny for this origin explicitly, as a user clicking "Block" would.
    cdp = context.new_cdp_session(page)
    cdp.send(
        "Browser.setPermission",
        {"permission": {"name": "microphone"}, "setting": "denied", "origin": voice_server.http_url},
    )
    page.click("#talk-mic")
    notice = page.wait_for_selector("[data-notice='mic']", timeout=10_000)
    assert "denied" in notice.text_content()
    assert talk(page, "mic") == "denied"
    screenshot(page, "talk-page-mic-denied.png")
    page.fill("#talk-text", "안녕")
    page.press("#talk-text", "Enter")
    page.wait_for_selector(".turn.assistant .rating", timeout=60_000)
    context.close()
