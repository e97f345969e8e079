"""The voice session alone (no Django): frames in, events and audio out."""

from __future__ import annotations

import asyncio

import pytest

from bench.harness import make_session
from bench.providers import InstantSTT, ScriptedLLM, ToneTTS
from conversations.pipeline.session import Providers
from conversations.protocol import ProtocolError, decode_audio_chunk
from tests.support.speech import frames, silence, spoken_korean_wav

pytestmark = pytest.mark.asyncio

MULTI_SENTENCE = "[joy] 안녕하세요! 오늘은 날씨가 정말 좋네요. 같이 산책하러 갈까요? 저는 공원이 좋아요."
SPOKEN = "[joy] 안녕하세요! 오늘은 날씨가 정말 좋네요. 같이 산책하러 갈까요? 저는 공원이 좋아요."


def providers(llm=None, tts=None, stt=None, stt_available=True) -> Providers:
    return Providers(
        llm=llm or ScriptedLLM(MULTI_SENTENCE),
        stt=stt or InstantSTT("안녕 하루야"),
        tts=tts if tts is not None else ToneTTS(),
        stt_available=stt_available,
        stt_message=None if stt_available else "no model",
        tts_backend="tone",
    )


async def wait_for(sink, kind: str, timeout: float = 10.0, **fields):
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        for _, event in sink.events:
            if event.type == kind and all(getattr(event, k) == v for k, v in fields.items()):
                return event
        await asyncio.sleep(0.005)
    raise AssertionError(f"no {kind} {fields}; saw {[e.type for _, e in sink.events]}")


async def feed(session, pcm: bytes, frame_ms: int = 20, rate: int = 16000) -> None:
    for frame in frames(pcm, frame_ms, rate):
        await session.push_audio(frame)
        await asyncio.sleep(0)


