"""Build a tiny fixed-output multilingual Whisper (CTranslate2 format) for offline tests.

The real `faster_whisper.WhisperModel(path).transcribe(...)` on the result returns exactly
the requested transcript for any audio, so tests exercise the real loading and decoding path
without a model download. Recipe: /work/shared/OFFLINE-MODELS.md.

Checked exact for Korean and Japanese with and without timestamps, any beam size. With
timestamps on (faster-whisper's default) some ASCII texts that repeat a letter many times
come back split by a spurious timestamp; `without_timestamps=True`, which FasterWhisperSTT
uses, is exact for them too.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from ctranslate2.specs import whisper_spec
from faster_whisper.tokenizer import _LANGUAGE_CODES
from faster_whisper.tokenizer import Tokenizer as WhisperTokenizer
from tokenizers import Tokenizer, decoders, models, pre_tokenizers

N_MELS = 80
ENCODER_POSITIONS = 1500
DECODER_POSITIONS = 448
NUM_TIMESTAMPS = 1501  # <|0.00|> .. <|30.00|>
# faster-whisper suppresses the first token of " -", " '" and " ♪": with merges they are
# whole tokens of their own, so the bare space token stays usable between words.
MERGES = [("Ġ", "-"), ("Ġ", "'"), ("Ġ", "â")]
SPECIAL_TOKENS_BEFORE_LANGUAGES = ["<|endoftext|>", "<|startoftranscript|>"]
SPECIAL_TOKENS_AFTER_LANGUAGES = [
    "<|translate|>",
    "<|transcribe|>",
    "<|startoflm|>",
    "<|startofprev|>",
    "<|nospeech|>",
    "<|notimestamps|>",
]
LOGIT_WEIGHT = 4.0


def _bytes_to_unicode() -> list[str]:
    """GPT-2's byte-to-printable-character table, in byte order."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    table: dict[int, str] = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return [table[b] for b in range(256)]


def _vocabulary() -> list[str]:
    """Text tokens (bytes, merges, the empty token) below <|endoftext|>, then specials."""
    text_tokens = [*_bytes_to_unicode(), *(a + b for a, b in MERGES)]
    # ctranslate2 only treats a vocabulary holding "" as multilingual.
    text_tokens.append("")
    languages = [f"<|{code}|>" for code in _LANGUAGE_CODES]
    timestamps = [f"<|{i * 0.02:.2f}|>" for i in range(NUM_TIMESTAMPS)]
    return [
        *text_tokens,
        *SPECIAL_TOKENS_BEFORE_LANGUAGES,
        *languages,
        *SPECIAL_TOKENS_AFTER_LANGUAGES,
        *timestamps,
    ]


def _build_tokenizer(vocabulary: list[str]) -> Tokenizer:
    """A byte-level BPE tokenizer over `vocabulary` so Hangul round-trips exactly."""
    ids = {token: i for i, token in enumerate(vocabulary)}
    tokenizer = Tokenizer(models.BPE(vocab=ids, merges=list(MERGES)))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    specials = [t for t in vocabulary if t.startswith("<|") and t.endswith("|>")]
    tokenizer.add_special_tokens(specials)
    return tokenizer


def _linear(rng: np.random.Generator, out_dim: int, in_dim: int, zero: bool = False) -> tuple:
    """Weight and bias for a linear layer: small random, or zero when it must add nothing."""
    if zero:
        return np.zeros((out_dim, in_dim), np.float32), np.zeros(out_dim, np.float32)
    weight = rng.normal(0.0, 0.02, (out_dim, in_dim)).astype(np.float32)
    return weight, np.zeros(out_dim, np.float32)


def _set_linear(spec, weight: np.ndarray, bias: np.ndarray) -> None:
    spec.weight, spec.bias = weight, bias


def _set_layer_norm(spec, d_model: int) -> None:
    spec.gamma = np.ones(d_model, np.float32)
    spec.beta = np.zeros(d_model, np.float32)


def _fill_attention(spec, rng, d_model: int, cross: bool, silent: bool) -> None:
    _set_layer_norm(spec.layer_norm, d_model)
    if cross:
        _set_linear(spec.linear[0], *_linear(rng, d_model, d_model))
        _set_linear(spec.linear[1], *_linear(rng, 2 * d_model, d_model))
    else:
        _set_linear(spec.linear[0], *_linear(rng, 3 * d_model, d_model))
    _set_linear(spec.linear[-1], *_linear(rng, d_model, d_model, zero=silent))


def _fill_ffn(spec, rng, d_model: int, silent: bool) -> None:
    _set_layer_norm(spec.layer_norm, d_model)
    _set_linear(spec.linear_0, *_linear(rng, 2 * d_model, d_model))
    _set_linear(spec.linear_1, *_linear(rng, d_model, 2 * d_model, zero=silent))


