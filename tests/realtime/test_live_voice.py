"""End to end over a real Daphne server and a real websocket client.

Spoken Korean (espeak-ng) streams in real-time frames → Silero VAD → the generated tiny
Whisper → the fake OpenAI server's streamed reply → espeak-ng audio with visemes.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request

import pytest
import websockets
from channels.db import database_sync_to_async

from accounts.tokens import issue_token
from conversations.history import start_conversation
from conversations.models import Turn
from tests.conftest import SPOKEN_TEXT, SPOKEN_TRANSCRIPT
from tests.realtime.client import ProtocolClient, WebsocketTransport
from tests.support.speech import frames, spoken_korean_wav

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

START = {"type": "start", "protocol": 1, "audio": {"encoding": "pcm_s16le", "sample_rate": 16000, "channels": 1}}
LONG_REPLY = "[joy] " + " ".join(f"{n}번째 이야기를 들려줄게요, 아주 길고 재미있는 이야기예요." for n in range(1, 9))


@pytest.fixture
def session_setup(voice_server, alice, persona):
    conversation = start_conversation(alice, persona)
    return voice_server, conversation, issue_token(alice).secret


async def stream_speech(client: ProtocolClient, pcm: bytes) -> None:
    """Send PCM in 20 ms frames at real-time pace."""
    started = time.monotonic()
    for number, frame in enumerate(frames(pcm, 20)):
        await client.send_audio(frame)
        delay = started + (number + 1) * 0.02 - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)


async def open_client(server, conversation, token) -> tuple[ProtocolClient, object]:
    connection = await websockets.connect(
        f"{server.ws_url}/ws/conversations/{conversation.pk}/",
        additional_headers={"Authorization": f"Bearer {token}"},
        subprotocols=["avatar.v1"],
        max_size=2**22,
    )
    assert connection.subprotocol == "avatar.v1"
    return ProtocolClient(WebsocketTransport(connection)), connection


def saved_turns(conversation) -> list[Turn]:
    return list(Turn.objects.filter(conversation=conversation).order_by("index"))


async def test_spoken_korean_turn_end_to_end(session_setup, fake_llm):
    server, conversation, token = session_setup
    fake_llm.replies = ["[joy] 안녕하세요! 만나서 정말 반가워요. 오늘 기분은 어때요?"]
    client, connection = await open_client(server, conversation, token)
    ready = await client.until("ready")
    assert ready["stt"]["available"], ready["stt"]
    await client.send(START)
    sender = asyncio.create_task(stream_speech(client, spoken_korean_wav(SPOKEN_TEXT, 16000, 400, 1200)))
    vad_start = await client.until("vad", state="start")
    vad_end = await client.until("vad", state="end")
    assert vad_end["at_ms"] > vad_start["at_ms"]
    transcript = await client.until("transcript")
    assert transcript["text"] == SPOKEN_TRANSCRIPT and transcript["final"]
    end = await client.until("turn.end", timeout=60)
    await sender
    deltas = "".join(event["text"] for event in client.received.of_type("reply.delta"))
    assert deltas == end["text"] == "안녕하세요! 만나서 정말 반가워요. 오늘 기분은 어때요?"
    audio = [(h, pcm) for h, pcm in client.received.audio if h.turn == end["turn"]]
    assert audio and sum(len(pcm) // 2 for _, pcm in audio) == end["audio_samples"]
    visemes = {e["seq"]: e for e in client.received.of_type("visemes") if e["turn"] == end["turn"]}
    assert audio[-1][0].last and audio[-1][1] == b"", "the turn's audio must end with the last flag"
    for header, pcm in audio[:-1]:
        assert not header.last
        assert all(0 <= cue["offset"] < len(pcm) // 2 for cue in visemes[header.seq]["cues"])
    first_sample = 0
    for header, pcm in audio:
        assert header.first_sample == first_sample
        first_sample += len(pcm) // 2
    timings = end["timings"]
    assert all(
        timings[key] is not None for key in ("stt_ms", "llm_first_token_ms", "tts_first_audio_ms", "voice_to_voice_ms")
    )
    await connection.close()
    user, assistant = await database_sync_to_async(saved_turns)(conversation)
    assert (user.role, user.text, user.source) == ("user", SPOKEN_TRANSCRIPT, "voice")
    assert user.stt_ms is not None and user.audio_ms > 500
    assert (assistant.role, assistant.emotion, assistant.interrupted) == ("assistant", "joy", False)
    assert assistant.voice_to_voice_ms == pytest.approx(timings["voice_to_voice_ms"])
    with urllib.request.urlopen(f"{server.http_url}/metrics", timeout=5) as response:
        exposition = response.read().decode()
    assert 'avatar_stage_latency_seconds_count{stage="voice_to_voice"}' in exposition
    assert "avatar_active_sessions" in exposition


async def test_barge_in_cancels_reply_and_saves_what_was_heard(session_setup, fake_llm):
    server, conversation, token = session_setup
    fake_llm.replies = [LONG_REPLY, "[neutral] 네, 말씀하세요."]
    fake_llm.token_delay_s = 0.005
    client, connection = await open_client(server, conversation, token)
    await client.until("ready")
    await client.send(START)
    await client.send({"type": "text", "text": "긴 이야기 해 줘"})
    while not client.received.audio:
        await client.next()
    reply_turn = client.received.audio[0][0].turn
    await asyncio.sleep(0.3)  # the avatar talks for a while, then the user speaks over it
    sender = asyncio.create_task(stream_speech(client, spoken_korean_wav(SPOKEN_TEXT, 16000, 100, 1200)))
    await client.until("vad", state="start")
    after_vad = await client.next()
    # The very next thing after the VAD decision is the interruption.
    assert after_vad[0] == "event" and after_vad[1]["type"] == "interrupted", after_vad
    assert after_vad[1] == {"type": "interrupted", "turn": reply_turn, "reason": "barge_in"}
    cutoff = len(client.received.order)
    sample_rate = client.received.audio[0][0].sample_rate
    await client.send({"type": "playback", "turn": reply_turn, "played_samples": sample_rate})  # 1 s heard
    end = await client.until("turn.end", turn=reply_turn)
    assert end["interrupted"] is True
    await client.until("turn.end", timeout=60)  # the answer to the barge-in utterance
    await sender
    late_audio = [item for kind, item in client.received.order[cutoff:] if kind == "audio" and item.turn == reply_turn]
    assert late_audio == [], "audio of the cancelled reply was sent after `interrupted`"
    await connection.close()
    turns = await database_sync_to_async(saved_turns)(conversation)
    interrupted = next(turn for turn in turns if turn.index == reply_turn)
    assert interrupted.interrupted and interrupted.interrupted_by == "barge_in"
    assert interrupted.spoken_text and len(interrupted.spoken_text) < len(interrupted.text)
    assert interrupted.text.startswith(interrupted.spoken_text)
    assert [t.role for t in turns] == ["user", "assistant", "user", "assistant"]
    assert turns[2].text == SPOKEN_TRANSCRIPT
    # The next prompt carries only what was heard of the interrupted answer.
    prompt = fake_llm.requests[-1]["messages"]
    assert {"role": "assistant", "content": interrupted.spoken_text} in prompt
    assert not any(m["content"] == interrupted.text for m in prompt)
