"""The live hub: reads committed events from the outbox once, fans them out.

One hub per web process. It wakes when this process commits events (the
in-process bus) and otherwise polls the outbox every ``poll_interval`` seconds
(``id > last``, an index range scan), so commits from other processes — a
``livenews worker``, ``livenews ingest --once`` — reach readers too.

Fan-out costs one write per client per read, whatever the number of events:

* each event is encoded once as SSE bytes (and, for direct writes, framed once
  as an HTTP/1.1 chunk), never once per client;
* consecutive events of one read that go to the same channels are joined into
  one message first (coalescing), so a burst is one write per client;
* a client whose connection the hub can write to directly (uvicorn's
  transport, see ``livenews.live.transport``) gets the shared chunk bytes
  written by the hub itself: no task wakes per client. Otherwise the client's
  own writer coroutine drains its pending messages with one ``send``.

Every client is bounded: more than ``queue_size`` pending messages, or more
than ``queue_size`` times 4 KiB unsent in its socket buffer, drops it (it
reconnects and replays by ``Last-Event-ID``), so a slow client never slows
the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from livenews.core import metrics
from livenews.events import bus

log = logging.getLogger(__name__)

# Unsent bytes a directly written client may hold per allowed pending message.
BYTES_PER_QUEUED_MESSAGE = 4096


@dataclass(frozen=True)
class WireEvent:
    """An outbox event (or several joined), encoded once for the wire.

    ``id`` is the last outbox id it carries (0 for a heartbeat comment).
    """

    id: int
    channels: frozenset[str]
    data: bytes

    @cached_property
    def chunk(self) -> bytes:
        """The same bytes framed as one HTTP/1.1 chunk, built once for all clients."""
        return b"%x\r\n%b\r\n" % (len(self.data), self.data)


def encode_event(event_id: int, event_type: str, payload: object) -> bytes:
    """Return one SSE message: ``id``, ``event`` and one-line JSON ``data``."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return f"id: {event_id}\nevent: {event_type}\ndata: {body}\n\n".encode()


def coalesce(events: list[WireEvent]) -> list[tuple[WireEvent, int]]:
    """Join runs of consecutive events bound for the same channels into one.

    Returns each joined message with the number of events it carries.
    """
    runs: list[list[WireEvent]] = []
    for event in events:
        if runs and event.channels == runs[-1][0].channels:
            runs[-1].append(event)
        else:
            runs.append([event])
    return [(_join(run), len(run)) for run in runs]


def _join(run: list[WireEvent]) -> WireEvent:
    if len(run) == 1:
        return run[0]
    return WireEvent(run[-1].id, run[0].channels, b"".join(e.data for e in run))


