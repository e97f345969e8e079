"""Protocol constants, error and close codes."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Literal, get_args

PROTOCOL_VERSION = 1
SUBPROTOCOL = "avatar.v1"
BEARER_SUBPROTOCOL_PREFIX = "bearer."

# A JSON frame bigger than this is refused before parsing, so a flood of huge frames
# costs the server almost nothing.
MAX_TEXT_FRAME_BYTES = 16384
MAX_TEXT_CHARS = 2000
MAX_MESSAGES_PER_SECOND = 100  # JSON messages; binary audio is bounded by real time

INPUT_SAMPLE_RATE = 16_000  # what the server resamples every microphone stream to
MIN_CLIENT_SAMPLE_RATE = 8_000
MAX_CLIENT_SAMPLE_RATE = 48_000
FRAME_MS_MIN = 10
FRAME_MS_MAX = 60
# The longest legal microphone frame: 60 ms of PCM16 mono at 48 kHz (5760 bytes).
MAX_BINARY_FRAME_BYTES = MAX_CLIENT_SAMPLE_RATE * FRAME_MS_MAX // 1000 * 2
# Server audio chunks carry whole TTS segments; clients should accept up to this size.
MAX_SERVER_AUDIO_FRAME_BYTES = 1 << 20

Viseme = Literal["sil", "aa", "ih", "ou", "ee", "oh", "pp", "ff", "ss"]
VISEMES: tuple[str, ...] = get_args(Viseme)


class CloseCode(IntEnum):
    """Websocket close codes the server uses; 4xxx mirrors the matching HTTP status."""

    BAD_REQUEST = 4400  # protocol violations kept coming after `error` events
    UNAUTHENTICATED = 4401  # bad, expired or revoked token, or no session
    FORBIDDEN = 4403  # not your conversation, or Origin not allowed
    NOT_FOUND = 4404  # the conversation does not exist
    IDLE_TIMEOUT = 4408  # no message or audio for too long
    CONVERSATION_ENDED = 4409  # the conversation was already ended
    TOO_MANY_MESSAGES = 4429  # more than MAX_MESSAGES_PER_SECOND (flood)
    INTERNAL_ERROR = 4500  # the server failed; the client may reconnect


class ErrorCode(StrEnum):
    """Codes carried by `error` events and ProtocolError."""

    BAD_JSON = "bad_json"
    UNKNOWN_TYPE = "unknown_type"
    INVALID_MESSAGE = "invalid_message"
    MESSAGE_TOO_LARGE = "message_too_large"
    UNSUPPORTED_PROTOCOL = "unsupported_protocol"
    BAD_AUDIO_HEADER = "bad_audio_header"
    ODD_LENGTH_AUDIO = "odd_length_audio"
    FRAME_TOO_SHORT = "frame_too_short"
    FRAME_TOO_LONG = "frame_too_long"
    AUDIO_BEFORE_START = "audio_before_start"
    SAMPLE_RATE_MISMATCH = "sample_rate_mismatch"
    RATE_LIMITED = "rate_limited"
    STT_UNAVAILABLE = "stt_unavailable"
    STT_ERROR = "stt_error"
    LLM_ERROR = "llm_error"
    LLM_TIMEOUT = "llm_timeout"
    LLM_AUTH = "llm_auth"
    TTS_ERROR = "tts_error"
    TTS_UNAVAILABLE = "tts_unavailable"
    INTERNAL_ERROR = "internal_error"
    # Fatal: sent just before the matching 44xx close.
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONVERSATION_ENDED = "conversation_ended"
    IDLE_TIMEOUT = "idle_timeout"


class ProtocolError(Exception):
    """A frame broke the protocol; `code` goes to the client in an `error` event."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = str(code)
        self.message = message
