"""Upload checks that look at the bytes, not at the file name."""

from __future__ import annotations

import io
import json
import struct
import wave

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

GLB_MAGIC = b"glTF"
GLB_JSON_CHUNK = 0x4E4F534A


def validate_upload_size(upload: File) -> None:
    """Refuse files above MAX_UPLOAD_BYTES with a message that names the limit."""
    if upload.size is not None and upload.size > settings.MAX_UPLOAD_BYTES:
        limit_mb = settings.MAX_UPLOAD_BYTES / (1024 * 1024)
        raise ValidationError(
            f"The file is too large ({upload.size / 1048576:.1f} MB; the limit is {limit_mb:.0f} MB)."
        )


def _read_head(upload: File, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def validate_vrm(upload: File) -> None:
    """Accept only binary glTF 2.0 (GLB) files; a .vrm must declare a VRM extension."""
    validate_upload_size(upload)
    head = _read_head(upload, 20)
    if len(head) < 20 or head[:4] != GLB_MAGIC:
        raise ValidationError("This is not a VRM/GLB file (binary glTF header missing).")
    version, total_length, chunk_length, chunk_type = struct.unpack("<IIII", head[4:20])
    if version != 2:
        raise ValidationError(f"Only glTF 2.0 is supported (this file is version {version}).")
    if upload.size is not None and total_length != upload.size:
        raise ValidationError("The VRM/GLB file is truncated or corrupt (length mismatch).")
    if chunk_type != GLB_JSON_CHUNK:
        raise ValidationError("The VRM/GLB file has no JSON chunk.")
    upload.seek(20)
    try:
        document = json.loads(upload.read(chunk_length))
    except ValueError:
        raise ValidationError("The VRM/GLB file's JSON chunk is not valid JSON.") from None
    finally:
        upload.seek(0)
    name = (getattr(upload, "name", "") or "").lower()
    used = set(document.get("extensionsUsed", []))
    if name.endswith(".vrm") and not used & {"VRM", "VRMC_vrm"}:
        raise ValidationError("This .vrm file declares no VRM extension (VRM or VRMC_vrm).")


def validate_audio(upload: File) -> None:
    """Accept WAV (parsed), FLAC, OGG and MP3 by their signatures."""
    validate_upload_size(upload)
    head = _read_head(upload, 12)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        try:
            upload.seek(0)
            with wave.open(io.BytesIO(upload.read()), "rb") as reader:
                if reader.getnframes() == 0:
                    raise ValidationError("The WAV file contains no audio.")
        except (wave.Error, EOFError) as error:
            raise ValidationError(f"The WAV file cannot be read: {error}.") from None
        finally:
            upload.seek(0)
        return
    if head[:4] in (b"fLaC", b"OggS") or head[:3] == b"ID3" or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return
    raise ValidationError("This is not an audio file (expected WAV, FLAC, OGG or MP3).")
