"""A tiny but valid VRM 1.0 model (binary glTF 2.0), built in Python for the tests.

The model is a flat face (skin quad, two eyes, two brows and a mouth) parented to the
`head` bone of a bare humanoid skeleton. Every VRM 1.0 expression preset the talk page
drives (aa ih ou ee oh, happy sad angry surprised relaxed, blink) is bound to its own
morph target, which moves the mouth, eyes or brows so a screenshot shows the change.
"""

from __future__ import annotations

import json
import struct

GLB_MAGIC = b"glTF"
CHUNK_JSON = 0x4E4F534A
CHUNK_BIN = 0x004E4942
FLOAT = 5126
UNSIGNED_SHORT = 5123
ARRAY_BUFFER = 34962
ELEMENT_ARRAY_BUFFER = 34963

# (bone, parent, translation relative to the parent). The head sits where the talk
# page's camera looks (y = 1.3 m); VRM 1.0 models face +Z, toward that camera.
SKELETON: list[tuple[str, str | None, tuple[float, float, float]]] = [
    ("hips", None, (0.0, 0.9, 0.0)),
    ("spine", "hips", (0.0, 0.1, 0.0)),
    ("chest", "spine", (0.0, 0.12, 0.0)),
    ("neck", "chest", (0.0, 0.1, 0.0)),
    ("head", "neck", (0.0, 0.08, 0.0)),
    ("leftUpperLeg", "hips", (0.08, -0.05, 0.0)),
    ("leftLowerLeg", "leftUpperLeg", (0.0, -0.4, 0.0)),
    ("leftFoot", "leftLowerLeg", (0.0, -0.4, 0.0)),
    ("rightUpperLeg", "hips", (-0.08, -0.05, 0.0)),
    ("rightLowerLeg", "rightUpperLeg", (0.0, -0.4, 0.0)),
    ("rightFoot", "rightLowerLeg", (0.0, -0.4, 0.0)),
    ("leftUpperArm", "chest", (0.18, 0.05, 0.0)),
    ("leftLowerArm", "leftUpperArm", (0.25, 0.0, 0.0)),
    ("leftHand", "leftLowerArm", (0.25, 0.0, 0.0)),
    ("rightUpperArm", "chest", (-0.18, 0.05, 0.0)),
    ("rightLowerArm", "rightUpperArm", (-0.25, 0.0, 0.0)),
    ("rightHand", "rightLowerArm", (-0.25, 0.0, 0.0)),
]

SKIN = (1.0, 0.85, 0.75)
DARK = (0.15, 0.1, 0.15)
MOUTH = (0.55, 0.1, 0.15)

# Quads in head-local metres: (name, centre x, centre y, half width, half height, z, colour).
QUADS = [
    ("face", 0.0, 0.0, 0.13, 0.16, 0.0, SKIN),
    ("eyeL", 0.05, 0.03, 0.02, 0.014, 0.004, DARK),
    ("eyeR", -0.05, 0.03, 0.02, 0.014, 0.004, DARK),
    ("browL", 0.05, 0.07, 0.026, 0.005, 0.004, DARK),
    ("browR", -0.05, 0.07, 0.026, 0.005, 0.004, DARK),
    ("mouth", 0.0, -0.07, 0.03, 0.002, 0.004, MOUTH),
]
# Quad corner order: bottom-left, bottom-right, top-right, top-left (seen from +Z).
CORNERS = [(-1, -1), (1, -1), (1, 1), (-1, 1)]


def _quad_offsets(quad: str, moves: dict[int, tuple[float, float]]) -> dict[tuple[str, int], tuple[float, float]]:
    return {(quad, corner): delta for corner, delta in moves.items()}


def _open(dx: float, dy: float) -> dict[int, tuple[float, float]]:
    """Mouth corners: widen by dx on each side and open by dy up and down."""
    return {0: (-dx, -dy), 1: (dx, -dy), 2: (dx, dy), 3: (-dx, dy)}


def _eyes_shut() -> dict[tuple[str, int], tuple[float, float]]:
    shut = {0: (0.0, 0.012), 1: (0.0, 0.012), 2: (0.0, -0.012), 3: (0.0, -0.012)}
    return {**_quad_offsets("eyeL", shut), **_quad_offsets("eyeR", shut)}


def _brows(inner: float, outer: float) -> dict[tuple[str, int], tuple[float, float]]:
    # For the left brow (+x) the inner corners are 0 and 3; for the right one 1 and 2.
    left = {0: (0.0, inner), 3: (0.0, inner), 1: (0.0, outer), 2: (0.0, outer)}
    right = {1: (0.0, inner), 2: (0.0, inner), 0: (0.0, outer), 3: (0.0, outer)}
    return {**_quad_offsets("browL", left), **_quad_offsets("browR", right)}


# One morph target per expression preset, in this order (the morph index).
MORPHS: dict[str, dict[tuple[str, int], tuple[float, float]]] = {
    "aa": _quad_offsets("mouth", _open(0.004, 0.03)),
    "ih": _quad_offsets("mouth", _open(0.012, 0.008)),
    "ou": _quad_offsets("mouth", _open(-0.015, 0.018)),
    "ee": _quad_offsets("mouth", _open(0.02, 0.012)),
    "oh": _quad_offsets("mouth", _open(-0.006, 0.024)),
    "happy": {**_quad_offsets("mouth", {1: (0.01, 0.015), 2: (0.01, 0.015), 0: (0.0, 0.0)}), **_brows(0.01, 0.01)},
    "sad": _brows(0.015, -0.01),
    "angry": _brows(-0.015, 0.01),
    "surprised": {**_brows(0.025, 0.025), **_quad_offsets("mouth", _open(0.0, 0.015))},
    "relaxed": _brows(-0.005, -0.005),
    "blink": _eyes_shut(),
}


