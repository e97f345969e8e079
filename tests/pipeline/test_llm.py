"""The LLM stage: the real AsyncOpenAI client against a local fake of the wire protocol."""

from __future__ import annotations

import asyncio
import time

import pytest

from conversations.pipeline.interfaces import ChatMessage, LanguageModel, ProviderError
from conversations.pipeline.llm import (
    OfflineResponder,
    OpenAIChatModel,
    build_messages,
    estimate_tokens,
    message_tokens,
)
from tests.fakes.openai_chat_server import FakeOpenAIChatServer

FINE_TUNED = "ft:gpt-4o-mini-2024-07-18:org::abc123"
PROMPT = [ChatMessage("system", "너는 친절한 아바타야."), ChatMessage("user", "안녕?")]


async def collect(llm: LanguageModel, messages: list[ChatMessage], **kwargs) -> list[str]:
    return [delta async for delta in llm.stream_reply(messages, **kwargs)]


def chat_model(server: FakeOpenAIChatServer, **kwargs) -> OpenAIChatModel:
    return OpenAIChatModel(server.base_url, "sk-test", "gpt-4o-mini", **kwargs)


async def test_streams_deltas_in_order_with_system_prompt_first():
    reply = "[joy] 안녕하세요! 오늘 기분은 어떠세요?"
    with FakeOpenAIChatServer([reply]) as server:
        deltas = await collect(chat_model(server), PROMPT)
    assert len(deltas) > 3
    assert "".join(deltas) == reply
    body = server.requests[0]
    assert body["stream"] is True
    assert body["messages"][0] == {"role": "system", "content": "너는 친절한 아바타야."}
    assert body["messages"][-1] == {"role": "user", "content": "안녕?"}
    assert body["model"] == "gpt-4o-mini"


async def test_model_id_and_temperature_pass_through():
    with FakeOpenAIChatServer(lambda body: f"model={body['model']}") as server:
        deltas = await collect(chat_model(server), PROMPT, model=FINE_TUNED, temperature=0.3)
    assert "".join(deltas) == f"model={FINE_TUNED}"
    assert server.requests[0]["temperature"] == 0.3
    assert server.headers[0]["authorization"] == "Bearer sk-test"


async def test_deltas_arrive_while_streaming():
    with FakeOpenAIChatServer(["abcdefghijklmnop"], token_delay_s=0.05) as server:
        arrivals = []
        started = time.monotonic()
        async for _ in chat_model(server).stream_reply(PROMPT):
            arrivals.append(time.monotonic() - started)
    # The first delta comes long before the last: the reply is really streamed.
    assert arrivals[-1] - arrivals[0] >= 0.15


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "llm_auth"), (403, "llm_auth"), (429, "llm_rate_limited"), (500, "llm_error")],
)
async def test_http_errors_map_to_provider_codes(status, code):
    with (
        FakeOpenAIChatServer(["unused"], fail_with=status) as server,
        pytest.raises(ProviderError) as caught,
    ):
        await collect(chat_model(server), PROMPT)
    assert caught.value.code == code
    if code == "llm_error":
        assert str(status) in caught.value.message


async def test_hanging_server_times_out_at_first_token_deadline():
    with FakeOpenAIChatServer(["unused"], hang=True) as server:
        started = time.monotonic()
        with pytest.raises(ProviderError) as caught:
            await collect(chat_model(server, first_token_timeout_s=0.3), PROMPT)
        elapsed = time.monotonic() - started
    assert caught.value.code == "llm_timeout"
    assert 0.25 <= elapsed < 2.0


async def test_slow_stream_hits_total_timeout():
    with FakeOpenAIChatServer(["x" * 60], token_delay_s=0.05) as server:
        model = chat_model(server, timeout_s=0.4, first_token_timeout_s=0.3)
        received = []
        with pytest.raises(ProviderError) as caught:
            async for delta in model.stream_reply(PROMPT):
                received.append(delta)
    assert caught.value.code == "llm_timeout"
    assert received, "the first deltas arrive before the total deadline"


async def test_unreachable_server_is_llm_error():
    model = OpenAIChatModel("http://127.0.0.1:9/v1", "sk-test", "gpt-4o-mini")
    with pytest.raises(ProviderError) as caught:
        await collect(model, PROMPT)
    assert caught.value.code == "llm_error"


