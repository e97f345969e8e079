"""Emotion tags in the LLM stream: `[joy] 안녕!` becomes an emotion change plus text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A tag longer than this is prose in brackets, so we stop holding text back for it.
MAX_TAG_CHARS = 24
_ASCII_TAG_WORD = re.compile(r"[A-Za-z][A-Za-z_-]{0,23}")


@dataclass(frozen=True, slots=True)
class TextPiece:
    """Speakable text with emotion tags removed."""

    text: str


@dataclass(frozen=True, slots=True)
class EmotionChange:
    """The reply's emotion from here on; `tag` is what the LLM wrote."""

    emotion: str
    tag: str


StreamItem = TextPiece | EmotionChange


def EMOTION_INSTRUCTION(allowed: Sequence[str]) -> str:
    """The sentence appended to a persona prompt asking for one leading emotion tag."""
    tags = ", ".join(f"[{name}]" for name in allowed)
    example = allowed[0] if allowed else "neutral"
    return (
        f"Start every reply with exactly one emotion tag from this list: {tags} "
        f"(for example: [{example}] ...). You may put another tag from the list before a "
        "later sentence when your feeling changes. Tags are never read aloud; use no "
        "other square brackets."
    )


class EmotionTagParser:
    """Streaming parser that strips `[emotion]` tags and reports them as changes."""

    def __init__(self, allowed: Sequence[str], default: str = "neutral") -> None:
        self.allowed = {name.lower(): name for name in allowed}
        self.default = default
        self.current = default
        self._pending = ""  # text from an unclosed "[" that may still become a tag
        # Whitespace right after a tag is dropped when the tag stood between words
        # ("[joy] 안녕", "좋아요. [sad] 그런데"), so no stray spaces reach TTS.
        self._ended_in_space = True
        self._strip_leading = True
        self._last_char = ""

    def feed(self, delta: str) -> list[StreamItem]:
        """Parse one delta; return text and emotion changes complete so far."""
        items: list[StreamItem] = []
        text = self._pending + delta
        self._pending = ""
        while text:
            start = text.find("[")
            if start < 0:
                self._emit_text(items, text)
                break
            self._emit_text(items, text[:start])
            text = text[start:]
            if self._last_char.isalnum():
                # "b[i]" or "a[0]" is code or a footnote glued to a word, not a tag.
                self._emit_text(items, text[0])
                text = text[1:]
                continue
            end = text.find("]")
            if end < 0:
                if self._could_still_be_tag(text[1:]):
                    self._pending = text
                else:
                    self._emit_text(items, text[0])
                    text = text[1:]
                    continue
                break
            inner = text[1:end]
            emotion = self._emotion_for(inner)
            if emotion is None:
                # Not a tag: keep the "[" as text and look for tags after it.
                self._emit_text(items, text[0])
                text = text[1:]
                continue
            self._emit_change(items, emotion, inner)
            text = text[end + 1 :]
        return items

    def flush(self) -> list[StreamItem]:
        """End of stream: anything held back was not a tag, so it is text."""
        items: list[StreamItem] = []
        self._emit_text(items, self._pending)
        self._pending = ""
        return items

    def _could_still_be_tag(self, partial: str) -> bool:
        if len(partial) > MAX_TAG_CHARS:
            return False
        return not partial or re.fullmatch(r"[^\s\[\]]*", partial) is not None

    def _emotion_for(self, inner: str) -> str | None:
        """The emotion a bracketed word stands for, or None if it is ordinary text."""
        word = inner  # no inner spaces: the stream decides on "[ x" before seeing "]"
        if word.lower() in self.allowed:
            return self.allowed[word.lower()]
        if _ASCII_TAG_WORD.fullmatch(word):
            return self.default  # a tag the persona does not allow
        return None

    def _emit_change(self, items: list[StreamItem], emotion: str, tag: str) -> None:
        self.current = emotion
        self._strip_leading = self._ended_in_space
        items.append(EmotionChange(emotion, tag))

    def _emit_text(self, items: list[StreamItem], text: str) -> None:
        if self._strip_leading:
            text = text.lstrip()
        if not text:
            return
        self._strip_leading = False
        self._ended_in_space = text[-1].isspace()
        self._last_char = text[-1]
        if items and isinstance(items[-1], TextPiece):
            items[-1] = TextPiece(items[-1].text + text)
        else:
            items.append(TextPiece(text))


def system_prompt_with_emotions(prompt: str, emotions: Sequence[str]) -> str:
    """The system message the LLM gets: the persona's prompt plus the emotion-tag rule.

    Fine-tuning exports use the same text, so a tuned model sees what it will be asked.
    """
    return f"{prompt}\n\n{EMOTION_INSTRUCTION(list(emotions))}"