def _geometry() -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]], list[int], list[list]]:
    positions, colours, indices = [], [], []
    keys = []
    for name, cx, cy, hw, hh, z, colour in QUADS:
        base = len(positions)
        for corner, (sx, sy) in enumerate(CORNERS):
            positions.append((cx + sx * hw, cy + sy * hh, z))
            colours.append(colour)
            keys.append((name, corner))
        indices += [base, base + 1, base + 2, base, base + 2, base + 3]
    targets = [[(*morph.get(key, (0.0, 0.0)), 0.0) for key in keys] for morph in MORPHS.values()]
    return positions, colours, indices, targets


class _Buffer:
    def __init__(self) -> None:
        self.data = bytearray()
        self.views: list[dict] = []
        self.accessors: list[dict] = []

    def add(self, fmt: str, rows: list, component: int, kind: str, target: int, bounds: bool = False) -> int:
        while len(self.data) % 4:
            self.data.append(0)
        start = len(self.data)
        for row in rows:
            self.data += struct.pack(fmt, *(row if isinstance(row, tuple) else (row,)))
        self.views.append({"buffer": 0, "byteOffset": start, "byteLength": len(self.data) - start, "target": target})
        accessor = {"bufferView": len(self.views) - 1, "componentType": component, "count": len(rows), "type": kind}
        if bounds:
            accessor["min"] = [min(row[i] for row in rows) for i in range(3)]
            accessor["max"] = [max(row[i] for row in rows) for i in range(3)]
        self.accessors.append(accessor)
        return len(self.accessors) - 1


def _document(buffer: _Buffer) -> dict:
    positions, colours, indices, targets = _geometry()
    position = buffer.add("<3f", positions, FLOAT, "VEC3", ARRAY_BUFFER, bounds=True)
    colour = buffer.add("<3f", colours, FLOAT, "VEC3", ARRAY_BUFFER)
    index = buffer.add("<H", indices, UNSIGNED_SHORT, "SCALAR", ELEMENT_ARRAY_BUFFER)
    morph_accessors = [buffer.add("<3f", t, FLOAT, "VEC3", ARRAY_BUFFER, bounds=True) for t in targets]

    nodes: list[dict] = []
    bone_index: dict[str, int] = {}
    for bone, parent, translation in SKELETON:
        bone_index[bone] = len(nodes)
        nodes.append({"name": bone, "translation": list(translation)})
        if parent is not None:
            nodes[bone_index[parent]].setdefault("children", []).append(bone_index[bone])
    face_node = len(nodes)
    # Slightly in front of the head joint, so turning the head swings the face.
    nodes.append({"name": "Face", "mesh": 0, "translation": [0.0, 0.0, 0.02]})
    nodes[bone_index["head"]].setdefault("children", []).append(face_node)

    mesh = {
        "name": "Face",
        "primitives": [
            {
                "attributes": {"POSITION": position, "COLOR_0": colour},
                "indices": index,
                "material": 0,
                "targets": [{"POSITION": accessor} for accessor in morph_accessors],
            }
        ],
        "weights": [0.0] * len(morph_accessors),
        "extras": {"targetNames": list(MORPHS)},
    }
    expressions = {
        name: {"morphTargetBinds": [{"node": face_node, "index": i, "weight": 1.0}], "isBinary": False}
        for i, name in enumerate(MORPHS)
    }
    return {
        "asset": {"version": "2.0", "generator": "avatar-talk tests/support/vrm.py"},
        "extensionsUsed": ["KHR_materials_unlit", "VRMC_vrm"],
        "scene": 0,
        "scenes": [{"nodes": [bone_index["hips"]]}],
        "nodes": nodes,
        "meshes": [mesh],
        "materials": [
            {
                "name": "Unlit",
                "pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 1], "metallicFactor": 0, "roughnessFactor": 1},
                "doubleSided": True,
                "extensions": {"KHR_materials_unlit": {}},
            }
        ],
        "accessors": buffer.accessors,
        "bufferViews": buffer.views,
        "buffers": [{"byteLength": len(buffer.data)}],
        "extensions": {
            "VRMC_vrm": {
                "specVersion": "1.0",
                "meta": {
                    "name": "Haru test face",
                    "version": "1",
                    "authors": ["avatar-talk tests"],
                    "licenseUrl": "https://vrm.dev/licenses/1.0/",
                    "avatarPermission": "everyone",
                    "commercialUsage": "personalNonProfit",
                    "creditNotation": "unnecessary",
                    "allowRedistribution": True,
                    "modification": "allowModification",
                    "allowExcessivelyViolentUsage": False,
                    "allowExcessivelySexualUsage": False,
                    "allowPoliticalOrReligiousUsage": False,
                    "allowAntisocialOrHateUsage": False,
                },
                "humanoid": {"humanBones": {bone: {"node": i} for bone, i in bone_index.items()}},
                "expressions": {"preset": expressions},
            }
        },
    }


def _chunk(kind: int, payload: bytes, pad: bytes) -> bytes:
    payload += pad * (-len(payload) % 4)
    return struct.pack("<II", len(payload), kind) + payload


def minimal_vrm() -> bytes:
    """A valid VRM 1.0 GLB: humanoid skeleton, a face mesh and one morph per expression preset."""
    buffer = _Buffer()
    document = _document(buffer)
    body = _chunk(CHUNK_JSON, json.dumps(document, separators=(",", ":")).encode(), b" ")
    body += _chunk(CHUNK_BIN, bytes(buffer.data), b"\0")
    return GLB_MAGIC + struct.pack("<II", 2, 12 + len(body)) + body


EXPRESSION_PRESETS = tuple(MORPHS)
