"""GPTSoVITSTTS against a local fake api_v2 server speaking the real wire protocol."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from conversations.pipeline.interfaces import (
    ProviderError,
    ReferenceClip,
    SynthesizedAudio,
    TextToSpeech,
    VoiceSettings,
)
from conversations.pipeline.tts.gpt_sovits import (
    GPTSoVITSTTS,
    WavStreamDecoder,
    gpt_sovits_language,
)
from tests.fakes.gpt_sovits_server import FakeGPTSoVITSServer, wav_header

CLIPS = {
    "neutral": ReferenceClip("/refs/neutral.wav", "평범한 목소리예요.", "ko"),
    "joy": ReferenceClip("/refs/joy.wav", "정말 기뻐요!", "ko"),
}
VOICE = VoiceSettings(language="ko-KR", reference_clips=CLIPS)
TEXT = "안녕하세요. 만나서 반가워요."


@pytest.fixture
def server() -> Iterator[FakeGPTSoVITSServer]:
    with FakeGPTSoVITSServer() as fake:
        yield fake


async def collect(tts: GPTSoVITSTTS, text: str = TEXT, **kwargs: object) -> list[SynthesizedAudio]:
    kwargs.setdefault("voice", VOICE)
    return [chunk async for chunk in tts.synthesize(text, **kwargs)]  # type: ignore[arg-type]


@pytest.mark.parametrize("sample_rate", [32000, 24000])
async def test_streams_pcm_at_the_rate_in_the_wav_header(sample_rate: int) -> None:
    with FakeGPTSoVITSServer(sample_rate=sample_rate) as fake:
        tts = GPTSoVITSTTS(fake.base_url)
        assert isinstance(tts, TextToSpeech)
        chunks = await collect(tts)

    assert len(chunks) > 1
    assert {c.sample_rate for c in chunks} == {sample_rate}
    assert all(len(c.pcm) % 2 == 0 and c.phonemes == () for c in chunks)
    # The fake splits PCM at odd byte counts: realigned, the bytes must match exactly.
    assert b"".join(c.pcm for c in chunks) == fake.requests[0].pcm


async def test_request_carries_text_language_and_the_emotion_clip(
    server: FakeGPTSoVITSServer,
) -> None:
    tts = GPTSoVITSTTS(server.base_url, extra_params={"top_k": 7})
    await collect(tts, emotion="joy")
    await collect(tts, emotion="sad")  # no "sad" clip: falls back to neutral

    joy, sad = (request.params for request in server.requests)
    assert joy["text"] == TEXT and joy["text_lang"] == "ko" and joy["prompt_lang"] == "ko"
    assert (joy["ref_audio_path"], joy["prompt_text"]) == ("/refs/joy.wav", "정말 기뻐요!")
    assert (sad["ref_audio_path"], sad["prompt_text"]) == (
        "/refs/neutral.wav",
        "평범한 목소리예요.",
    )
    assert joy["streaming_mode"] == 1 and joy["media_type"] == "wav" and joy["top_k"] == 7
    assert joy["text_split_method"] == "cut5"


async def test_without_neutral_any_clip_is_used(server: FakeGPTSoVITSServer) -> None:
    voice = VoiceSettings(reference_clips={"calm": ReferenceClip("/refs/calm.wav", "네.")})
    await collect(GPTSoVITSTTS(server.base_url), voice=voice, emotion="angry")
    assert server.requests[0].params["ref_audio_path"] == "/refs/calm.wav"


async def test_no_reference_clip_is_a_config_error(server: FakeGPTSoVITSServer) -> None:
    with pytest.raises(ProviderError) as caught:
        await collect(GPTSoVITSTTS(server.base_url), voice=VoiceSettings(language="ko"))
    assert caught.value.code == "tts_config"
    assert "reference" in caught.value.message
    assert server.requests == []


async def test_concurrent_calls_to_one_server_are_serialised() -> None:
    with FakeGPTSoVITSServer(chunk_delay_s=0.01) as fake:
        tts = GPTSoVITSTTS(fake.base_url)
        other = GPTSoVITSTTS(fake.base_url + "/")  # another instance, same server
        results = await asyncio.gather(
            collect(tts, "첫 번째 문장이에요."),
            collect(other, "두 번째."),
            collect(tts, "세 번째 문장."),
        )
    assert len(fake.requests) == 3
    assert fake.max_concurrency == 1
    sent = {request.params["text"]: request.pcm for request in fake.requests}
    texts = ["첫 번째 문장이에요.", "두 번째.", "세 번째 문장."]
    for text, chunks in zip(texts, results, strict=True):
        assert b"".join(c.pcm for c in chunks) == sent[text]


async def test_different_servers_run_in_parallel() -> None:
    with (
        FakeGPTSoVITSServer(chunk_delay_s=0.05) as first,
        FakeGPTSoVITSServer(chunk_delay_s=0.05) as second,
    ):
        started = time.perf_counter()
        await asyncio.gather(
            collect(GPTSoVITSTTS(first.base_url), "네."),
            collect(GPTSoVITSTTS(second.base_url), "네."),
        )
        both = time.perf_counter() - started
        started = time.perf_counter()
        await collect(GPTSoVITSTTS(first.base_url), "네.")
        alone = time.perf_counter() - started
    assert both < alone * 1.6


async def test_server_down_is_unavailable_quickly() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.perf_counter()
    with pytest.raises(ProviderError) as caught:
        await collect(GPTSoVITSTTS(f"http://127.0.0.1:{port}"))
    assert caught.value.code == "tts_unavailable"
    assert f"127.0.0.1:{port}" in caught.value.message
    assert time.perf_counter() - started < 2.0


async def test_bad_request_reports_the_servers_message() -> None:
    with (
        FakeGPTSoVITSServer(fail_message="ref_audio_path not found") as fake,
        pytest.raises(ProviderError) as caught,
    ):
        await collect(GPTSoVITSTTS(fake.base_url))
    assert caught.value.code == "tts_error"
    assert "ref_audio_path not found" in caught.value.message


async def test_unsupported_language_is_rejected_by_the_real_validation(
    server: FakeGPTSoVITSServer,
) -> None:
    tts = GPTSoVITSTTS(server.base_url, extra_params={"text_lang": "xx"})
    with pytest.raises(ProviderError) as caught:
        await collect(tts)
    assert "text_lang: xx is not supported" in caught.value.message


async def test_slow_server_times_out() -> None:
    with (
        FakeGPTSoVITSServer(chunk_delay_s=0.5) as fake,
        pytest.raises(ProviderError) as caught,
    ):
        await collect(GPTSoVITSTTS(fake.base_url, timeout_s=0.1))
    assert caught.value.code == "tts_timeout"


async def test_raw_media_type_uses_the_configured_rate(server: FakeGPTSoVITSServer) -> None:
    tts = GPTSoVITSTTS(server.base_url, media_type="raw", sample_rate=32000)
    chunks = await collect(tts)
    assert {c.sample_rate for c in chunks} == {32000}
    assert b"".join(c.pcm for c in chunks) == server.requests[0].pcm
    with pytest.raises(ValueError):
        GPTSoVITSTTS(server.base_url, media_type="raw")


async def test_non_streaming_wav_is_decoded_too(server: FakeGPTSoVITSServer) -> None:
    chunks = await collect(GPTSoVITSTTS(server.base_url, streaming_mode=False))
    assert b"".join(c.pcm for c in chunks) == server.requests[0].pcm


async def test_eight_bit_audio_is_rejected() -> None:
    with (
        FakeGPTSoVITSServer(header_sample_width=1) as fake,
        pytest.raises(ProviderError) as caught,
    ):
        await collect(GPTSoVITSTTS(fake.base_url))
    assert caught.value.code == "tts_error" and "16" in caught.value.message


async def test_stopping_early_frees_the_server_for_the_next_call() -> None:
    with FakeGPTSoVITSServer(chunk_delay_s=0.02) as fake:
        tts = GPTSoVITSTTS(fake.base_url)
        stream = tts.synthesize(TEXT * 5, voice=VOICE)
        await anext(stream)
        await stream.aclose()
        chunks = await asyncio.wait_for(collect(tts, "네."), timeout=5)
    assert b"".join(c.pcm for c in chunks) == fake.requests[-1].pcm


def test_decoder_handles_a_header_split_across_reads_and_stereo() -> None:
    header = bytearray(wav_header(48000, channels=2))
    decoder = WavStreamDecoder()
    frames = bytes([1, 0, 3, 0, 0xFF, 0xFF, 0x01, 0x00])  # (1, 3), (-1, 1) as int16 pairs
    stream = bytes(header) + frames
    out = b"".join(decoder.feed(stream[i : i + 5]) for i in range(0, len(stream), 5))
    assert decoder.sample_rate == 48000
    assert out == bytes([2, 0, 0, 0])  # averaged to mono: 2, 0


def test_language_mapping() -> None:
    assert [gpt_sovits_language(x) for x in ("ko-KR", "en_US", "ja", "zh-CN", "zh-HK")] == [
        "ko",
        "en",
        "ja",
        "zh",
        "yue",
    ]
    assert gpt_sovits_language("de") == "auto"


def test_fake_server_also_answers_get_with_query_parameters(server: FakeGPTSoVITSServer) -> None:
    params = {"text": "네.", "text_lang": "ko", "ref_audio_path": "/r.wav", "prompt_lang": "ko"}
    response = httpx.get(f"{server.base_url}/tts", params={**params, "streaming_mode": "true"})
    assert response.status_code == 200
    decoder = WavStreamDecoder()
    assert decoder.feed(response.content) == server.requests[0].pcm
    assert decoder.sample_rate == server.sample_rate
    missing = httpx.get(f"{server.base_url}/tts", params={"text": "네."})
    assert missing.status_code == 400 and missing.json() == {"message": "text_lang is required"}
