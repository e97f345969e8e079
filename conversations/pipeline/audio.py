"""PCM16 helpers: conversions, a streaming windowed-sinc resampler, levels and WAV I/O."""

from __future__ import annotations

import io
import math
import wave
from math import gcd
from os import PathLike

import numpy as np

SILENCE_FLOOR_DBFS = -120.0
_INT16_SCALE = 32768.0


def pcm_to_float32(pcm: bytes) -> np.ndarray:
    """PCM16 little-endian bytes to float32 samples in [-1, 1)."""
    usable = len(pcm) - len(pcm) % 2
    return np.frombuffer(pcm[:usable], dtype="<i2").astype(np.float32) / _INT16_SCALE


def float32_to_pcm(samples: np.ndarray) -> bytes:
    """Float samples in [-1, 1] to PCM16 little-endian bytes, clipped and rounded."""
    scaled = np.rint(np.asarray(samples, dtype=np.float64) * _INT16_SCALE)
    return np.clip(scaled, -32768, 32767).astype("<i2").tobytes()


def rms_dbfs(pcm: bytes) -> float:
    """Root-mean-square level in dBFS; digital silence gives SILENCE_FLOOR_DBFS."""
    samples = pcm_to_float32(pcm).astype(np.float64)
    if samples.size == 0:
        return SILENCE_FLOOR_DBFS
    rms = math.sqrt(float(np.mean(samples * samples)))
    if rms <= 0.0:
        return SILENCE_FLOOR_DBFS
    return max(SILENCE_FLOOR_DBFS, 20.0 * math.log10(rms))


class StreamingResampler:
    """Rational-ratio polyphase resampler (Kaiser-windowed sinc) that keeps state across frames.

    Output sample n sits at input time n * from_rate / to_rate, so the stream stays aligned
    with its input; the price is a latency of `half_width` input samples, which `flush()`
    releases at the end of a stream.
    """

    ZERO_CROSSINGS = 16
    KAISER_BETA = 8.6
    ROLLOFF = 0.94  # passband edge as a fraction of the lower Nyquist frequency

    def __init__(self, from_rate: int, to_rate: int) -> None:
        if from_rate <= 0 or to_rate <= 0:
            raise ValueError("sample rates must be positive")
        self.from_rate = from_rate
        self.to_rate = to_rate
        divisor = gcd(from_rate, to_rate)
        self._up = to_rate // divisor
        self._down = from_rate // divisor
        self._passthrough = self._up == self._down
        # When downsampling the lowpass is narrower, so it needs proportionally more taps.
        self.half_width = math.ceil(self.ZERO_CROSSINGS * max(1.0, self._down / self._up))
        self._phases = self._design_filter() if not self._passthrough else None
        # Start with `half_width` zeros so the first output sees a full (silent) history.
        self._buffer = np.zeros(self.half_width, dtype=np.float64)
        self._buffer_start = -self.half_width  # input index of _buffer[0]
        self._inputs_seen = 0
        self._outputs_made = 0
        self._leftover = b""

    def _design_filter(self) -> np.ndarray:
        """Polyphase table: row p holds the taps for output phase p / up."""
        taps = 2 * self.half_width + 1
        cutoff = 0.5 * min(1.0, self._up / self._down) * self.ROLLOFF  # cycles per input sample
        phase = np.arange(self._up)[:, None] / self._up
        offsets = np.arange(taps)[None, :] - self.half_width
        # Distance from each input sample to the output instant (input sample units).
        distance = offsets - phase
        # Kaiser window evaluated at the exact fractional distances, reaching zero just
        # outside the taps so every phase gets a complete window.
        radius = self.half_width + 1.0
        ratio = np.clip(distance / radius, -1.0, 1.0)
        window = np.i0(self.KAISER_BETA * np.sqrt(1.0 - ratio * ratio)) / np.i0(self.KAISER_BETA)
        table = 2.0 * cutoff * np.sinc(2.0 * cutoff * distance) * window
        # Normalise every phase to unit DC gain so steady levels are kept exactly.
        return table / table.sum(axis=1, keepdims=True)

    def process(self, pcm: bytes) -> bytes:
        """Resample the next frame; returns whatever output is ready (possibly empty)."""
        if self._passthrough:
            return pcm
        data = self._leftover + pcm
        usable = len(data) - len(data) % 2
        self._leftover = data[usable:]
        if usable:
            samples = np.frombuffer(data[:usable], dtype="<i2").astype(np.float64)
            self._buffer = np.concatenate([self._buffer, samples])
            self._inputs_seen += samples.size
        return self._emit(limit=None)

    def flush(self) -> bytes:
        """Finish the stream: emit the delayed tail so the total length matches the ratio."""
        if self._passthrough:
            return b""
        self._buffer = np.concatenate([self._buffer, np.zeros(self.half_width + 1)])
        total = math.ceil(self._inputs_seen * self._up / self._down)
        out = self._emit(limit=total)
        self.reset()
        return out

    def reset(self) -> None:
        """Forget all history, as for a new stream."""
        self._buffer = np.zeros(self.half_width, dtype=np.float64)
        self._buffer_start = -self.half_width
        self._inputs_seen = 0
        self._outputs_made = 0
        self._leftover = b""

    def _emit(self, limit: int | None) -> bytes:
        buffer_end = self._buffer_start + self._buffer.size  # one past the last input index
        # Output n needs inputs up to floor(n * down / up) + half_width.
        last_ready = ((buffer_end - 1 - self.half_width) * self._up) // self._down
        stop = last_ready + 1 if limit is None else min(last_ready + 1, limit)
        start = self._outputs_made
        if stop <= start:
            return b""
        n = np.arange(start, stop, dtype=np.int64)
        base = (n * self._down) // self._up
        phase = n * self._down - base * self._up
        first = base - self.half_width - self._buffer_start
        taps = 2 * self.half_width + 1
        gather = first[:, None] + np.arange(taps)[None, :]
        out = np.einsum("ij,ij->i", self._buffer[gather], self._phases[phase])
        self._outputs_made = stop
        # Keep only the history the next output still needs.
        next_first = (stop * self._down) // self._up - self.half_width
        drop = max(0, next_first - self._buffer_start)
        self._buffer = self._buffer[drop:]
        self._buffer_start += drop
        return np.clip(np.rint(out), -32768, 32767).astype("<i2").tobytes()


