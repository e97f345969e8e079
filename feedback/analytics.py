"""Rating analytics per persona for the admin."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count
from django.db.models.functions import TruncWeek

from feedback.models import TurnRating
from personas.models import Persona


@dataclass
class PersonaRatings:
    persona: Persona
    count: int
    mean: float | None
    distribution: dict[int, int]
    weeks: list[tuple[date, int, float]] = field(default_factory=list)  # (week, count, mean)
    lowest: list[TurnRating] = field(default_factory=list)

    def bars(self) -> list[tuple[int, int, int]]:
        """(score, count, percent of all ratings) for scores 5 down to 1."""
        return [
            (score, n, round(100 * n / self.count) if self.count else 0)
            for score, n in sorted(self.distribution.items(), reverse=True)
        ]


def persona_ratings(persona: Persona, weeks: int = 12, lowest: int = 10) -> PersonaRatings:
    """Count, mean, 1–5 distribution, weekly trend and worst answers of one persona."""
    ratings = TurnRating.objects.filter(turn__conversation__persona=persona)
    summary = ratings.aggregate(count=Count("id"), mean=Avg("score"))
    by_score = dict(ratings.values_list("score").annotate(n=Count("id")).order_by())
    trend = (
        ratings.annotate(week=TruncWeek("turn__started_at"))
        .values("week")
        .annotate(n=Count("id"), mean=Avg("score"))
        .order_by("-week")[:weeks]
    )
    worst = (
        ratings.filter(score__lte=2)
        .select_related("turn", "turn__conversation", "user")
        .order_by("score", "-updated_at")[:lowest]
    )
    return PersonaRatings(
        persona=persona,
        count=summary["count"],
        mean=round(summary["mean"], 2) if summary["mean"] is not None else None,
        distribution={score: by_score.get(score, 0) for score in range(1, 6)},
        weeks=[(row["week"].date(), row["n"], round(row["mean"], 2)) for row in reversed(trend)],
        lowest=list(worst),
    )


def all_persona_ratings(persona_id: int | None = None) -> list[PersonaRatings]:
    """Analytics for one persona, or for every persona that has ratings."""
    personas = Persona.objects.all()
    if persona_id:
        personas = personas.filter(pk=persona_id)
    else:
        personas = personas.filter(conversations__turns__rating__isnull=False).distinct()
    return [persona_ratings(persona) for persona in personas]