class Client:
    """One open stream: its channels and where its messages go.

    A client starts *held*: messages the hub offers while the stream is still
    sending its headers and replay are kept, and ``run`` lets through only
    those newer than what the replay sent. Then either the hub writes each
    message straight to the connection's transport, or (without one) they wait
    in ``pending`` for the stream's writer, ``run``, to send them in one piece.
    """

    def __init__(self, channels: frozenset[str], queue_size: int) -> None:
        self.channels = channels
        self.queue_size = queue_size
        self.max_unsent = queue_size * BYTES_PER_QUEUED_MESSAGE
        self.closed = False
        self.sent_upto = 0
        self.pending: list[WireEvent] = []
        self._transport: asyncio.WriteTransport | None = None
        self._wakeup: asyncio.Future[None] | None = None

    @property
    def direct(self) -> bool:
        """Whether the hub writes this client's messages to its transport itself."""
        return self._transport is not None

    def offer(self, event: WireEvent) -> None:
        """Pass ``event`` on; a client too far behind is closed instead."""
        if self.closed:
            return
        transport = self._transport
        if transport is not None:
            if event.id and event.id <= self.sent_upto:
                return
            if transport.is_closing():
                self.close()
                return
            transport.write(event.chunk)
            if transport.get_write_buffer_size() > self.max_unsent:
                self.drop()
            return
        if len(self.pending) >= self.queue_size:
            self.drop()
            return
        self.pending.append(event)
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)

    def drop(self) -> None:
        """Close a client that fell behind; a direct connection is cut at once.

        (Its backlog would otherwise wait in memory for a reader that does not
        read. Through ``send`` the server owns the connection: the stream ends
        when the server lets its last write through.)
        """
        metrics.SSE_DROPPED.inc()
        transport = self._transport
        self.close()
        if transport is not None:
            transport.abort()

    def close(self) -> None:
        """End the stream: drop pending messages and wake the writer."""
        self.closed = True
        self._transport = None
        self.pending.clear()
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)

    def take(self) -> bytes:
        """Return the pending messages not yet sent, as one piece of bytes."""
        fresh = [e for e in self.pending if e.id == 0 or e.id > self.sent_upto]
        self.pending.clear()
        if fresh:
            self.sent_upto = max(self.sent_upto, max(e.id for e in fresh))
        return b"".join(e.data for e in fresh)

    async def run(
        self,
        send_body: Callable[[bytes], Coroutine[Any, Any, None]],
        sent_upto: int,
        transport: asyncio.WriteTransport | None = None,
    ) -> None:
        """Deliver until the client is closed; ``sent_upto``: the replay's last id.

        With a ``transport`` the hub writes to it from now on (this coroutine
        only waits); otherwise each wake-up sends everything pending at once.
        """
        loop = asyncio.get_running_loop()
        self.sent_upto = sent_upto
        if transport is not None and not self.closed:
            held = self.take()
            if held:
                transport.write(b"%x\r\n%b\r\n" % (len(held), held))
            self._transport = transport
        while not self.closed:
            if self.pending:
                body = self.take()
                if body:
                    await send_body(body)
                continue
            self._wakeup = loop.create_future()
            await self._wakeup
            self._wakeup = None


# A comment line keeps idle streams open through proxies; id 0 is never filtered.
HEARTBEAT = WireEvent(id=0, channels=frozenset(), data=b": ping\n\n")

ReadAfter = Callable[[int], list[WireEvent]]
T = TypeVar("T")


