"""``GET /live/stream``: server-sent events from the hub, as a raw ASGI app.

Query: ``channels=front,story:12`` (default ``front``). A reconnecting client
sends ``Last-Event-ID`` (header, or ``last_event_id`` in the query); the stream
first replays the committed events it missed from the outbox, then follows the
hub. When the gap is larger than the replay limit, it sends one ``reload``
event instead of silently skipping. Then the hub delivers: straight to the
connection's transport under uvicorn, else pending messages go out together
in one ``send`` (coalescing). A heartbeat comment keeps proxies from closing
an idle stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from livenews.live.hub import Client, Hub, WireEvent, encode_event
from livenews.live.transport import direct_transport

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

MAX_CHANNELS = 50
SCAN_FACTOR = 20


def parse_channels(raw: str) -> frozenset[str]:
    """Return the requested channel names (``front`` when none)."""
    names = [c.strip() for c in raw.split(",") if c.strip()][:MAX_CHANNELS]
    return frozenset(n[:64] for n in names) or frozenset({"front"})


def _last_event_id(scope: Scope, query: dict[str, list[str]]) -> int | None:
    raw = ""
    for name, value in scope.get("headers", []):
        if name == b"last-event-id":
            raw = value.decode("latin-1")
    raw = raw or (query.get("last_event_id") or query.get("lastEventId") or [""])[0]
    return int(raw) if raw.strip().isdigit() else None


class StreamEndpoint:
    def __init__(
        self,
        hub: Hub,
        *,
        retry_ms: int = 3000,
        max_clients: int = 10000,
        replay_limit: int = 1000,
        read_after: Callable[[int, int], list[WireEvent]],
        direct_writes: bool = True,
    ) -> None:
        self.hub = hub
        self.retry_ms = retry_ms
        self.max_clients = max_clients
        self.replay_limit = replay_limit
        self.read_after = read_after
        # Let the hub write to uvicorn's transport itself (livenews.live.transport).
        self.direct_writes = direct_writes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if len(self.hub.clients) >= self.max_clients:
            await self._refuse(send)
            return
        channels = parse_channels((query.get("channels") or [""])[0])
        last_id = _last_event_id(scope, query)
        client = self.hub.add_client(channels)
        watcher = asyncio.create_task(self._watch_disconnect(receive, client))
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"text/event-stream; charset=utf-8"),
                        (b"cache-control", b"no-cache, no-store"),
                        (b"x-accel-buffering", b"no"),
                    ],
                }
            )
            opening = f"retry: {self.retry_ms}\n: connected\n\n".encode()
            sent_upto = self.hub.last_id
            if last_id is not None:
                replay, sent_upto = await self._replay(last_id, channels)
                opening += replay
            await send(
                {"type": "http.response.body", "body": opening, "more_body": True}
            )

            async def send_body(body: bytes) -> None:
                await send(
                    {"type": "http.response.body", "body": body, "more_body": True}
                )

            transport = direct_transport(scope) if self.direct_writes else None
            await client.run(send_body, sent_upto, transport)
            await send({"type": "http.response.body", "body": b""})
        except OSError:
            pass
        finally:
            watcher.cancel()
            self.hub.remove_client(client)

    async def _replay(
        self, last_id: int, channels: frozenset[str]
    ) -> tuple[bytes, int]:
        horizon = self.hub.last_id
        if last_id >= horizon:
            return b"", last_id
        # Scan further than the limit: a page served from the cache may be
        # minutes old, with many events since that concern other channels.
        scan = self.replay_limit * SCAN_FACTOR
        events = await self.hub.run_db(self.read_after, last_id, scan + 1)
        # Beyond the hub's horizon the hub itself delivers, in order.
        wanted = [e for e in events if e.id <= horizon and e.channels & channels]
        if len(events) > scan or len(wanted) > self.replay_limit:
            return encode_event(horizon, "reload", {"reason": "gap too large"}), horizon
        return b"".join(e.data for e in wanted), horizon

    async def _watch_disconnect(self, receive: Receive, client: Client) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                client.close()
                return

    async def _refuse(self, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [(b"content-type", b"text/plain"), (b"retry-after", b"5")],
            }
        )
        await send(
            {"type": "http.response.body", "body": b"too many live connections\n"}
        )
