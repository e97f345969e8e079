"""Typed messages work like speech; earlier turns come back when the page is reopened."""

from __future__ import annotations

import json

import pytest

from conversations.models import Turn
from tests.browser.conftest import log_in, open_talk_page, talk, wait_ready
from tests.support.live_server import ROOT

pytestmark = pytest.mark.slow


def test_typed_turn_is_answered_aloud_and_reloaded_later(voice_server, fake_llm, alice, persona, launch):
    fake_llm.replies = ["[surprised] 우와, 정말요? 더 말해 주세요!"]
    page = launch().new_page()
    log_in(page, voice_server.http_url)
    conversation_id = open_talk_page(page, voice_server.http_url)

    page.fill("#talk-text", "오늘 고양이를 봤어요")
    page.press("#talk-text", "Enter")
    page.wait_for_selector(".turn.user .text:text-is('오늘 고양이를 봤어요')", timeout=20_000)
    page.wait_for_selector(".turn.assistant .rating", timeout=60_000)
    assert page.text_content(".turn.assistant .text") == "우와, 정말요? 더 말해 주세요!"
    assert talk(page, "scheduledChunks") > 0
    assert "surprised" in talk(page, "emotionsSeen")
    assert Turn.objects.filter(conversation_id=conversation_id, role="user", text="오늘 고양이를 봤어요").exists()

    # Reopening the page shows the earlier turns from GET /api/conversations/<id>/.
    page.reload()
    wait_ready(page)
    page.wait_for_selector(".turn.earlier.user .text:text-is('오늘 고양이를 봤어요')")
    page.wait_for_selector(".turn.earlier.assistant .rating")
    page.close()


FIXTURES = ROOT / "tests" / "fixtures" / "protocol"


def test_golden_fixtures_decode_and_bad_frames_are_ignored(voice_server, fake_llm, alice, persona, launch):
    page = launch().new_page()
    log_in(page, voice_server.http_url)
    open_talk_page(page, voice_server.http_url)
    for path in sorted((FIXTURES / "server").glob("*.json")):
        decoded = page.evaluate("(text) => window.__talk.decodeServerEvent(text)", path.read_text())
        assert decoded["ok"], (path.name, decoded)
    chunk = page.evaluate(
        "(bytes) => window.__talk.decodeAudioChunk(new Uint8Array(bytes).buffer).chunk",
        list((FIXTURES / "audio_chunk.bin").read_bytes()),
    )
    assert (chunk["turn"], chunk["seq"], chunk["sampleRate"], chunk["firstSample"], chunk["last"]) == (
        3,
        2,
        24000,
        4800,
        True,
    )

    page.evaluate("""() => {
        const t = window.__talk;
        t.receiveText('not json at all');
        t.receiveText('{"type": "from.the.future", "x": 1}');
        t.receiveText('{"type": "visemes", "turn": 1, "seq": 0, "sample_rate": 16000, "cues": [{"offset": 0, "viseme": "zz"}]}');
        t.receiveBinary(new ArrayBuffer(7));
        const bad = new ArrayBuffer(24); new DataView(bad).setUint8(0, 9); t.receiveBinary(bad);
    }""")
    assert talk(page, "counters")["ignoredEvents"] == 3
    assert talk(page, "counters")["badFrames"] == 2
    assert talk(page, "scheduledChunks") == 0
    # What the server says about its engines is shown: offline LLM, no speech recognition.
    ready = json.loads((FIXTURES / "server" / "ready.json").read_text())
    ready["llm"]["offline"] = True
    ready["stt"] = {"available": False, "message": "no model"}
    page.evaluate("(text) => window.__talk.receiveText(text)", json.dumps(ready))
    assert "Offline mode" in page.text_content("[data-notice='llm']")
    assert "Speech recognition is unavailable" in page.text_content("[data-notice='stt']")

    # The page still works afterwards.
    page.fill("#talk-text", "안녕")
    page.press("#talk-text", "Enter")
    page.wait_for_selector(".turn.assistant .rating", timeout=60_000)
    page.close()