def _target_sequence(tokenizer: Tokenizer, transcript: str, language: str) -> list[int]:
    """Token to predict at each decoder position, prompt included."""
    text_ids = tokenizer.encode(transcript, add_special_tokens=False).ids
    if tokenizer.decode(text_ids) != transcript:
        raise ValueError(f"tokenizer cannot round-trip {transcript!r}")
    # faster-whisper never emits these (speaker tags, "♪", a word-initial " -" or " '").
    suppressed = set(WhisperTokenizer(tokenizer, True, "transcribe", language).non_speech_tokens)
    blocked = [tokenizer.id_to_token(i) for i in text_ids if i in suppressed]
    if blocked:
        raise ValueError(f"faster-whisper would suppress {blocked} in {transcript!r}")
    language_id = tokenizer.token_to_id(f"<|{language}|>")
    if language_id is None:
        raise ValueError(f"unknown Whisper language code {language!r}")
    closing = tokenizer.token_to_id("<|1.00|>")
    return [
        language_id,  # after <|startoftranscript|>: language detection and the prompt
        tokenizer.token_to_id("<|transcribe|>"),
        tokenizer.token_to_id("<|0.00|>"),
        *text_ids,
        closing,
        tokenizer.token_to_id("<|endoftext|>"),
    ]


def build_tiny_whisper(directory: Path, transcript: str, language: str = "ko") -> Path:
    """Write a fixed-output Whisper model that transcribes any audio as `transcript`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    vocabulary = _vocabulary()
    tokenizer = _build_tokenizer(vocabulary)
    targets = _target_sequence(tokenizer, transcript, language)
    # One-hot decoder positions need one dimension per position used.
    d_model = max(64, -(-(len(targets) + 1) // 64) * 64)
    if len(targets) >= DECODER_POSITIONS:
        raise ValueError("transcript too long for a single Whisper window")
    rng = np.random.default_rng(0)
    spec = whisper_spec.WhisperSpec(2, 2, 2, 2)

    encoder = spec.encoder
    encoder.conv1.weight = rng.normal(0, 0.02, (d_model, N_MELS, 3)).astype(np.float32)
    encoder.conv1.bias = np.zeros(d_model, np.float32)
    encoder.conv2.weight = rng.normal(0, 0.02, (d_model, d_model, 3)).astype(np.float32)
    encoder.conv2.bias = np.zeros(d_model, np.float32)
    encoder.position_encodings.encodings = rng.normal(0, 0.02, (ENCODER_POSITIONS, d_model)).astype(
        np.float32
    )
    _set_layer_norm(encoder.layer_norm, d_model)
    for layer in encoder.layer:
        _fill_attention(layer.self_attention, rng, d_model, cross=False, silent=False)
        _fill_ffn(layer.ffn, rng, d_model, silent=False)

    decoder = spec.decoder
    # Zero token embeddings and silent layers: the residual stream is the position alone.
    decoder.embeddings.weight = np.zeros((len(vocabulary), d_model), np.float32)
    positions = np.zeros((DECODER_POSITIONS, d_model), np.float32)
    positions[np.arange(d_model), np.arange(d_model)] = 1.0
    decoder.position_encodings.encodings = positions
    _set_layer_norm(decoder.layer_norm, d_model)
    for layer in decoder.layer:
        _fill_attention(layer.self_attention, rng, d_model, cross=False, silent=True)
        _fill_attention(layer.attention, rng, d_model, cross=True, silent=True)
        _fill_ffn(layer.ffn, rng, d_model, silent=True)
    eot = tokenizer.token_to_id("<|endoftext|>")
    projection = np.zeros((len(vocabulary), d_model), np.float32)
    for position, token in enumerate(targets):
        projection[token, position] = LOGIT_WEIGHT
    # Runner-up at the closing timestamp: with timestamps suppressed
    # (without_timestamps=True) the model ends right after the text instead.
    projection[eot, len(targets) - 2] = LOGIT_WEIGHT * 0.75
    decoder.projection.weight = projection

    spec.config.suppress_ids = []
    # Real Whisper also bans a bare space first, but its words carry their space; ours
    # are bytes, so a transcript may start with " " as Whisper output usually does.
    spec.config.suppress_ids_begin = [eot]
    spec.config.lang_ids = [tokenizer.token_to_id(f"<|{code}|>") for code in _LANGUAGE_CODES]
    spec.config.alignment_heads = [(1, 0), (1, 1)]
    spec.register_vocabulary(vocabulary)
    spec.validate()
    spec.optimize("int8")
    spec.save(str(directory))
    tokenizer.save(str(directory / "tokenizer.json"))
    (directory / "tiny_whisper.json").write_text(
        json.dumps({"transcript": transcript, "language": language}, ensure_ascii=False),
        encoding="utf-8",
    )
    return directory
