"""Prometheus metrics, observed from the protocol events the consumer sends.

Reading the events at the socket edge keeps the pipeline free of metrics code.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from conversations.protocol import ErrorEvent, InterruptedEvent, ServerEvent, TurnEndEvent

STAGE_LATENCY = Histogram(
    "avatar_stage_latency_seconds",
    "Latency of each pipeline stage per turn.",
    ["stage"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0),
)
ACTIVE_SESSIONS = Gauge("avatar_active_sessions", "Open realtime sessions in this process.")
ERRORS = Counter("avatar_errors_total", "Error events sent to clients.", ["code"])
INTERRUPTIONS = Counter("avatar_interruptions_total", "Replies cut off by barge-in or the user.", ["reason"])

# Timing field of `turn.end` → stage label.
_STAGES = {
    "stt_ms": "stt",
    "llm_first_token_ms": "llm_first_token",
    "tts_first_audio_ms": "tts_first_audio",
    "voice_to_voice_ms": "voice_to_voice",
    "total_ms": "turn_total",
}


def observe(event: ServerEvent) -> None:
    """Update the metrics for one outgoing event."""
    if isinstance(event, TurnEndEvent):
        timings = event.timings.model_dump()
        for field, stage in _STAGES.items():
            if timings.get(field) is not None:
                STAGE_LATENCY.labels(stage).observe(timings[field] / 1000)
    elif isinstance(event, ErrorEvent):
        ERRORS.labels(event.code).inc()
    elif isinstance(event, InterruptedEvent):
        INTERRUPTIONS.labels(event.reason).inc()
