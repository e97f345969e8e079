"""Talking over the avatar stops its audio at once and reports what was played."""

from __future__ import annotations

import pytest

from conversations.models import Turn
from tests.browser.conftest import TAIL_SILENCE_MS, log_in, mic_wav, open_talk_page, talk
from tests.conftest import SPOKEN_TEXT

pytestmark = pytest.mark.slow

LONG_REPLY = "[joy] " + " ".join(f"{n}번째 이야기를 들려줄게요, 아주 길고 재미있는 이야기예요." for n in range(1, 9))


def test_speaking_during_playback_interrupts_the_avatar(voice_server, fake_llm, alice, persona, launch, tmp_path):
    fake_llm.replies = [LONG_REPLY, "[neutral] 네, 말씀하세요."]
    # First utterance, a pause in which the long answer starts playing, then speech again.
    wav = mic_wav(tmp_path / "barge.wav", 600, SPOKEN_TEXT, 5_000, SPOKEN_TEXT, TAIL_SILENCE_MS)
    page = launch(mic=wav).new_page()
    log_in(page, voice_server.http_url)
    conversation_id = open_talk_page(page, voice_server.http_url)
    page.click("#talk-mic")

    page.wait_for_function("() => window.__talk.state === 'speaking'", timeout=30_000)
    page.wait_for_function("() => window.__talk.lastFlush !== null", timeout=30_000)
    flush = talk(page, "lastFlush")
    assert flush["played"] > 0
    # Nothing of the cut turn is still queued: its sources were stopped, not left to run out.
    assert flush["turn"] not in talk(page, "activeTurns")
    page.wait_for_selector(".turn.assistant .interrupted", timeout=30_000)

    cut = Turn.objects.get(conversation_id=conversation_id, role="assistant", interrupted=True)
    assert cut.spoken_text and len(cut.spoken_text) < len(cut.text)
    page.close()
