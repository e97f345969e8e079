"""Streaming sentence splitter: cuts LLM deltas into speakable chunks for TTS.

A cut is made only when the text after it is known well enough to be sure, so the
chunks are the same however the text was cut into deltas.
"""

from __future__ import annotations

import re

SENTENCE_ENDS = frozenset(".!?…。！？")
# Full-width ends need no following space: CJK text does not put one there.
FULLWIDTH_ENDS = frozenset("。！？")
CLOSERS = frozenset("\"'”’)]}」』》〉】")
OPENERS = frozenset("\"'“‘([{「『《〈【")
CLAUSE_MARKS = frozenset(",;:，、；：")
# Written before a "." that does not end the sentence (compared lower-case, dots inside).
ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "approx", "fig", "cf"})
DOTTED_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # e.g, i.e, U.S, a.m
# Korean connective endings that close a clause ("…는데 ", "…지만 "); used only to
# start the first chunk early, since guessing ends from endings alone misfires.
KOREAN_CLAUSE_ENDINGS = ("는데", "은데", "인데", "지만", "니까", "면서", "아서", "어서", "해서")
# After a closing quote these continue the sentence: “안녕!” 하고 말했어요.
QUOTE_CONTINUATIONS = ("하고", "라고", "이라고", "라며", "라는", "하며", "하는")
QUOTES = frozenset("\"'”’」』")
DOTTED_DATE_END = re.compile(r"\d\.\s+\d{1,2}$")  # the "5" of "2026. 3. 5."

_NEED_MORE = -1
_NO_CUT = 0


class SentenceSplitter:
    """Turns streamed text into chunks; the first one comes early so TTS starts sooner."""

    def __init__(self, first_chunk_min_chars: int = 12, max_chars: int = 150, language: str = "ko") -> None:
        self.first_chunk_min_chars = first_chunk_min_chars
        self.max_chars = max_chars
        self.language = language
        self._buffer = ""
        self._carry = ""  # punctuation-only text waiting to join the next chunk
        self._emitted_any = False

    def feed(self, delta: str) -> list[str]:
        """Add a delta; return the chunks completed so far."""
        self._buffer += delta
        return self._drain(final=False)

    def flush(self) -> list[str]:
        """End of stream: return every remaining chunk."""
        chunks = self._drain(final=True)
        rest = _join(self._carry, self._buffer.strip())
        self._buffer = self._carry = ""
        if rest:
            chunks.append(rest)
        return chunks

    def _drain(self, final: bool) -> list[str]:
        chunks: list[str] = []
        while True:
            self._buffer = self._buffer.lstrip()
            cut = self._find_cut(self._buffer, final)
            if cut <= 0:
                return chunks
            chunk, self._buffer = self._buffer[:cut].strip(), self._buffer[cut:]
            chunk = _join(self._carry, chunk)
            self._carry = ""
            if not any(ch.isalnum() for ch in chunk):
                self._carry = chunk  # "!" or "…" alone is nothing to say
                continue
            chunks.append(chunk)
            self._emitted_any = True

    def _find_cut(self, text: str, final: bool) -> int:
        """Index to cut `text` after; 0 or less when no cut can be decided yet."""
        i = 0
        limit = min(len(text), self.max_chars)
        while i < limit:
            ch = text[i]
            if ch == "\n":
                return i + 1
            if ch in SENTENCE_ENDS:
                end = _end_of_run(text, i)
                decision = self._sentence_end_at(text, i, end, final)
                if decision == _NEED_MORE:
                    return _NO_CUT
                if decision > 0:
                    return decision
                i = end
                continue
            if not self._emitted_any:
                decision = self._early_cut_at(text, i, final)
                if decision == _NEED_MORE:
                    return _NO_CUT
                if decision > 0:
                    return decision
            i += 1
        if len(text) > self.max_chars:
            return _hard_cut(text, self.max_chars)
        return _NO_CUT

    def _sentence_end_at(self, text: str, start: int, end: int, final: bool) -> int:
        """Cut position after a run of sentence-end marks and closers, or a non-cut code."""
        run = text[start:end]
        if any(ch in FULLWIDTH_ENDS for ch in run):
            return end
        if end >= len(text):
            return _NO_CUT if final else _NEED_MORE
        if not text[end].isspace():
            return _NO_CUT  # 3.14, e.g, example.com/a?b, 안녕.하세요
        if text[end - 1] in QUOTES:
            following = text[end:].lstrip()
            if not final and len(following) < max(map(len, QUOTE_CONTINUATIONS)):
                return _NEED_MORE
            if following.startswith(QUOTE_CONTINUATIONS) or following[:1].islower():
                return _NO_CUT  # the quote sits inside a longer sentence
        if run.rstrip("".join(CLOSERS)) == ".":
            return self._after_period(text, start, end, final)
        return end

    def _after_period(self, text: str, dot: int, end: int, final: bool) -> int:
        """A lone "." before a space: a sentence end unless it closes an abbreviation."""
        token = _token_before(text, dot)
        if token.lower() in ABBREVIATIONS or DOTTED_ABBREVIATION.fullmatch(token):
            return _NO_CUT
        if len(token) == 1 and token.isupper():
            return _NO_CUT  # an initial: "J. K. Rowling"
        if token.isdigit():
            if dot - len(token) == 0 or text[dot - len(token) - 1] == "\n":
                return _NO_CUT  # a list marker: "1. 첫째"
            following = text[end:].lstrip()
            if not following:
                return _NO_CUT if final else _NEED_MORE
            if following[0].isdigit() or DOTTED_DATE_END.search(text[:dot]):
                return _NO_CUT  # a Korean date: "2026. 3. 5."
        return end

    def _early_cut_at(self, text: str, i: int, final: bool) -> int:
        """For the first chunk only: a clause boundary once it is long enough."""
        if i + 1 < self.first_chunk_min_chars:
            return _NO_CUT
        ch = text[i]
        if ch in CLAUSE_MARKS:
            if ch in "，、；：":
                return i + 1
            if i + 1 >= len(text):
                return _NO_CUT if final else _NEED_MORE
            return i + 1 if text[i + 1].isspace() else _NO_CUT  # not inside 1,000
        korean_clause = self.language == "ko" and ch.isspace()
        if korean_clause and _token_before(text, i).endswith(KOREAN_CLAUSE_ENDINGS):
            return i
        return _NO_CUT


def _end_of_run(text: str, start: int) -> int:
    """Index after a run of sentence-end marks and the closing quotes/brackets after it."""
    end = start
    while end < len(text) and text[end] in SENTENCE_ENDS:
        end += 1
    while end < len(text) and text[end] in CLOSERS:
        end += 1
    return end


def _token_before(text: str, index: int) -> str:
    """The word that ends just before `index`, without leading quotes or brackets."""
    start = index
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:index].lstrip("".join(OPENERS))


def _hard_cut(text: str, max_chars: int) -> int:
    """Cut an over-long run: after the last clause mark, else the last space, in range."""
    window = text[: max_chars + 1]
    for pattern in (r"[,;:，、；：]\s", r"\s"):
        matches = list(re.finditer(pattern, window))
        if matches and matches[-1].start() > 0:
            return matches[-1].start() + 1
    return max_chars  # no space at all (CJK run): cut anyway rather than stall TTS


def _join(carry: str, chunk: str) -> str:
    if not carry:
        return chunk
    return f"{carry} {chunk}".strip()
