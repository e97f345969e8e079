"""When the server goes away the page says so, reconnects by itself and resumes."""

from __future__ import annotations

import pytest

from conversations.models import Turn
from tests.browser.conftest import log_in, open_talk_page, talk

pytestmark = pytest.mark.slow


def test_page_reconnects_after_server_restart_and_resumes(voice_server, fake_llm, alice, persona, launch):
    fake_llm.replies = ["[joy] 첫 번째 대답이에요."]
    page = launch().new_page()
    log_in(page, voice_server.http_url)
    conversation_id = open_talk_page(page, voice_server.http_url)
    page.fill("#talk-text", "첫 번째 질문")
    page.press("#talk-text", "Enter")
    page.wait_for_selector(".turn.assistant .rating", timeout=60_000)

    # A real outage: the server process stops, so the socket drops under the page.
    voice_server.stop()
    page.wait_for_function("() => window.__talk.connection === 'waiting'", timeout=15_000)
    page.wait_for_selector("[data-notice='connection']")
    voice_server.start()

    page.wait_for_function("() => window.__talk.resumed === true && window.__talk.reconnects >= 1", timeout=60_000)
    assert talk(page, "conversation") == conversation_id
    page.wait_for_selector("[data-notice='connection']", state="detached")
    # The earlier turns were reloaded from the API after resuming.
    page.wait_for_selector(".turn.earlier.assistant .text:text-is('첫 번째 대답이에요.')")

    fake_llm.replies = ["[joy] 다시 연결됐어요."]
    page.fill("#talk-text", "두 번째 질문")
    page.press("#talk-text", "Enter")
    page.wait_for_selector(".turn.assistant:not(.earlier) .rating", timeout=60_000)
    texts = list(Turn.objects.filter(conversation_id=conversation_id).order_by("index").values_list("text", flat=True))
    assert texts == ["첫 번째 질문", "첫 번째 대답이에요.", "두 번째 질문", "다시 연결됐어요."]
    page.close()
