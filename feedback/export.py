"""Building fine-tuning examples from rated turns and writing an export's files."""

from __future__ import annotations

import bisect
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from conversations.models import Turn
from conversations.pipeline.emotion import system_prompt_with_emotions
from feedback.models import FineTuneExport
from feedback.validation import Candidate, split, to_jsonl, validate
from personas.models import Persona, PersonaRevision

ProgressCallback = Callable[[int], None]
INTERRUPTED_CHOICES = ("spoken", "exclude")
_LEADING_TAG = re.compile(r"^\[[A-Za-z][A-Za-z_-]{0,23}\]")
# Conversations whose turns are loaded per query: bounded memory on big exports.
_CONVERSATION_BATCH = 200


class NothingToExport(Exception):
    """No answer matches the export's options."""


class TooFewExamples(Exception):
    """Validation left fewer examples than the minimum; carries the report."""

    def __init__(self, message: str, report: dict[str, Any]) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class ExportOptions:
    """What an export includes; stored as JSON on FineTuneExport.options."""

    persona_ids: list[int] = field(default_factory=list)  # empty: every persona
    date_from: str | None = None  # ISO dates, inclusive, in the server's time zone
    date_to: str | None = None
    min_rating: int = 4
    include_unrated: bool = False
    context_turns: int = 6
    interrupted: str = "spoken"  # "spoken": train on what was heard; "exclude": skip
    max_tokens: int = field(default_factory=lambda: settings.FEEDBACK_EXPORT_MAX_TOKENS)
    min_examples: int = field(default_factory=lambda: settings.FEEDBACK_EXPORT_MIN_EXAMPLES)
    validation_fraction: float = 0.1
    seed: int = 42

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExportOptions:
        """Options from stored JSON; unknown keys are ignored, missing ones take defaults."""
        known = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        options = cls(**known)
        if options.interrupted not in INTERRUPTED_CHOICES:
            raise ValueError(f"interrupted must be one of {INTERRUPTED_CHOICES}")
        if not 1 <= options.min_rating <= 5:
            raise ValueError("min_rating must be between 1 and 5")
        return options

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class PromptTimeline:
    """A persona's system prompt as it was at any moment, from its recorded history."""

    def __init__(self, persona: Persona) -> None:
        revisions = (
            PersonaRevision.objects.filter(persona=persona, changes__has_key="system_prompt")
            .order_by("changed_at", "id")
            .values_list("changed_at", "changes")
        )
        self._times: list[datetime] = []
        self._prompts: list[tuple[str | None, str]] = []
        for changed_at, changes in revisions:
            old, new = changes["system_prompt"]
            self._times.append(changed_at)
            self._prompts.append((old, new))
        self._current = persona.system_prompt
        self._emotions = persona.emotions

    def at(self, moment: datetime) -> str:
        """The system message in force at `moment`, as the realtime pipeline sends it."""
        return system_prompt_with_emotions(self._persona_prompt_at(moment), self._emotions)

    def _persona_prompt_at(self, moment: datetime) -> str:
        position = bisect.bisect_right(self._times, moment)
        if position > 0:
            return self._prompts[position - 1][1]
        if self._prompts and self._prompts[0][0]:
            return self._prompts[0][0]  # before the first recorded edit: its old value
        return self._current


def _bounds(options: ExportOptions) -> Q:
    query = Q()
    tz = timezone.get_current_timezone()
    if options.date_from:
        start = datetime.combine(date.fromisoformat(options.date_from), dtime.min, tz)
        query &= Q(started_at__gte=start)
    if options.date_to:
        end = datetime.combine(date.fromisoformat(options.date_to), dtime.max, tz)
        query &= Q(started_at__lte=end)
    return query


def answer_queryset(options: ExportOptions):
    """The assistant turns that become examples, before validation."""
    answers = Turn.objects.filter(_bounds(options), role=Turn.Role.ASSISTANT)
    if options.persona_ids:
        answers = answers.filter(conversation__persona_id__in=options.persona_ids)
    rated = Q(rating__score__gte=options.min_rating)
    answers = answers.filter(rated | Q(rating__isnull=True) if options.include_unrated else rated)
    if options.interrupted == "exclude":
        answers = answers.filter(interrupted=False)
    return answers


def _assistant_content(turn: dict[str, Any]) -> str:
    # What the listener heard is what the model should learn to say.
    text = turn["spoken_text"] if turn["interrupted"] else turn["text"]
    text = text.strip()
    if turn["emotion"] and text and not _LEADING_TAG.match(text):
        return f"[{turn['emotion']}] {text}"
    return text


def _message(turn: dict[str, Any]) -> dict[str, str]:
    if turn["role"] == Turn.Role.ASSISTANT:
        return {"role": "assistant", "content": _assistant_content(turn)}
    return {"role": "user", "content": turn["text"].strip()}


