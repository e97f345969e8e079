"""Speak to the avatar through the fake mic: transcript, streamed reply, audio, lip sync, rating."""

from __future__ import annotations

import pytest

from feedback.models import TurnRating
from tests.browser.conftest import log_in, open_talk_page, screenshot, talk
from tests.conftest import SPOKEN_TRANSCRIPT

pytestmark = pytest.mark.slow

REPLY = "[joy] 안녕하세요! 만나서 정말 반가워요. 오늘은 무엇을 이야기해 볼까요?"


def test_spoken_turn_plays_with_lip_sync_and_can_be_rated(voice_server, fake_llm, alice, persona, launch, speech_wav):
    fake_llm.replies = [REPLY]
    page = launch(mic=speech_wav).new_page(viewport={"width": 1280, "height": 900})
    log_in(page, voice_server.http_url)
    open_talk_page(page, voice_server.http_url)
    assert talk(page, "avatar") == "canvas"
    assert talk(page, "currentViseme") == "sil"
    screenshot(page, "talk-page-ready.png")

    page.click("#talk-mic")
    page.wait_for_function("() => window.__talk.mic === 'on'")
    page.wait_for_selector(f".turn.user .text:text-is('{SPOKEN_TRANSCRIPT}')", timeout=30_000)
    # The reply streams in while (or before) it is spoken.
    page.wait_for_function(
        "() => document.querySelector('.turn.assistant .text')?.textContent.length > 0", timeout=30_000
    )

    # Audio plays on the AudioContext clock and the mouth moves during it.
    page.wait_for_function("() => window.__talk.scheduledChunks > 0", timeout=30_000)
    before = talk(page, "audioTime")
    page.wait_for_function("() => window.__talk.currentViseme !== 'sil'", timeout=10_000, polling=10)
    screenshot(page, "talk-page-speaking.png")
    assert talk(page, "audioTime") > before
    assert talk(page, "state") == "speaking"

    # The turn ends: the mouth closes, the whole reply was played, a rating control shows.
    rating = page.wait_for_selector(".turn.assistant .rating", timeout=60_000)
    page.wait_for_function("() => !window.__talk.playing && window.__talk.currentViseme === 'sil'", timeout=20_000)
    seen = set(talk(page, "visemesSeen"))
    assert len(seen - {"sil"}) >= 3, seen
    assert "joy" in talk(page, "emotionsSeen")
    assert talk(page, "playedSamples") > 16_000  # over a second of speech at any TTS rate
    assert talk(page, "counters")["playbackReports"] >= 1
    assert (
        page.text_content(".turn.assistant .text") == "안녕하세요! 만나서 정말 반가워요. 오늘은 무엇을 이야기해 볼까요?"
    )
    assert "ms" in page.text_content(".turn.assistant .latency")

    turn_id = int(rating.get_attribute("data-turn-id"))
    rating.query_selector("[data-score='4']").click()
    rating.query_selector("input.comment").fill("귀여워요")
    rating.query_selector("button.save").click()
    page.wait_for_selector(".turn.assistant .rating .status:text-is('Saved')")
    saved = TurnRating.objects.get(turn_id=turn_id)
    assert (saved.score, saved.comment) == (4, "귀여워요")
    page.close()


def test_push_to_talk_sends_audio_while_held_and_commits_on_release(
    voice_server, fake_llm, alice, persona, launch, speech_wav
):
    fake_llm.replies = ["[joy] 네, 잘 들었어요."]
    page = launch(mic=speech_wav).new_page()
    log_in(page, voice_server.http_url)
    open_talk_page(page, voice_server.http_url)
    page.click("#talk-mode-ptt")
    assert page.text_content("#talk-mic") == "Hold to talk"

    page.hover("#talk-mic")
    page.mouse.down()
    page.wait_for_function("() => window.__talk.counters.framesSent > 100", timeout=10_000)  # > 2 s of audio
    page.wait_for_timeout(1_000)
    page.mouse.up()
    sent = talk(page, "counters")["framesSent"]
    page.wait_for_selector(f".turn.user .text:text-is('{SPOKEN_TRANSCRIPT}')", timeout=30_000)
    page.wait_for_selector(".turn.assistant .rating", timeout=60_000)
    assert page.text_content(".turn.assistant .text") == "네, 잘 들었어요."
    # Released: the mic stays open but nothing more is sent.
    assert talk(page, "counters")["framesSent"] == sent
    page.close()
