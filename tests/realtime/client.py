"""A test client for protocol v1 over either a WebsocketCommunicator or a real websocket."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from conversations.protocol import AudioChunkHeader, decode_audio_chunk, decode_server_event


@dataclass
class Received:
    events: list[dict[str, Any]] = field(default_factory=list)
    audio: list[tuple[AudioChunkHeader, bytes]] = field(default_factory=list)
    # Everything in arrival order: ("event", dict) or ("audio", header).
    order: list[tuple[str, Any]] = field(default_factory=list)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["type"] == kind]


class ProtocolClient:
    """Sends client messages and collects server events, validating each against the protocol."""

    def __init__(self, transport) -> None:
        self.transport = transport
        self.received = Received()

    async def send(self, message: dict[str, Any]) -> None:
        await self.transport.send_text(json.dumps(message))

    async def send_audio(self, frame: bytes) -> None:
        await self.transport.send_bytes(frame)

    async def next(self, timeout: float = 10.0) -> tuple[str, Any]:
        raw = await asyncio.wait_for(self.transport.receive(), timeout)
        if isinstance(raw, bytes):
            header, pcm = decode_audio_chunk(raw)
            self.received.audio.append((header, pcm))
            item = ("audio", header)
        else:
            decode_server_event(raw)  # every event must match the protocol's models
            event = json.loads(raw)
            self.received.events.append(event)
            item = ("event", event)
        self.received.order.append(item)
        return item

    async def until(self, kind: str, timeout: float = 20.0, **fields: Any) -> dict[str, Any]:
        """Receive until an event of `kind` (with matching fields) arrives."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = [event["type"] for event in self.received.events]
                raise AssertionError(f"no {kind} {fields or ''} within {timeout} s; saw {seen}")
            what, item = await self.next(remaining)
            if what == "event" and item["type"] == kind and all(item.get(k) == v for k, v in fields.items()):
                return item


class CommunicatorTransport:
    def __init__(self, communicator) -> None:
        self.communicator = communicator

    async def send_text(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def send_bytes(self, data: bytes) -> None:
        await self.communicator.send_to(bytes_data=data)

    async def receive(self) -> str | bytes:
        message = await self.communicator.receive_output(timeout=60)
        if message["type"] == "websocket.close":
            raise ConnectionError(f"closed with {message.get('code')}")
        return message.get("text") if message.get("text") is not None else message["bytes"]


class WebsocketTransport:
    def __init__(self, connection) -> None:
        self.connection = connection

    async def send_text(self, text: str) -> None:
        await self.connection.send(text)

    async def send_bytes(self, data: bytes) -> None:
        await self.connection.send(data)

    async def receive(self) -> str | bytes:
        return await self.connection.recv()