def conversation_messages(window: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Context turns plus the answer as chat messages: same-role neighbours merged, user first."""
    messages: list[dict[str, str]] = []
    for turn in window:
        message = _message(turn)
        if not message["content"]:
            continue  # e.g. an answer interrupted before any word was heard
        if messages and messages[-1]["role"] == message["role"]:
            messages[-1]["content"] += "\n" + message["content"]
        else:
            messages.append(message)
    while messages and messages[0]["role"] != "user":
        messages.pop(0)  # a greeting or a window cut mid-exchange
    return messages


_TURN_FIELDS = (
    "id",
    "conversation_id",
    "index",
    "role",
    "text",
    "spoken_text",
    "emotion",
    "interrupted",
    "started_at",
    "conversation__persona_id",
    "rating__score",
)


def iter_candidates(options: ExportOptions, progress: ProgressCallback | None = None) -> Iterator[Candidate]:
    """Yield one example per selected answer, with its persona's prompt of that moment."""
    answer_ids = set(answer_queryset(options).values_list("id", flat=True))
    if not answer_ids:
        return
    conversation_ids = sorted(set(Turn.objects.filter(id__in=answer_ids).values_list("conversation_id", flat=True)))
    timelines: dict[int, PromptTimeline] = {}
    done = 0
    for start in range(0, len(conversation_ids), _CONVERSATION_BATCH):
        batch = conversation_ids[start : start + _CONVERSATION_BATCH]
        turns = list(
            Turn.objects.filter(conversation_id__in=batch).order_by("conversation_id", "index").values(*_TURN_FIELDS)
        )
        by_conversation: dict[int, list[dict[str, Any]]] = {}
        for turn in turns:
            by_conversation.setdefault(turn["conversation_id"], []).append(turn)
        for conversation_turns in by_conversation.values():
            for position, turn in enumerate(conversation_turns):
                if turn["id"] not in answer_ids:
                    continue
                persona_id = turn["conversation__persona_id"]
                if persona_id not in timelines:
                    timelines[persona_id] = PromptTimeline(Persona.objects.get(pk=persona_id))
                window = conversation_turns[max(0, position - options.context_turns) : position + 1]
                system = {"role": "system", "content": timelines[persona_id].at(turn["started_at"])}
                messages = [system, *conversation_messages(window)]
                yield Candidate(messages, turn["rating__score"], turn["id"])
                done += 1
                if progress:
                    progress(done * 100 // len(answer_ids))


def _store(export: FineTuneExport, name: str, data: bytes) -> str:
    path = f"exports/{export.pk}/{name}"
    if default_storage.exists(path):
        default_storage.delete(path)  # a re-run replaces its own files, never another export's
    return default_storage.save(path, ContentFile(data))


def build_export(export: FineTuneExport, progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Build, validate, split and store an export's files; return its report."""
    began = time.monotonic()
    options = ExportOptions.from_json(export.options)

    # Building examples is most of the work (0–90 %), then validation (90–98 %) and writing.
    def building(percent: int) -> None:
        if progress:
            progress(percent * 9 // 10)

    candidates = list(iter_candidates(options, building))
    if not candidates:
        raise NothingToExport("Nothing to export: no answers match these options (persona, dates, minimum rating).")
    result = validate(
        candidates,
        options.max_tokens,
        progress and (lambda done, total: progress(90 + done * 8 // total)),
    )
    train, validation = split(result.kept, options.validation_fraction, options.seed)
    ratings = Counter(str(c.score) if c.score else "unrated" for c in result.kept)
    report: dict[str, Any] = {
        "candidates": len(candidates),
        "kept": len(result.kept),
        "dropped": dict(result.dropped),
        "dropped_total": sum(result.dropped.values()),
        "train_examples": len(train),
        "validation_examples": len(validation),
        "tokens": {
            "total": sum(result.tokens),
            "max": max(result.tokens, default=0),
            "mean": round(sum(result.tokens) / len(result.tokens), 1) if result.tokens else 0,
            "limit": options.max_tokens,
        },
        "ratings": {key: ratings.get(key, 0) for key in ["1", "2", "3", "4", "5", "unrated"]},
        "pii_redactions": {"email": result.pii.email, "phone": result.pii.phone},
    }
    if len(result.kept) < options.min_examples:
        report["seconds"] = round(time.monotonic() - began, 3)
        raise TooFewExamples(
            f"Only {len(result.kept)} valid examples; at least {options.min_examples} are needed.",
            report,
        )
    if progress:
        progress(99)
    export.train_file.name = _store(export, "train.jsonl", to_jsonl(train))
    export.validation_file.name = _store(export, "validation.jsonl", to_jsonl(validation)) if validation else ""
    report["seconds"] = round(time.monotonic() - began, 3)
    return report