def resample_pcm(pcm: bytes, from_rate: int, to_rate: int) -> bytes:
    """Resample a whole PCM16 clip; output length is ceil(len * to_rate / from_rate)."""
    if from_rate == to_rate:
        return pcm
    resampler = StreamingResampler(from_rate, to_rate)
    return resampler.process(pcm) + resampler.flush()


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    """Wrap mono PCM16 in a WAV container."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
    return buffer.getvalue()


def read_wav(source: str | PathLike[str] | bytes) -> tuple[bytes, int]:
    """Read a PCM WAV (8/16/24/32-bit, any channel count) as mono PCM16 and its rate."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else open(source, "rb")  # noqa: SIM115
    with stream, wave.open(stream, "rb") as wav:
        channels = wav.getnchannels()
        width = wav.getsampwidth()
        rate = wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    samples = _decode_samples(raw, width)
    if channels > 1:
        usable = samples.size - samples.size % channels
        samples = samples[:usable].reshape(-1, channels).mean(axis=1)
    return float32_to_pcm(samples), rate


def _decode_samples(raw: bytes, width: int) -> np.ndarray:
    """Integer PCM of the given byte width to float64 in [-1, 1)."""
    if width == 1:  # 8-bit WAV is unsigned
        return (np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    if width == 2:
        return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0
    if width == 3:
        triplets = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        values = triplets[:, 0] | (triplets[:, 1] << 8) | (triplets[:, 2] << 16)
        values = np.where(values >= 1 << 23, values - (1 << 24), values)
        return values.astype(np.float64) / float(1 << 23)
    if width == 4:
        return np.frombuffer(raw, dtype="<i4").astype(np.float64) / float(1 << 31)
    raise ValueError(f"unsupported WAV sample width: {width} bytes")
