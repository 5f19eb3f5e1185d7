"""``GET /live/since/<id>.json``: the polling fallback for clients without SSE.

Answers the events after ``<id>`` (for ``?channels=…``) up to the hub's
horizon, the id to ask from next time, and ``poll_ms``, the interval the
server wants clients to poll at (change ``LIVENEWS_POLL_MS`` to slow them all
down under load). Every client that is up to date asks for the same URL, so
``Cache-Control: public, max-age=<bucket>`` lets a CDN answer them all from one
response per bucket of seconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from livenews.live.hub import Hub
from livenews.live.stream import SCAN_FACTOR, Receive, Scope, Send, parse_channels


class SinceEndpoint:
    def __init__(
        self,
        hub: Hub,
        read_after: Callable[[int, int], list[dict[str, Any]]],
        *,
        poll_ms: int = 5000,
        bucket_seconds: int = 2,
        replay_limit: int = 1000,
    ) -> None:
        self.hub = hub
        self.read_after = read_after
        self.poll_ms = poll_ms
        self.bucket_seconds = bucket_seconds
        self.replay_limit = replay_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import Request

        request = Request(scope, receive)
        raw = str(request.path_params.get("since", ""))
        if not raw.isdigit():
            await self._answer(send, 400, {"error": "the id must be a number"}, 0)
            return
        last_id = int(raw)
        channels = parse_channels(request.query_params.get("channels", ""))
        horizon = self.hub.last_id
        body: dict[str, Any] = {
            "events": [],
            "last_id": max(horizon, 0),
            "poll_ms": self.poll_ms,
            "reload": False,
        }
        if last_id < horizon:
            scan = self.replay_limit * SCAN_FACTOR
            rows = await self.hub.run_db(self.read_after, last_id, scan + 1)
            wanted = [
                {"id": r["id"], "event": r["event"], "data": r["data"]}
                for r in rows
                if r["id"] <= horizon and channels & set(r["channels"])
            ]
            if len(rows) > scan or len(wanted) > self.replay_limit:
                body["reload"] = True
            else:
                body["events"] = wanted
        elif last_id > horizon:
            body["last_id"] = last_id
        await self._answer(send, 200, body, self.bucket_seconds)

    async def _answer(
        self, send: Send, status: int, body: dict[str, Any], max_age: int
    ) -> None:
        data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        cache = f"public, max-age={max_age}" if max_age else "no-store"
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(data)).encode()),
                    (b"cache-control", cache.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})
