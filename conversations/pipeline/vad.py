"""Voice activity detection and endpointing: Silero VAD v6 (ONNX, no torch) per connection."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import numpy as np
import onnxruntime

from conversations.pipeline.audio import pcm_to_float32
from conversations.pipeline.interfaces import INPUT_SAMPLE_RATE, VadDecision

WINDOW_SAMPLES = 512  # what Silero v6 expects at 16 kHz (32 ms)
CONTEXT_SAMPLES = 64  # trailing samples of the previous window, prepended to each input
WINDOW_BYTES = 2 * WINDOW_SAMPLES
_STATE_SHAPE = (1, 1, 128)

_session: onnxruntime.InferenceSession | None = None
_session_lock = threading.Lock()


def silero_model_path() -> str:
    """Path of the Silero VAD model that faster-whisper ships."""
    from faster_whisper.utils import get_assets_path

    return os.path.join(get_assets_path(), "silero_vad_v6.onnx")


def shared_session() -> onnxruntime.InferenceSession:
    """The process-wide Silero session; `run` is thread-safe, so all connections share it."""
    global _session
    if _session is None:
        with _session_lock:
            if _session is None:
                options = onnxruntime.SessionOptions()
                # Many connections run concurrently: one thread each keeps CPU use predictable.
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                _session = onnxruntime.InferenceSession(
                    silero_model_path(), sess_options=options, providers=["CPUExecutionProvider"]
                )
    return _session


class SileroVad:
    """Speech probability per 32 ms window, with this connection's recurrent state."""

    def __init__(self) -> None:
        self._session = shared_session()
        self.reset()

    def reset(self) -> None:
        """Forget the recurrent state and context, as for a new stream."""
        self._h = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._c = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)

    def probability(self, window: np.ndarray | bytes) -> float:
        """Speech probability of one 512-sample window (float32 samples or PCM16 bytes)."""
        samples = self._as_window(window)
        model_input = np.concatenate([self._context, samples])[None, :]
        probs, self._h, self._c = self._session.run(None, {"input": model_input, "h": self._h, "c": self._c})
        self._context = samples[-CONTEXT_SAMPLES:]
        return float(np.asarray(probs).reshape(-1)[0])

    def skip(self, window: np.ndarray | bytes) -> None:
        """Account for a window not scored (pre-gated) so the next one has the right context."""
        self._context = self._as_window(window)[-CONTEXT_SAMPLES:]

    @staticmethod
    def _as_window(window: np.ndarray | bytes) -> np.ndarray:
        samples = pcm_to_float32(window) if isinstance(window, bytes | bytearray) else window
        samples = np.asarray(samples, dtype=np.float32)
        if samples.shape != (WINDOW_SAMPLES,):
            raise ValueError(f"Silero needs {WINDOW_SAMPLES} samples, got {samples.shape}")
        return samples


@dataclass(frozen=True, slots=True)
class EndpointerConfig:
    """Endpointing thresholds; times in milliseconds unless named otherwise."""

    threshold: float = 0.5
    neg_threshold: float = 0.35
    min_speech_ms: int = 200
    end_silence_ms: int = 450
    pre_roll_ms: int = 300
    post_roll_ms: int = 150  # silence kept after speech so the last syllable is whole
    max_utterance_s: float = 30.0
    use_webrtc_gate: bool = False
    webrtc_aggressiveness: int = 2

    def __post_init__(self) -> None:
        if not 0.0 < self.neg_threshold <= self.threshold < 1.0:
            raise ValueError("need 0 < neg_threshold <= threshold < 1")
        if self.end_silence_ms <= 0 or self.min_speech_ms < 0 or self.pre_roll_ms < 0:
            raise ValueError("durations must be positive")
        if not 0 <= self.webrtc_aggressiveness <= 3:
            raise ValueError("webrtc_aggressiveness must be 0..3")


def _samples(ms: float) -> int:
    return round(INPUT_SAMPLE_RATE * ms / 1000)


