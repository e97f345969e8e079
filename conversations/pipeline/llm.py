"""Language model stage: OpenAI-compatible streaming chat, an offline stand-in, prompts."""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import AsyncIterator, Sequence

import openai

from conversations.pipeline.interfaces import ChatMessage, ProviderError

# Per-message framing tokens (role markers) that chat formats add around the content.
MESSAGE_OVERHEAD_TOKENS = 4
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def estimate_tokens(text: str) -> int:
    """Estimate a text's token count: ASCII ~4 chars per token, other chars 1 each."""
    # BPE vocabularies merge English into ~4-char tokens but give Hangul and other
    # scripts roughly one token per character, so counting them apart stays on the
    # safe (over-estimating) side for Korean without starving English context.
    ascii_chars = sum(1 for ch in text if ord(ch) < 128)
    other_chars = len(text) - ascii_chars
    return math.ceil(ascii_chars / 4) + other_chars


def message_tokens(message: ChatMessage) -> int:
    """Estimated tokens one chat message costs in the prompt."""
    return estimate_tokens(message.content) + MESSAGE_OVERHEAD_TOKENS


def build_messages(
    system_prompt: str,
    history: Sequence[ChatMessage],
    user_text: str,
    max_context_tokens: int,
) -> list[ChatMessage]:
    """Persona prompt first, then the newest history that fits the budget, then the user."""
    system = ChatMessage("system", system_prompt)
    user = ChatMessage("user", user_text)
    budget = max_context_tokens - message_tokens(system) - message_tokens(user)
    kept: list[ChatMessage] = []
    for message in reversed(history):
        if message.role == "system":
            continue  # the persona prompt is the only system message, always first
        cost = message_tokens(message)
        if cost > budget:
            break  # keep the kept history contiguous: no gaps in the conversation
        kept.append(message)
        budget -= cost
    kept.reverse()
    return [system, *kept, user]


class OpenAIChatModel:
    """Streams chat completions from OpenAI or any OpenAI-compatible server."""

    offline = False

    def __init__(
        self,
        base_url: str | None,
        api_key: str | None,
        default_model: str,
        timeout_s: float = 20.0,
        first_token_timeout_s: float = 10.0,
        max_retries: int = 0,
    ) -> None:
        self.default_model = default_model
        self.timeout_s = timeout_s
        self.first_token_timeout_s = first_token_timeout_s
        # Retries are off by default: a realtime turn would rather fail fast and say so.
        self._client = openai.AsyncOpenAI(
            base_url=base_url,
            # Self-hosted servers (vLLM, llama.cpp, Ollama) accept any key.
            api_key=api_key or "not-needed",
            timeout=timeout_s,
            max_retries=max_retries,
        )

    async def stream_reply(
        self,
        messages: Sequence[ChatMessage],
        *,
        model: str | None = None,
        temperature: float = 0.8,
    ) -> AsyncIterator[str]:
        """Yield the reply's content deltas as they arrive."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        first_deadline = min(deadline, loop.time() + self.first_token_timeout_s)
        stream = None
        got_content = False
        try:
            async with asyncio.timeout_at(first_deadline):
                stream = await self._client.chat.completions.create(
                    model=model or self.default_model,
                    messages=[{"role": m.role, "content": m.content} for m in messages],
                    temperature=temperature,
                    stream=True,
                )
            chunks = aiter(stream)
            while True:
                # The timeout wraps only the wait, never the yield, so a slow consumer
                # is not cancelled by it.
                async with asyncio.timeout_at(deadline if got_content else first_deadline):
                    chunk = await anext(chunks, None)
                if chunk is None:
                    return
                for choice in chunk.choices:
                    content = choice.delta.content if choice.delta else None
                    if content:
                        got_content = True
                        yield content
        except TimeoutError as exc:
            phase = "total" if got_content else "first token"
            raise ProviderError("llm_timeout", f"LLM {phase} timeout") from exc
        except openai.APITimeoutError as exc:
            raise ProviderError("llm_timeout", "LLM request timed out") from exc
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ProviderError("llm_auth", f"LLM rejected credentials: {exc.status_code}") from exc
        except openai.RateLimitError as exc:
            raise ProviderError("llm_rate_limited", "LLM rate limited (429)") from exc
        except openai.APIStatusError as exc:
            raise ProviderError("llm_error", f"LLM HTTP {exc.status_code}") from exc
        except openai.APIConnectionError as exc:
            raise ProviderError("llm_error", f"LLM connection failed: {exc.message}") from exc
        except openai.OpenAIError as exc:
            raise ProviderError("llm_error", f"LLM error: {type(exc).__name__}") from exc
        finally:
            if stream is not None:
                await stream.close()


def _quote(text: str, limit: int = 24) -> str:
    """A short, tag-free excerpt of what the user said."""
    cleaned = " ".join(text.replace("[", " ").replace("]", " ").split())
    return cleaned if len(cleaned) <= limit else cleaned[:limit].rstrip() + "…"


def offline_reply(user_text: str, language: str) -> str:
    """The offline stand-in's deterministic two-sentence reply."""
    quote = _quote(user_text)
    if language == "ko":
        heard = f"“{quote}”라고 하셨군요, 잘 들었어요!" if quote else "잘 들었어요!"
        return f"[joy] {heard} 지금은 오프라인 모드라서 간단한 대답만 할 수 있어요."
    heard = f"You said “{quote}”, I heard you!" if quote else "I heard you!"
    return f"[joy] {heard} I'm in offline mode right now, so I can only give simple answers."


class OfflineResponder:
    """A clearly labelled stand-in used only when no LLM is configured."""

    offline = True

    def __init__(self, language: str = "ko", delta_chars: int = 3, delay_s: float = 0.02) -> None:
        self.language = language
        self.delta_chars = delta_chars
        self.delay_s = delay_s

    def reply_language(self, user_text: str) -> str:
        """Korean if the user wrote Hangul, English if Latin only, else the default."""
        if _HANGUL.search(user_text):
            return "ko"
        if re.search(r"[A-Za-z]", user_text):
            return "en"
        return self.language if self.language == "ko" else "en"

    async def stream_reply(
        self,
        messages: Sequence[ChatMessage],
        *,
        model: str | None = None,
        temperature: float = 0.8,
    ) -> AsyncIterator[str]:
        """Yield the offline reply in small deltas with a tiny delay between them."""
        user_text = next((m.content for m in reversed(messages) if m.role == "user"), "")
        reply = offline_reply(user_text, self.reply_language(user_text))
        for start in range(0, len(reply), self.delta_chars):
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            yield reply[start : start + self.delta_chars]