async def test_typed_turn_streams_audio_before_the_llm_finishes():
    llm = ScriptedLLM(MULTI_SENTENCE, delay_s=0.01)
    session, sink, store = make_session(providers(llm=llm))
    await session.push_text("안녕 하루야")
    end = await wait_for(sink, "turn.end")
    first_audio_at = sink.audio[0][0]
    assert first_audio_at < llm.finished_at, "TTS waited for the whole LLM reply"
    assert end.text == MULTI_SENTENCE.removeprefix("[joy] ") and end.emotion == "joy"
    assert "".join(e.text for e in sink.of_type("reply.delta")) == end.text
    visemes = {e.seq: e for e in sink.of_type("visemes")}
    for _, frame in sink.audio[:-1]:
        header, pcm = decode_audio_chunk(frame)
        assert all(0 <= cue.offset < len(pcm) // 2 for cue in visemes[header.seq].cues)
    assert [t.role for t in store.turns] == ["user", "assistant"]
    assert store.turns[1].voice_to_voice_ms is not None and store.turns[1].llm_first_token_ms is not None
    assert llm.requests[0][0].role == "system" and "[joy]" in llm.requests[0][0].content
    await session.close()


async def test_events_for_a_chunk_precede_its_audio():
    session, sink, _ = make_session(providers())
    await session.push_text("안녕")
    await wait_for(sink, "turn.end")
    announced: set[int] = set()
    for kind, item in sink.order:
        if kind == "event" and item.type == "visemes":
            announced.add(item.seq)
        elif kind == "audio" and not item.last:
            assert item.seq in announced, "audio chunk sent before its visemes"
    await session.close()


async def test_spoken_utterance_is_endpointed_and_transcribed():
    stt = InstantSTT("안녕 하루야")
    session, sink, store = make_session(providers(stt=stt))
    session.start_audio(16000)
    await feed(session, spoken_korean_wav("안녕하세요. 반가워요.", 16000, 300, 900))
    assert [e.state for e in sink.of_type("vad")] == ["start", "end"]
    transcript = await wait_for(sink, "transcript")
    assert transcript.text == "안녕 하루야" and stt.calls == 1
    await wait_for(sink, "turn.end")
    assert store.turns[0].source == "voice" and store.turns[0].audio_ms > 500
    await session.close()


async def test_48khz_input_is_resampled_for_the_vad():
    session, sink, _ = make_session(providers())
    session.start_audio(48000)
    await feed(session, spoken_korean_wav("안녕하세요. 반가워요.", 48000, 300, 900), rate=48000)
    assert [e.state for e in sink.of_type("vad")] == ["start", "end"]
    await session.close()


async def test_audio_before_start_is_a_protocol_error():
    session, _, _ = make_session(providers())
    with pytest.raises(ProtocolError) as raised:
        await session.push_audio(silence(20))
    assert raised.value.code == "audio_before_start"


async def test_barge_in_interrupts_at_once_and_saves_what_was_heard():
    tts = ToneTTS()
    llm = ScriptedLLM(MULTI_SENTENCE * 3, delay_s=0.005)
    session, sink, store = make_session(providers(llm=llm, tts=tts), instant_playback=False)
    session.start_audio(16000)
    await session.push_text("긴 이야기 해 줘")
    while not sink.audio:
        await asyncio.sleep(0.005)
    reply_turn = decode_audio_chunk(sink.audio[0][1])[0].turn
    session.report_playback(reply_turn, 22050)  # the client has played one second
    await feed(session, spoken_korean_wav("잠깐만요.", 16000, 100, 700))
    kinds = [(kind, item.type if kind == "event" else "audio") for kind, item in sink.order]
    vad_at = kinds.index(("event", "vad"))
    assert kinds[vad_at + 1] == ("event", "interrupted")
    interrupted = sink.of_type("interrupted")[0]
    assert (interrupted.turn, interrupted.reason) == (reply_turn, "barge_in")
    later = [item for kind, item in sink.order[vad_at + 1 :] if kind == "audio" and item.turn == reply_turn]
    assert later == []
    end = await wait_for(sink, "turn.end", turn=reply_turn)
    assert end.interrupted
    saved = next(t for t in store.turns if t.index == reply_turn)
    assert saved.interrupted and saved.interrupted_by == "barge_in"
    assert saved.spoken_text and saved.text.startswith(saved.spoken_text) and len(saved.spoken_text) < len(saved.text)
    await session.close()


async def test_tts_failure_gives_an_error_and_a_text_only_reply():
    session, sink, store = make_session(providers(tts=ToneTTS(fail=True)))
    await session.push_text("안녕")
    end = await wait_for(sink, "turn.end")
    assert sink.of_type("error")[0].code == "tts_unavailable"
    assert end.text == MULTI_SENTENCE.removeprefix("[joy] ") and sink.audio == []
    assert store.turns[-1].text == end.text
    await session.close()


async def test_llm_failure_mid_reply_keeps_the_partial_answer():
    session, sink, store = make_session(providers(llm=ScriptedLLM(MULTI_SENTENCE, fail_after=8)))
    await session.push_text("안녕")
    error = await wait_for(sink, "error")
    assert error.code == "llm_error"
    await wait_for(sink, "turn.end")
    assert [t.role for t in store.turns] == ["user", "assistant"]
    assert store.turns[1].interrupted_by == "error" and store.turns[1].text
    await session.close()


async def test_unavailable_stt_says_so_and_typing_still_works():
    session, sink, store = make_session(providers(stt_available=False))
    session.start_audio(16000)
    await feed(session, spoken_korean_wav("안녕하세요.", 16000, 300, 900))
    error = await wait_for(sink, "error")
    assert error.code == "stt_unavailable"
    assert store.turns == []
    await session.push_text("타이핑은 돼요?")
    await wait_for(sink, "turn.end")
    assert [t.role for t in store.turns] == ["user", "assistant"]
    await session.close()


async def test_closing_mid_reply_saves_the_partial_turn():
    session, sink, store = make_session(providers(llm=ScriptedLLM(MULTI_SENTENCE * 4, delay_s=0.01)))
    await session.push_text("안녕")
    await wait_for(sink, "reply.delta")
    await asyncio.sleep(0.05)
    await session.close()
    assert [t.role for t in store.turns] == ["user", "assistant"]
    assert store.turns[1].interrupted_by == "disconnect"


async def test_greeting_is_spoken_without_the_llm():
    from dataclasses import replace

    from bench.harness import PERSONA

    llm = ScriptedLLM("unused")
    session, sink, store = make_session(providers(llm=llm), persona=replace(PERSONA, greeting="안녕하세요! 하루예요."))
    await session.greet()
    end = await wait_for(sink, "turn.end")
    assert end.text == "안녕하세요! 하루예요." and sink.audio and llm.requests == []
    assert store.turns[0].source == "greeting"
    await session.close()


class SlowSTT(InstantSTT):
    async def transcribe(self, pcm: bytes, sample_rate: int, language: str | None):
        await asyncio.sleep(0.3)
        return await super().transcribe(pcm, sample_rate, language)


async def test_closing_while_transcribing_still_saves_what_the_user_said():
    session, sink, store = make_session(providers(stt=SlowSTT("마지막 한마디")))
    session.start_audio(16000)
    await feed(session, spoken_korean_wav("안녕하세요.", 16000, 300, 900))
    assert sink.of_type("vad")[-1].state == "end"
    await session.close()  # the socket drops before the transcript is ready
    assert [(t.role, t.text) for t in store.turns] == [("user", "마지막 한마디")]


async def test_a_later_emotion_tag_changes_face_and_voice_from_its_sentence():
    tts = ToneTTS()
    reply = "[joy] 오늘 정말 좋아요, 날씨가 맑아요. [sad] 그런데 내일은 비가 온대요."
    session, sink, store = make_session(providers(llm=ScriptedLLM(reply), tts=tts))
    await session.push_text("날씨 어때?")
    end = await wait_for(sink, "turn.end")
    assert end.emotion == "joy" and "[sad]" not in end.text
    assert [e.emotion for e in sink.of_type("expression")] == ["joy", "sad"]
    assert tts.emotions[0] == "joy" and tts.emotions[-1] == "sad"
    assert store.turns[-1].emotion == "joy"
    await session.close()