class Endpointer:
    """Per-connection endpointer (VoiceActivityDetector) over 16 kHz PCM16 of any frame size.

    Offsets count samples since this endpointer was created; `reset()` clears the speech
    state but keeps that clock running.
    """

    def __init__(self, config: EndpointerConfig | None = None) -> None:
        self.config = config or EndpointerConfig()
        self._vad = SileroVad()
        self._gate = self._make_gate() if self.config.use_webrtc_gate else None
        self._min_speech = _samples(self.config.min_speech_ms)
        self._end_silence = _samples(self.config.end_silence_ms)
        self._pre_roll = _samples(self.config.pre_roll_ms)
        self._post_roll = _samples(self.config.post_roll_ms)
        self._max_utterance = _samples(1000 * self.config.max_utterance_s)
        self._position = 0  # stream offset of the next full window
        self._pending = bytearray()
        self.windows_scored = 0
        self.windows_gated = 0
        self.reset()

    def _make_gate(self):
        import webrtcvad

        return webrtcvad.Vad(self.config.webrtc_aggressiveness)

    @property
    def speaking(self) -> bool:
        """True between a "start" and its "end" decision."""
        return self._speaking

    def reset(self) -> None:
        """Drop any utterance in progress and the model state; the stream clock keeps going."""
        self._vad.reset()
        self._position += len(self._pending) // 2
        self._pending = bytearray()
        self._speaking = False
        self._history = bytearray()  # recent audio before speech, for pre-roll
        self._history_start = self._position
        self._candidate_start: int | None = None
        self._candidate_speech = 0
        self._utterance = bytearray()
        self._utterance_start = 0
        self._silence = 0

    def feed(self, pcm: bytes) -> list[VadDecision]:
        """Consume a frame; returns the decisions it completed (usually none)."""
        self._pending += pcm
        decisions: list[VadDecision] = []
        while len(self._pending) >= WINDOW_BYTES:
            window = bytes(self._pending[:WINDOW_BYTES])
            del self._pending[:WINDOW_BYTES]
            decision = self._process_window(window)
            self._position += WINDOW_SAMPLES
            if decision is not None:
                decisions.append(decision)
        return decisions

    def force_end(self) -> VadDecision | None:
        """End the utterance now (push-to-talk release), including buffered audio."""
        if not self._speaking:
            return None
        tail = bytes(self._pending)
        self._position += len(tail) // 2
        self._pending = bytearray()
        self._utterance += tail
        decision = VadDecision("end", self._position, bytes(self._utterance))
        self._finish_utterance()
        return decision

    def _process_window(self, window: bytes) -> VadDecision | None:
        probability = self._score(window)
        if self._speaking:
            return self._continue_speech(window, probability)
        return self._watch_for_speech(window, probability)

    def _score(self, window: bytes) -> float:
        # The cheap gate only runs while idle: mid-utterance a missed soft syllable would
        # count as silence and cut the user off.
        idle = not self._speaking and self._candidate_start is None
        if self._gate is not None and idle and not self._gate_hears_speech(window):
            self._vad.skip(window)
            self.windows_gated += 1
            return 0.0
        self.windows_scored += 1
        return self._vad.probability(window)

    def _gate_hears_speech(self, window: bytes) -> bool:
        # webrtcvad takes 10/20/30 ms frames: two overlapping 30 ms frames cover 32 ms.
        frame = 2 * 480
        return self._gate.is_speech(window[:frame], INPUT_SAMPLE_RATE) or self._gate.is_speech(
            window[-frame:], INPUT_SAMPLE_RATE
        )

    def _watch_for_speech(self, window: bytes, probability: float) -> VadDecision | None:
        self._history += window
        if self._candidate_start is None:
            if probability >= self.config.threshold:
                self._candidate_start = self._position
                self._candidate_speech = WINDOW_SAMPLES
        elif probability >= self.config.neg_threshold:
            self._candidate_speech += WINDOW_SAMPLES
        else:
            # Too short to be speech (a click, a cough): forget it.
            self._candidate_start = None
            self._candidate_speech = 0
        if self._candidate_start is not None and self._candidate_speech >= self._min_speech:
            return self._start_speech()
        keep_from = (self._candidate_start if self._candidate_start is not None else self._position) - self._pre_roll
        self._trim_history(keep_from)
        return None

    def _trim_history(self, keep_from: int) -> None:
        drop = max(0, keep_from - self._history_start)
        if drop:
            del self._history[: 2 * drop]
            self._history_start += drop

    def _start_speech(self) -> VadDecision:
        start = self._candidate_start
        assert start is not None
        self._trim_history(start - self._pre_roll)
        self._utterance = self._history
        self._utterance_start = self._history_start
        self._history = bytearray()
        self._speaking = True
        self._silence = 0
        self._candidate_start = None
        self._candidate_speech = 0
        return VadDecision("start", start)

    def _continue_speech(self, window: bytes, probability: float) -> VadDecision | None:
        self._utterance += window
        if probability >= self.config.threshold:
            self._silence = 0
        elif probability < self.config.neg_threshold or self._silence:
            # Between the thresholds only extends a silence already begun (hysteresis).
            self._silence += WINDOW_SAMPLES
        stream_end = self._position + WINDOW_SAMPLES
        if self._silence >= self._end_silence:
            speech_end = stream_end - self._silence
            keep = speech_end + self._post_roll - self._utterance_start
            decision = VadDecision("end", speech_end, bytes(self._utterance[: 2 * keep]))
            self._finish_utterance()
            return decision
        if len(self._utterance) // 2 >= self._max_utterance:
            decision = VadDecision("end", stream_end, bytes(self._utterance))
            self._finish_utterance()
            return decision
        return None

    def _finish_utterance(self) -> None:
        # The utterance's tail becomes the pre-roll history for the next one.
        end = self._utterance_start + len(self._utterance) // 2
        self._history = bytearray(self._utterance[-2 * self._pre_roll :] if self._pre_roll else b"")
        self._history_start = end - len(self._history) // 2
        self._utterance = bytearray()
        self._speaking = False
        self._silence = 0
