"""JSON Lines serializer that keeps full microsecond precision (Django's JSON keeps milliseconds)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core import serializers
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.timezone import is_aware

# Also the dump's file extension, which is how loaddata picks the deserializer.
FORMAT = "backupjsonl"


class PreciseJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder without the truncation of datetimes and times to milliseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and not is_aware(o):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    """jsonl with PreciseJSONEncoder, so a restore brings back exactly the stored timestamps."""

    def _init_options(self) -> None:
        self.options.setdefault("cls", PreciseJSONEncoder)
        super()._init_options()


Deserializer = jsonl.Deserializer


def register() -> None:
    """Make FORMAT known to dumpdata and loaddata."""
    serializers.register_serializer(FORMAT, "backups.serializer")
