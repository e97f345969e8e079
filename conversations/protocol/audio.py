"""Binary audio frames: the server's chunk header and the client's frame limits."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from conversations.protocol.constants import FRAME_MS_MAX, FRAME_MS_MIN, ErrorCode, ProtocolError

AUDIO_HEADER_VERSION = 1
AUDIO_FLAG_LAST = 0x01
# version u8, flags u8, reserved u16, turn u32, seq u32, sample_rate u32, first_sample u32
AUDIO_HEADER = struct.Struct("<BBHIIII")
_U32_MAX = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class AudioChunkHeader:
    """The 20-byte header in front of each server audio chunk (PCM16 LE mono)."""

    turn: int
    seq: int
    sample_rate: int
    first_sample: int  # offset of this chunk's first sample within the turn's audio
    last: bool = False  # the final chunk of the turn

    @property
    def flags(self) -> int:
        """The flags byte as sent on the wire."""
        return AUDIO_FLAG_LAST if self.last else 0


def encode_audio_chunk(header: AudioChunkHeader, pcm: bytes) -> bytes:
    """Build a binary server frame: header + PCM16 LE mono samples."""
    if len(pcm) % 2:
        raise ValueError("PCM16 audio must have an even number of bytes")
    if header.sample_rate <= 0:
        raise ValueError("sample_rate must be positive")
    for name in ("turn", "seq", "sample_rate", "first_sample"):
        if not 0 <= getattr(header, name) <= _U32_MAX:
            raise ValueError(f"{name} does not fit in u32")
    packed = AUDIO_HEADER.pack(
        AUDIO_HEADER_VERSION,
        header.flags,
        0,
        header.turn,
        header.seq,
        header.sample_rate,
        header.first_sample,
    )
    return packed + pcm


def decode_audio_chunk(data: bytes) -> tuple[AudioChunkHeader, bytes]:
    """Split a binary server frame into its header and PCM; reserved bits are ignored."""
    if len(data) < AUDIO_HEADER.size:
        raise ProtocolError(ErrorCode.BAD_AUDIO_HEADER, "frame shorter than the audio header")
    version, flags, _reserved, turn, seq, sample_rate, first_sample = AUDIO_HEADER.unpack_from(data)
    if version != AUDIO_HEADER_VERSION:
        raise ProtocolError(ErrorCode.BAD_AUDIO_HEADER, f"unknown audio header version {version}")
    if sample_rate == 0:
        raise ProtocolError(ErrorCode.BAD_AUDIO_HEADER, "sample_rate is 0")
    pcm = bytes(data[AUDIO_HEADER.size :])
    if len(pcm) % 2:
        raise ProtocolError(ErrorCode.BAD_AUDIO_HEADER, "PCM16 payload has an odd length")
    last = bool(flags & AUDIO_FLAG_LAST)
    return AudioChunkHeader(turn, seq, sample_rate, first_sample, last), pcm


def validate_client_audio(frame: bytes, sample_rate: int) -> None:
    """Check one microphone frame (raw PCM16 LE mono, no header) against the frame limits."""
    if sample_rate <= 0:
        raise ValueError("sample_rate must be positive")
    if len(frame) % 2:
        raise ProtocolError(ErrorCode.ODD_LENGTH_AUDIO, "PCM16 frames need an even byte count")
    samples = len(frame) // 2
    # Integer comparisons: rates like 11025 Hz make 10 ms a fractional sample count.
    if samples * 1000 < FRAME_MS_MIN * sample_rate:
        raise ProtocolError(ErrorCode.FRAME_TOO_SHORT, f"{samples} samples is under {FRAME_MS_MIN} ms")
    if samples * 1000 > FRAME_MS_MAX * sample_rate:
        raise ProtocolError(ErrorCode.FRAME_TOO_LONG, f"{samples} samples is over {FRAME_MS_MAX} ms")
