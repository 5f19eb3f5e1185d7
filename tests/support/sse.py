"""A server-sent events client for tests: reads a stream in its own thread."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class SSEMessage:
    id: str
    event: str
    data: str

    def json(self) -> Any:
        return json.loads(self.data)


class SSEClient:
    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.headers = headers or {}
        self.messages: list[SSEMessage] = []
        self.comments: list[str] = []
        self.status: int | None = None
        self.response_headers: dict[str, str] = {}
        self.ended = threading.Event()
        self._connected = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._lock = threading.Lock()

    def __enter__(self) -> SSEClient:
        self._thread.start()
        if not self._connected.wait(10):
            raise TimeoutError(f"no response from {self.url}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._loop and self._task and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(5)

    def wait_for(
        self, predicate: Callable[[SSEMessage], bool], timeout: float = 10.0
    ) -> SSEMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for message in self.messages:
                    if predicate(message):
                        return message
            time.sleep(0.02)
        seen = [m.event for m in self.messages]
        raise AssertionError(f"no matching event within {timeout} s; got {seen}")

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        try:
            async with (
                httpx.AsyncClient(timeout=None) as client,
                client.stream("GET", self.url, headers=self.headers) as response,
            ):
                self.status = response.status_code
                self.response_headers = dict(response.headers)
                self._connected.set()
                await self._read(response)
        except asyncio.CancelledError:
            pass
        finally:
            self._connected.set()
            self.ended.set()

    async def _read(self, response: httpx.Response) -> None:
        fields: dict[str, str] = {}
        async for line in response.aiter_lines():
            if line == "":
                if "data" in fields or "event" in fields:
                    with self._lock:
                        self.messages.append(
                            SSEMessage(
                                fields.get("id", ""),
                                fields.get("event", "message"),
                                fields.get("data", ""),
                            )
                        )
                fields = {}
            elif line.startswith(":"):
                self.comments.append(line[1:].strip())
            else:
                name, _, value = line.partition(":")
                fields[name] = value[1:] if value.startswith(" ") else value
