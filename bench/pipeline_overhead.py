"""Pipeline overhead: end of speech decided → first audio frame sent, zero-latency providers.

Every session streams real spoken Korean in real-time 20 ms frames through the real
Silero endpointer, sentence splitter, Korean normaliser, emotion parser and viseme
code; only STT, LLM and TTS answer instantly, so what is measured is our own work.

    .venv/bin/python -m bench.pipeline_overhead --sessions 1 50 --turns 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from random import Random

from bench.harness import make_session
from bench.providers import InstantSTT, ScriptedLLM, ToneTTS
from conversations.pipeline.session import Providers
from conversations.protocol import decode_audio_chunk
from tests.support.speech import frames, silence, spoken_korean_wav

REPLY = "[joy] 안녕하세요! 오늘은 날씨가 정말 좋네요. 2026년 3월 5일, 3시 30분에 만나요. 공원에서 산책할까요?"
FRAME_MS = 20


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def run_session(utterance: bytes, turns: int, llm_delay_s: float, start_delay_s: float, results: dict) -> None:
    await asyncio.sleep(start_delay_s)
    llm = ScriptedLLM(REPLY, delay_s=llm_delay_s)
    session, sink, _ = make_session(
        Providers(llm=llm, stt=InstantSTT(), tts=ToneTTS(), stt_available=True, tts_backend="tone")
    )
    session.start_audio(16_000)
    stream = (utterance + silence(600)) * turns
    started = time.monotonic()
    for number, frame in enumerate(frames(stream, FRAME_MS)):
        before = time.perf_counter()
        await session.push_audio(frame)
        results["push_ms"].append(1000 * (time.perf_counter() - before))
        delay = started + (number + 1) * FRAME_MS / 1000 - time.monotonic()
        await asyncio.sleep(max(0.0, delay))
    deadline = time.monotonic() + 10
    while len(sink.of_type("turn.end")) < turns and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    await session.close()
    vad_ends = [at for at, event in sink.events if event.type == "vad" and event.state == "end"]
    first_audio_by_turn: dict[int, float] = {}
    for at, frame in sink.audio:
        first_audio_by_turn.setdefault(decode_audio_chunk(frame)[0].turn, at)
    for decided, first_audio in zip(vad_ends, sorted(first_audio_by_turn.values()), strict=False):
        results["overhead_ms"].append(1000 * (first_audio - decided))
    if llm.finished_at and first_audio_by_turn:
        results["first_audio_before_llm_done"].append(min(first_audio_by_turn.values()) < llm.finished_at)


async def measure(sessions: int, turns: int, llm_delay_s: float, stagger_s: float) -> dict:
    utterance = spoken_korean_wav("안녕하세요. 반가워요.", 16_000, 200, 0)
    results: dict = {"overhead_ms": [], "push_ms": [], "first_audio_before_llm_done": []}
    # Real users do not speak in lockstep: each session starts at a random moment.
    random = Random(7)
    starts = [random.uniform(0, stagger_s) for _ in range(sessions)]
    await asyncio.gather(*(run_session(utterance, turns, llm_delay_s, start, results) for start in starts))
    return results


def report(sessions: int, results: dict) -> None:
    overhead, push = results["overhead_ms"], results["push_ms"]
    early = results["first_audio_before_llm_done"]
    print(
        f"sessions={sessions:3d} turns={len(overhead):4d}  "
        f"overhead p50={statistics.median(overhead):6.2f} ms p95={percentile(overhead, 95):6.2f} ms "
        f"max={max(overhead):6.2f} ms  |  per-frame input (resample+VAD) p50={statistics.median(push):.3f} ms "
        f"p95={percentile(push, 95):.3f} ms  |  first audio before LLM done: {sum(early)}/{len(early)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--llm-delay-ms", type=float, default=0.0, help="pause between streamed LLM deltas")
    parser.add_argument("--stagger-s", type=float, default=3.0, help="sessions start within this window (0: lockstep)")
    args = parser.parse_args()
    for sessions in args.sessions:
        results = asyncio.run(measure(sessions, args.turns, args.llm_delay_ms / 1000, args.stagger_s))
        report(sessions, results)


if __name__ == "__main__":
    main()
