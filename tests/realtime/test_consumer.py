"""The realtime consumer in-process: auth close codes, a typed turn, bad input."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.tokens import issue_token
from conversations.history import start_conversation
from conversations.models import Turn
from project.asgi import application
from tests.realtime.client import CommunicatorTransport, ProtocolClient

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

START = {"type": "start", "protocol": 1, "audio": {"encoding": "pcm_s16le", "sample_rate": 16000, "channels": 1}}


async def connect(conversation_id: int, token: str | None = None, headers=None):
    headers = list(headers or [])
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    communicator = WebsocketCommunicator(application, f"/ws/conversations/{conversation_id}/", headers=headers)
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    return communicator


async def closing(communicator) -> tuple[dict, int]:
    error = json.loads((await communicator.receive_output(timeout=10))["text"])
    close = await communicator.receive_output(timeout=10)
    assert close["type"] == "websocket.close"
    return error, close["code"]


@pytest.fixture
def conversation(alice, persona):
    return start_conversation(alice, persona)


@pytest.fixture
def alice_token(alice) -> str:
    return issue_token(alice).secret


async def test_unauthenticated_socket_is_closed_with_4401(conversation):
    communicator = await connect(conversation.pk)
    error, code = await closing(communicator)
    assert (error["type"], error["code"], error["fatal"], code) == ("error", "unauthenticated", True, 4401)


@pytest.fixture
def revoked_token(alice) -> str:
    issued = issue_token(alice)
    issued.token.revoke()
    return issued.secret


@pytest.fixture
def bob_token(bob) -> str:
    return issue_token(bob).secret


async def test_revoked_token_is_closed_with_4401(conversation, revoked_token):
    error, code = await closing(await connect(conversation.pk, revoked_token))
    assert code == 4401 and "revoked" in error["message"]


async def test_someone_elses_conversation_is_forbidden(conversation, bob_token):
    error, code = await closing(await connect(conversation.pk, bob_token))
    assert (error["code"], code) == ("forbidden", 4403)


async def test_missing_conversation_is_4404(alice_token):
    error, code = await closing(await connect(999999, alice_token))
    assert (error["code"], code) == ("not_found", 4404)


@pytest.fixture
def alice_session_cookie(client, alice) -> bytes:
    client.force_login(alice)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def test_foreign_origin_with_session_cookie_is_refused(alice_session_cookie, conversation):
    cookie = alice_session_cookie
    communicator = await connect(conversation.pk, headers=[(b"cookie", cookie), (b"origin", b"https://evil.example")])
    error, code = await closing(communicator)
    assert (error["code"], code) == ("forbidden", 4403)


async def test_typed_turn_streams_reply_audio_and_visemes(voice_settings, conversation, alice_token, fake_llm):
    fake_llm.replies = ["[joy] 안녕하세요! 오늘 날씨가 정말 좋네요. 산책 어때요?"]
    client = ProtocolClient(CommunicatorTransport(await connect(conversation.pk, alice_token)))
    ready = await client.until("ready")
    assert ready["llm"] == {"offline": False, "model": "gpt-test"} and ready["stt"]["available"] is True
    await client.send(START)
    await client.send({"type": "text", "text": "안녕 하루야"})
    transcript = await client.until("transcript")
    assert transcript == {"type": "transcript", "turn": 0, "text": "안녕 하루야", "final": True}
    end = await client.until("turn.end", timeout=60)
    assert end["turn"] == 1 and end["emotion"] == "joy" and not end["interrupted"]
    assert end["text"] == "안녕하세요! 오늘 날씨가 정말 좋네요. 산책 어때요?"
    assert "".join(e["text"] for e in client.received.of_type("reply.delta")) == end["text"]
    assert client.received.audio, "no audio frames"
    visemes = {e["seq"]: e for e in client.received.of_type("visemes")}
    assert client.received.audio[-1][0].last and client.received.audio[-1][1] == b""
    for header, pcm in client.received.audio[:-1]:
        cues = visemes[header.seq]["cues"]
        assert all(0 <= cue["offset"] < len(pcm) // 2 for cue in cues)
    assert [h.seq for h, _ in client.received.audio] == list(range(len(client.received.audio)))
    assert client.received.of_type("expression")[0]["emotion"] == "joy"
    # The system prompt goes first, then the user's words.
    sent = fake_llm.requests[-1]["messages"]
    assert sent[0]["role"] == "system" and sent[-1] == {"role": "user", "content": "안녕 하루야"}
    turns = await database_sync_to_async(list)(Turn.objects.filter(conversation=conversation).order_by("index"))
    assert [(t.role, t.source) for t in turns] == [("user", "text"), ("assistant", "text")]
    assert turns[1].pk == end["id"] and turns[1].llm_first_token_ms is not None
    assert turns[1].voice_to_voice_ms is not None and turns[1].tts_first_audio_ms is not None
    await client.transport.communicator.disconnect()


async def test_bad_input_gets_typed_errors_and_session_survives(voice_settings, conversation, alice_token):
    client = ProtocolClient(CommunicatorTransport(await connect(conversation.pk, alice_token)))
    await client.until("ready")
    await client.transport.send_text("not json")
    assert (await client.until("error"))["code"] == "bad_json"
    await client.send({"type": "dance"})
    assert (await client.until("error"))["code"] == "unknown_type"
    await client.send_audio(b"\x00" * 640)
    assert (await client.until("error"))["code"] == "audio_before_start"
    await client.send(START)
    await client.send_audio(b"\x00" * 641)
    assert (await client.until("error"))["code"] == "odd_length_audio"
    await client.send_audio(b"\x00" * 16000)
    assert (await client.until("error"))["code"] == "frame_too_long"
    await client.send({"type": "ping", "id": 7})
    assert (await client.until("pong"))["id"] == 7
    await client.transport.communicator.disconnect()


async def test_missing_whisper_model_is_reported_and_typing_still_works(voice_settings, conversation, alice_token):
    voice_settings.VOICE_STT_MODEL = "/nonexistent/whisper-model"
    client = ProtocolClient(CommunicatorTransport(await connect(conversation.pk, alice_token)))
    ready = await client.until("ready")
    assert ready["stt"]["available"] is False
    assert "prefetch_stt_model" in ready["stt"]["message"] or "VOICE_STT_MODEL" in ready["stt"]["message"]
    await client.send(START)
    await client.send({"type": "text", "text": "들리세요?"})
    assert (await client.until("turn.end", timeout=60))["text"]
    await client.transport.communicator.disconnect()


async def test_without_key_or_server_the_offline_responder_is_labelled(voice_settings, conversation, alice_token):
    voice_settings.OPENAI_API_KEY = ""
    voice_settings.OPENAI_BASE_URL = ""
    client = ProtocolClient(CommunicatorTransport(await connect(conversation.pk, alice_token)))
    assert (await client.until("ready"))["llm"]["offline"] is True
    await client.send(START)
    await client.send({"type": "text", "text": "안녕"})
    end = await client.until("turn.end", timeout=60)
    assert "오프라인" in end["text"]
    await client.transport.communicator.disconnect()


async def test_llm_failure_is_an_error_event_and_the_user_turn_is_kept(
    voice_settings, conversation, alice_token, fake_llm
):
    fake_llm.fail_with = 500
    client = ProtocolClient(CommunicatorTransport(await connect(conversation.pk, alice_token)))
    await client.until("ready")
    await client.send(START)
    await client.send({"type": "text", "text": "대답해 줄래?"})
    assert (await client.until("error", timeout=30))["code"] == "llm_error"
    await client.send({"type": "ping", "id": "still-alive"})
    assert (await client.until("pong"))["id"] == "still-alive"
    await client.transport.communicator.disconnect()
    turns = await database_sync_to_async(list)(Turn.objects.filter(conversation=conversation))
    assert [(t.role, t.text) for t in turns] == [("user", "대답해 줄래?")]


async def test_dropping_the_socket_mid_reply_saves_what_was_said(voice_settings, conversation, alice_token, fake_llm):
    fake_llm.replies = ["[joy] " + "아주 긴 대답이에요. " * 40]
    fake_llm.token_delay_s = 0.01
    client = ProtocolClient(CommunicatorTransport(await connect(conversation.pk, alice_token)))
    await client.until("ready")
    await client.send(START)
    await client.send({"type": "text", "text": "길게 말해 줘"})
    await client.until("reply.delta")
    await client.until("visemes")
    await client.transport.communicator.disconnect()
    turns = await database_sync_to_async(list)(Turn.objects.filter(conversation=conversation).order_by("index"))
    assert [t.role for t in turns] == ["user", "assistant"]
    assert turns[1].interrupted and turns[1].interrupted_by == "disconnect" and turns[1].text


async def test_a_message_flood_is_refused_then_closed_with_4429(voice_settings, conversation, alice_token):
    communicator = await connect(conversation.pk, alice_token)
    client = ProtocolClient(CommunicatorTransport(communicator))
    await client.until("ready")
    for number in range(400):
        await client.send({"type": "ping", "id": number})
    codes, close_code = [], None
    while close_code is None:
        message = await communicator.receive_output(timeout=10)
        if message["type"] == "websocket.close":
            close_code = message["code"]
        elif message.get("text") and json.loads(message["text"])["type"] == "error":
            codes.append(json.loads(message["text"])["code"])
    assert "rate_limited" in codes and close_code == 4429


async def test_a_silent_socket_is_closed_with_4408(voice_settings, conversation, alice_token):
    voice_settings.WS_IDLE_TIMEOUT_S = 0.5
    client = ProtocolClient(CommunicatorTransport(await connect(conversation.pk, alice_token)))
    await client.until("ready")
    error, code = await closing(client.transport.communicator)
    assert (error["code"], error["fatal"], code) == ("idle_timeout", True, 4408)


@pytest.fixture
def gpt_sovits_persona(persona):
    from personas.models import ReferenceClip

    persona.tts_backend = "gpt_sovits"
    persona.save()
    ReferenceClip.objects.create(
        persona=persona, emotion="neutral", server_path="/refs/haru-neutral.wav", prompt_text="안녕", prompt_lang="ko"
    )
    ReferenceClip.objects.create(
        persona=persona, emotion="joy", server_path="/refs/haru-joy.wav", prompt_text="좋아!", prompt_lang="ko"
    )
    return persona


async def test_a_gpt_sovits_persona_speaks_with_its_emotion_clip(voice_settings, gpt_sovits_persona, alice, fake_llm):
    from tests.fakes.gpt_sovits_server import FakeGPTSoVITSServer

    conversation = await database_sync_to_async(start_conversation)(alice, gpt_sovits_persona)
    token = await database_sync_to_async(lambda: issue_token(alice).secret)()
    fake_llm.replies = ["[joy] 좋아요! 같이 해요."]
    with FakeGPTSoVITSServer(sample_rate=32000) as tts_server:
        voice_settings.GPT_SOVITS_URL = tts_server.base_url
        client = ProtocolClient(CommunicatorTransport(await connect(conversation.pk, token)))
        assert (await client.until("ready"))["tts"]["backend"] == "gpt_sovits"
        await client.send(START)
        await client.send({"type": "text", "text": "놀자"})
        end = await client.until("turn.end", timeout=60)
        await client.transport.communicator.disconnect()
    assert end["sample_rate"] == 32000 and end["audio_samples"] > 0
    assert {header.sample_rate for header, _ in client.received.audio} == {32000}
    request = tts_server.requests[0].params
    assert (request["ref_audio_path"], request["prompt_text"], request["text_lang"]) == (
        "/refs/haru-joy.wav",
        "좋아!",
        "ko",
    )
    cues = [cue for event in client.received.of_type("visemes") for cue in event["cues"]]
    assert {cue["viseme"] for cue in cues} - {"sil"}, "text-derived visemes expected for GPT-SoVITS audio"


async def test_endless_invalid_frames_close_the_socket_with_4400(voice_settings, conversation, alice_token):
    communicator = await connect(conversation.pk, alice_token)
    client = ProtocolClient(CommunicatorTransport(communicator))
    await client.until("ready")
    for _ in range(60):
        await client.transport.send_text("{not json")
    codes, close_code = [], None
    while close_code is None:
        message = await communicator.receive_output(timeout=10)
        if message["type"] == "websocket.close":
            close_code = message["code"]
        else:
            codes.append(json.loads(message["text"])["code"])
    assert codes.count("bad_json") == 51 and close_code == 4400
