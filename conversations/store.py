"""Persistence for a realtime session: turns to the database, recent context in Redis.

Redis keeps each conversation's last turns so a prompt is built without a database
query; when the key is missing (expired, new process, no Redis) it is refilled from
the database.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict

from channels.db import database_sync_to_async
from django.conf import settings

from conversations.models import Turn
from conversations.pipeline.interfaces import ChatMessage
from conversations.pipeline.ports import SavedTurn
from conversations.services import save_turn

log = logging.getLogger(__name__)

CONTEXT_TTL_S = 24 * 3600


_clients: dict[int, object] = {}


def _redis():
    """One client per event loop: asyncio connections cannot cross loops."""
    if not settings.REDIS_URL:
        return None
    import asyncio

    import redis.asyncio

    loop_id = id(asyncio.get_running_loop())
    if loop_id not in _clients:
        _clients[loop_id] = redis.asyncio.from_url(settings.REDIS_URL)
    return _clients[loop_id]


def _prompt_message(role: str, text: str) -> ChatMessage | None:
    return ChatMessage(role=role, content=text) if text.strip() else None


@database_sync_to_async
def _save(conversation_id: int, turn: SavedTurn) -> int:
    fields = asdict(turn)
    return save_turn(conversation_id, **fields).pk


@database_sync_to_async
def _recent_from_db(conversation_id: int, limit: int) -> list[ChatMessage]:
    turns = list(Turn.objects.filter(conversation_id=conversation_id).order_by("-index")[:limit])
    messages = (_prompt_message(turn.role, turn.prompt_text) for turn in reversed(turns))
    return [message for message in messages if message is not None]


class DjangoTurnStore:
    """TurnStore for one conversation."""

    def __init__(self, conversation_id: int, recent_turns: int | None = None) -> None:
        self.conversation_id = conversation_id
        self.recent_turns = settings.LLM_CONTEXT_RECENT_TURNS if recent_turns is None else recent_turns
        # The database name keeps deployments (and test runs) sharing one Redis apart.
        database = settings.DATABASES["default"]["NAME"]
        self.key = f"context:{database}:{conversation_id}"
        self._local: list[ChatMessage] | None = None  # used when Redis is not configured

    async def save_turn(self, turn: SavedTurn) -> int:
        """Persist a turn, then remember what the model should know of it."""
        turn_id = await _save(self.conversation_id, turn)
        heard = turn.spoken_text if turn.role == "assistant" and turn.interrupted else turn.text
        message = _prompt_message(turn.role, heard)
        if message is not None:
            await self._remember(message)
        return turn_id

    async def recent_context(self) -> Sequence[ChatMessage]:
        """The last turns, oldest first."""
        client = _redis()
        if client is None:
            if self._local is None:
                self._local = await _recent_from_db(self.conversation_id, self.recent_turns)
            return list(self._local[-self.recent_turns :]) if self.recent_turns else []
        try:
            if not await client.exists(self.key):
                await self._refill(client)
            raw = await client.lrange(self.key, -self.recent_turns, -1) if self.recent_turns else []
            return [ChatMessage(**json.loads(item)) for item in raw]
        except OSError as error:
            log.warning("Redis context unavailable (%s); reading the database", error)
            return await _recent_from_db(self.conversation_id, self.recent_turns)

    async def _refill(self, client) -> None:
        messages = await _recent_from_db(self.conversation_id, self.recent_turns)
        async with client.pipeline(transaction=True) as pipe:
            pipe.delete(self.key)
            if messages:
                pipe.rpush(self.key, *(json.dumps(asdict(message)) for message in messages))
            pipe.expire(self.key, CONTEXT_TTL_S)
            await pipe.execute()

    async def _remember(self, message: ChatMessage) -> None:
        client = _redis()
        if client is None:
            if self._local is not None:
                self._local.append(message)
            return
        try:
            # Only append to a live list: a missing key is refilled from the database.
            if await client.exists(self.key):
                async with client.pipeline(transaction=True) as pipe:
                    pipe.rpush(self.key, json.dumps(asdict(message)))
                    pipe.ltrim(self.key, -max(1, self.recent_turns), -1)
                    pipe.expire(self.key, CONTEXT_TTL_S)
                    await pipe.execute()
        except OSError as error:
            log.warning("Redis context not updated (%s)", error)
