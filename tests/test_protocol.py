"""Protocol v1: golden fixtures, the checked-in schema, decoding errors and binary audio."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conversations import protocol
from conversations.protocol import (
    AUDIO_HEADER,
    CLIENT_MESSAGE_TYPES,
    MAX_BINARY_FRAME_BYTES,
    MAX_TEXT_FRAME_BYTES,
    SERVER_EVENT_TYPES,
    AudioChunkHeader,
    ErrorEvent,
    PlaybackMessage,
    ProtocolError,
    StartMessage,
    TurnEndEvent,
    decode_audio_chunk,
    decode_client_message,
    decode_server_event,
    encode_audio_chunk,
    encode_event,
    json_schema,
    schema_text,
    validate_client_audio,
)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "protocol"
SCHEMA_PATH = REPO / "docs" / "protocol.schema.json"
CLIENT_FIXTURES = sorted((FIXTURES / "client").glob("*.json"))
SERVER_FIXTURES = sorted((FIXTURES / "server").glob("*.json"))
INVALID_CASES = json.loads((FIXTURES / "invalid" / "cases.json").read_text(encoding="utf-8"))


def load(path: Path) -> dict[str, Any]:
    """A fixture file as JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def validator(group: str) -> jsonschema.Draft202012Validator:
    """A validator for one top-level group of the checked-in schema."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator({**schema, "oneOf": [{"$ref": f"#/$defs/{group}"}]})


def test_checked_in_schema_matches_models() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "docs/protocol.schema.json is stale; regenerate it with "
        "`.venv/bin/python -m conversations.protocol > docs/protocol.schema.json`"
    )


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())


def test_every_message_type_has_a_golden_fixture() -> None:
    assert {path.stem for path in CLIENT_FIXTURES} == set(CLIENT_MESSAGE_TYPES)
    assert {path.stem for path in SERVER_FIXTURES} == set(SERVER_EVENT_TYPES)


@pytest.mark.parametrize("path", CLIENT_FIXTURES, ids=lambda path: path.stem)
def test_client_fixture_decodes_and_matches_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    message = decode_client_message(text)
    assert message.type == path.stem
    assert message.model_dump(exclude_none=True) == load(path)
    validator("ClientMessage").validate(load(path))


@pytest.mark.parametrize("path", SERVER_FIXTURES, ids=lambda path: path.stem)
def test_server_fixture_round_trips_and_matches_schema(path: Path) -> None:
    event = decode_server_event(path.read_text(encoding="utf-8"))
    assert event.type == path.stem
    assert json.loads(encode_event(event)) == load(path)
    validator("ServerEvent").validate(json.loads(encode_event(event)))


def test_server_events_are_not_client_messages() -> None:
    with pytest.raises(jsonschema.ValidationError):
        validator("ClientMessage").validate(load(FIXTURES / "server" / "pong.json"))


@pytest.mark.parametrize("case", INVALID_CASES, ids=lambda case: case["file"])
def test_invalid_client_frame_gives_its_code(case: dict[str, str]) -> None:
    text = (FIXTURES / "invalid" / case["file"]).read_text(encoding="utf-8")
    with pytest.raises(ProtocolError) as caught:
        decode_client_message(text)
    assert caught.value.code == case["code"]


def test_invalid_json_messages_are_rejected_by_the_schema_too() -> None:
    client = validator("ClientMessage")
    for case in INVALID_CASES:
        if case["code"] not in {"bad_json", "message_too_large"}:
            text = (FIXTURES / "invalid" / case["file"]).read_text(encoding="utf-8")
            assert not client.is_valid(json.loads(text)), case["file"]


def test_frame_size_is_counted_in_utf8_bytes() -> None:
    # 3 bytes per Hangul syllable: well under the limit in characters, over it in bytes.
    text = json.dumps({"type": "text", "text": "가" * 5500}, ensure_ascii=False)
    assert len(text) < MAX_TEXT_FRAME_BYTES
    with pytest.raises(ProtocolError, match="message_too_large"):
        decode_client_message(text)


def test_deeply_nested_json_is_bad_json() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_client_message("[" * 8000 + "]" * 8000)
    assert caught.value.code == "bad_json"


def test_start_defaults() -> None:
    message = decode_client_message('{"type":"start","protocol":1,"audio":{"sample_rate":16000}}')
    assert isinstance(message, StartMessage)
    assert (message.mode, message.audio.encoding, message.audio.channels) == (
        "hands_free",
        "pcm_s16le",
        1,
    )
    assert message.client is None


def test_validation_error_does_not_echo_input() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_client_message('{"type":"playback","turn":"secret-token","played_samples":1}')
    assert caught.value.message.startswith("turn:")
    assert "secret-token" not in caught.value.message


def test_encode_event_is_compact_and_omits_nulls() -> None:
    frame = encode_event(ErrorEvent(code="stt_error", message="음성 인식 실패"))
    assert frame == '{"type":"error","code":"stt_error","message":"음성 인식 실패","fatal":false}'


def test_turn_end_without_database_ids() -> None:
    event = TurnEndEvent(turn=1, text="", emotion="neutral", interrupted=True, audio_samples=0)
    assert json.loads(encode_event(event)) == {
        "type": "turn.end",
        "turn": 1,
        "text": "",
        "emotion": "neutral",
        "interrupted": True,
        "audio_samples": 0,
        "timings": {},
    }


def test_models_refuse_unknown_fields() -> None:
    with pytest.raises(ValueError):
        PlaybackMessage(turn=1, played_samples=0, extra=1)  # type: ignore[call-arg]


def test_audio_header_is_twenty_bytes() -> None:
    assert AUDIO_HEADER.size == 20


def test_audio_chunk_fixture_decodes() -> None:
    expected = load(FIXTURES / "audio_chunk.json")
    frame = (FIXTURES / "audio_chunk.bin").read_bytes()
    header, pcm = decode_audio_chunk(frame)
    assert header == AudioChunkHeader(
        turn=expected["turn"],
        seq=expected["seq"],
        sample_rate=expected["sample_rate"],
        first_sample=expected["first_sample"],
        last=expected["last"],
    )
    assert header.flags == expected["flags"]
    assert frame[:20].hex() == expected["header_hex"]
    assert len(pcm) == expected["pcm_bytes"] == 2 * expected["pcm_samples"]
    assert list(struct.unpack_from("<8h", pcm)) == expected["first_samples"]
    assert encode_audio_chunk(header, pcm) == frame


@pytest.mark.parametrize("last", [False, True])
def test_audio_chunk_round_trip(last: bool) -> None:
    header = AudioChunkHeader(
        turn=2**32 - 1, seq=7, sample_rate=32000, first_sample=123456, last=last
    )
    pcm = bytes(range(200))
    assert decode_audio_chunk(encode_audio_chunk(header, pcm)) == (header, pcm)


def test_audio_decoder_ignores_unknown_flags_and_reserved_bits() -> None:
    frame = AUDIO_HEADER.pack(1, 0b110, 0xBEEF, 1, 0, 16000, 0) + b"\0\0"
    header, _pcm = decode_audio_chunk(frame)
    assert header.last is False


@pytest.mark.parametrize(
    "frame",
    [
        b"\x01" * 19,
        AUDIO_HEADER.pack(2, 0, 0, 1, 0, 16000, 0),
        AUDIO_HEADER.pack(1, 0, 0, 1, 0, 0, 0),
        AUDIO_HEADER.pack(1, 0, 0, 1, 0, 16000, 0) + b"\0",
    ],
    ids=["short", "version", "zero_rate", "odd_pcm"],
)
def test_bad_audio_header(frame: bytes) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_audio_chunk(frame)
    assert caught.value.code == "bad_audio_header"


def test_encode_audio_chunk_refuses_odd_pcm() -> None:
    with pytest.raises(ValueError):
        encode_audio_chunk(AudioChunkHeader(1, 0, 16000, 0), b"\0")


@pytest.mark.parametrize(
    ("num_bytes", "sample_rate", "code"),
    [
        (320, 16000, None),  # 10 ms
        (1920, 16000, None),  # 60 ms
        (5760, 48000, None),  # 60 ms at the highest rate
        (222, 11025, None),  # 111 samples: just over 10 ms at 11025 Hz
        (220, 11025, "frame_too_short"),  # 110 samples: just under 10 ms
        (0, 16000, "frame_too_short"),
        (318, 16000, "frame_too_short"),
        (1922, 16000, "frame_too_long"),
        (321, 16000, "odd_length_audio"),
    ],
)
def test_validate_client_audio(num_bytes: int, sample_rate: int, code: str | None) -> None:
    frame = bytes(num_bytes)
    if code is None:
        validate_client_audio(frame, sample_rate)
        return
    with pytest.raises(ProtocolError) as caught:
        validate_client_audio(frame, sample_rate)
    assert caught.value.code == code


def test_max_binary_frame_is_the_longest_legal_frame() -> None:
    validate_client_audio(bytes(MAX_BINARY_FRAME_BYTES), protocol.MAX_CLIENT_SAMPLE_RATE)
    with pytest.raises(ProtocolError):
        validate_client_audio(bytes(MAX_BINARY_FRAME_BYTES + 2), protocol.MAX_CLIENT_SAMPLE_RATE)