async def test_cancelling_mid_stream_closes_cleanly():
    with FakeOpenAIChatServer(["가나다라마바사아자차카타파하" * 5], token_delay_s=0.02) as server:
        stream = chat_model(server).stream_reply(PROMPT)
        first = await anext(stream)
        await stream.aclose()
    assert first


def test_chat_model_satisfies_protocol():
    model = OpenAIChatModel(None, "sk-test", "gpt-4o-mini")
    assert isinstance(model, LanguageModel)
    assert model.offline is False


async def test_offline_responder_korean_is_labelled_and_quotes_user():
    responder = OfflineResponder(language="ko", delay_s=0.001)
    messages = [ChatMessage("system", "persona"), ChatMessage("user", "오늘 날씨 어때?")]
    deltas = await collect(responder, messages)
    reply = "".join(deltas)
    assert responder.offline is True
    assert isinstance(responder, LanguageModel)
    assert len(deltas) > 5
    assert reply.startswith("[joy] ")
    assert "오늘 날씨 어때?" in reply
    assert "오프라인" in reply
    assert reply == "".join(await collect(responder, messages)), "deterministic"


async def test_offline_responder_answers_english_in_english():
    responder = OfflineResponder(language="ko", delay_s=0)
    reply = "".join(await collect(responder, [ChatMessage("user", "What's up [sad]?")]))
    assert reply.startswith("[joy] ")
    assert "offline mode" in reply
    assert "What's up" in reply
    assert "[sad]" not in reply, "user brackets must not become emotion tags"


async def test_offline_responder_streams_with_visible_delay():
    responder = OfflineResponder(delay_s=0.01)
    started = time.monotonic()
    deltas = await collect(responder, [ChatMessage("user", "안녕")])
    assert time.monotonic() - started >= 0.01 * len(deltas) * 0.8


def test_estimate_tokens_counts_hangul_per_syllable_and_english_per_four_chars():
    assert estimate_tokens("") == 0
    assert estimate_tokens("안녕하세요") == 5
    assert estimate_tokens("abcdefgh") == 2
    assert estimate_tokens("hi 안녕") == 1 + 2


def test_build_messages_keeps_everything_when_budget_allows():
    history = [ChatMessage("user", "하나"), ChatMessage("assistant", "둘")]
    messages = build_messages("persona", history, "셋", max_context_tokens=1000)
    assert [m.content for m in messages] == ["persona", "하나", "둘", "셋"]
    assert [m.role for m in messages] == ["system", "user", "assistant", "user"]


def test_build_messages_drops_oldest_history_first_and_respects_budget():
    history = [ChatMessage("user" if i % 2 == 0 else "assistant", f"메시지{i}") for i in range(20)]
    system, user = "너는 아바타야", "지금 질문"
    per_message = message_tokens(history[0])
    budget = (
        message_tokens(ChatMessage("system", system))
        + message_tokens(ChatMessage("user", user))
        + 3 * per_message
    )
    messages = build_messages(system, history, user, max_context_tokens=budget)
    assert messages[0] == ChatMessage("system", system)
    assert messages[-1] == ChatMessage("user", user)
    assert [m.content for m in messages[1:-1]] == ["메시지17", "메시지18", "메시지19"]
    assert sum(message_tokens(m) for m in messages) <= budget


def test_build_messages_keeps_history_contiguous_and_skips_stray_system():
    history = [
        ChatMessage("user", "짧은 말"),
        ChatMessage("assistant", "아주 " * 200),
        ChatMessage("system", "old persona"),
        ChatMessage("user", "최근 말"),
    ]
    messages = build_messages("persona", history, "질문", max_context_tokens=60)
    assert [m.content for m in messages] == ["persona", "최근 말", "질문"]


def test_build_messages_always_keeps_system_and_user_even_over_budget():
    history = [ChatMessage("user", "이전")]
    messages = build_messages("긴 페르소나 " * 50, history, "질문", max_context_tokens=10)
    assert [m.role for m in messages] == ["system", "user"]


async def test_second_request_gets_second_reply():
    with FakeOpenAIChatServer(["첫 번째", "두 번째"]) as server:
        model = chat_model(server)
        first = "".join(await collect(model, PROMPT))
        second = "".join(await collect(model, PROMPT))
        third = "".join(await asyncio.wait_for(collect(model, PROMPT), 5))
    assert (first, second, third) == ("첫 번째", "두 번째", "두 번째")
