"""Offline voice speed: espeak-ng first-audio latency and real-time factor, Korean and English.

.venv/bin/python -m bench.espeak_tts --runs 30
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from bench.pipeline_overhead import percentile
from conversations.pipeline.interfaces import VoiceSettings
from conversations.pipeline.korean_normalizer import normalize_for_speech
from conversations.pipeline.tts.espeak import EspeakTTS

SENTENCES = {
    "ko": "안녕하세요! 오늘은 2026년 3월 5일, 날씨가 정말 좋네요. 같이 산책하러 갈까요?",
    "en": "Hello there! The weather is lovely today, shall we go for a walk in the park?",
}


async def measure(tts: EspeakTTS, language: str, runs: int) -> tuple[list[float], list[float]]:
    first_audio_ms, realtime_factors = [], []
    text = normalize_for_speech(SENTENCES[language], language)
    voice = VoiceSettings(language=language)
    for _ in range(runs):
        started = time.perf_counter()
        first = None
        samples, rate = 0, 1
        async for chunk in tts.synthesize(text, voice=voice):
            first = first or time.perf_counter()
            samples, rate = samples + chunk.num_samples, chunk.sample_rate
        elapsed = time.perf_counter() - started
        first_audio_ms.append(1000 * (first - started))
        realtime_factors.append(elapsed / (samples / rate))
    return first_audio_ms, realtime_factors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    tts = EspeakTTS()
    for language in SENTENCES:
        first, rtf = asyncio.run(measure(tts, language, args.runs))
        print(
            f"espeak-ng {language}: first audio p50={statistics.median(first):.2f} ms "
            f"p95={percentile(first, 95):.2f} ms | real-time factor p50={statistics.median(rtf):.4f} "
            f"p95={percentile(rtf, 95):.4f} ({args.runs} runs)"
        )


if __name__ == "__main__":
    main()