class Hub:
    def __init__(
        self,
        read_after: ReadAfter,
        latest_id: Callable[[], int],
        poll_interval: float = 0.5,
        queue_size: int = 256,
        close_db: Callable[[], None] | None = None,
        listen: Callable[[Callable[[], None]], Coroutine[Any, Any, None]] | None = None,
        gap_grace: float = 1.0,
        heartbeat: float = 15.0,
    ) -> None:
        self.heartbeat = heartbeat
        self._beat: asyncio.Task[None] | None = None
        # Clients by channel, so an event visits only the clients that want it.
        self._by_channel: dict[str, set[Client]] = {}
        self.read_after = read_after
        self.close_db = close_db
        self.listen = listen
        self.gap_grace = gap_grace
        # Holes in the id sequence, by first missing id: when each was first seen.
        self._holes: dict[int, float] = {}
        self._listener: asyncio.Task[None] | None = None
        self._resume_known = False
        # Called with each event before clients get it (cache invalidation).
        self.observers: list[Callable[[WireEvent], None]] = []
        self.latest_id = latest_id
        self.poll_interval = poll_interval
        self.queue_size = queue_size
        self.clients: set[Client] = set()
        self.last_id = 0
        self._wakeup = asyncio.Event()
        # Two overlapping reads would deliver the same events twice.
        self._reading = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # One thread for every outbox read: one database connection per hub.
        self._db = ThreadPoolExecutor(1, thread_name_prefix="livenews-outbox")

    async def run_db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a blocking database read on the hub's own thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, fn, *args)

    async def start(self) -> None:
        """Begin after the newest committed event and follow the outbox."""
        self._loop = asyncio.get_running_loop()
        self.last_id = await self.run_db(self.latest_id)
        # An empty outbox says nothing about where ids resume: take the first.
        self._resume_known = self.last_id > 0
        bus.subscribe(self.wake)
        self._task = asyncio.create_task(self._run(), name="livenews-hub")
        self._beat = asyncio.create_task(self._heartbeat(), name="livenews-heartbeat")
        if self.listen is not None:
            self._listener = asyncio.create_task(
                self.listen(self.wake), name="livenews-bus-listener"
            )

    def close_clients(self) -> None:
        """End every open stream (clients reconnect and replay)."""
        for client in list(self.clients):
            client.close()

    async def stop(self) -> None:
        bus.unsubscribe(self.wake)
        for task in (self._task, self._listener, self._beat):
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self.close_clients()
        if self.close_db:
            await self.run_db(self.close_db)
        self._db.shutdown(wait=False)

    def wake(self) -> None:
        """Ask the hub to read the outbox now (safe from any thread)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wakeup.set)

    def add_client(self, channels: frozenset[str]) -> Client:
        client = Client(channels, self.queue_size)
        self.clients.add(client)
        for channel in channels:
            self._by_channel.setdefault(channel, set()).add(client)
        metrics.SSE_CLIENTS.set(len(self.clients))
        return client

    def remove_client(self, client: Client) -> None:
        self.clients.discard(client)
        for channel in client.channels:
            listeners = self._by_channel.get(channel)
            if listeners is not None:
                listeners.discard(client)
                if not listeners:
                    del self._by_channel[channel]
        metrics.SSE_CLIENTS.set(len(self.clients))

    def _listeners_of(self, event: WireEvent) -> tuple[Client, ...]:
        # A copy: offering may close a client, and closing may remove it.
        if len(event.channels) == 1:
            (channel,) = event.channels
            return tuple(self._by_channel.get(channel, ()))
        found: set[Client] = set()
        for channel in event.channels:
            listeners = self._by_channel.get(channel)
            if listeners:
                found |= listeners
        return tuple(found)

    async def _heartbeat(self) -> None:
        """Send every client one shared comment per ``heartbeat`` seconds."""
        while True:
            await asyncio.sleep(self.heartbeat)
            for client in tuple(self.clients):
                client.offer(HEARTBEAT)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self.poll_interval)
            self._wakeup.clear()
            try:
                await self.read_new()
            except Exception:
                log.exception("hub could not read the outbox; retrying")
                await asyncio.sleep(self.poll_interval)

    async def read_new(self) -> int:
        """Read and fan out every event committed since the last read."""
        async with self._reading:
            return await self._read_new()

    async def _read_new(self) -> int:
        delivered = 0
        while True:
            events = await self.run_db(self.read_after, self.last_id)
            ready = self._in_order(events)
            for event in ready:
                for observer in self.observers:
                    observer(event)
            for message, count in coalesce(ready):
                self.last_id = message.id
                listeners = self._listeners_of(message)
                for client in listeners:
                    client.offer(message)
                delivered += count * len(listeners)
            if len(ready) < len(events) or len(events) < 500:
                break
        if delivered:
            metrics.EVENTS_FANNED_OUT.inc(delivered)
        return delivered

    def _in_order(self, events: list[WireEvent]) -> list[WireEvent]:
        """Return the leading events that can go out without skipping an id.

        On PostgreSQL two transactions can commit out of id order, so id 11 may
        be visible before id 10. Delivering 11 first would make a client that
        reconnects with ``Last-Event-ID: 11`` miss 10 for ever. So a hole holds
        back what follows it until it fills, or until ``gap_grace`` seconds
        have passed: then the missing ids belonged to transactions that rolled
        back, and the events after the hole go out.
        """
        now = asyncio.get_running_loop().time()
        expected = self.last_id + 1
        ready: list[WireEvent] = []
        if events and not self._resume_known:
            expected = events[0].id
            self._resume_known = True
        for event in events:
            if event.id > expected:
                first_seen = self._holes.setdefault(expected, now)
                if now - first_seen < self.gap_grace:
                    if self._loop is not None:
                        self._loop.call_later(self.gap_grace, self._wakeup.set)
                    break
                log.info(
                    "outbox ids skipped",
                    extra={"first": expected, "last": event.id - 1},
                )
            self._holes.pop(expected, None)
            ready.append(event)
            expected = event.id + 1
        return ready
