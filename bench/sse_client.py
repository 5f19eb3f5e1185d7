"""Many server-sent-event streams in one cheap process, for the ``sse`` scenario.

``python -m bench.sse_client --port P --path /live/stream?channels=front -n 1000``

A raw asyncio ``Protocol`` on uvloop (not httpx or aiohttp: the client shares
the 2 cores with the server under test and must cost as little as possible).
It opens N HTTP/1.1 streams, at most 200 connecting at a time, each waiting up
to 30 s for its response headers, then prints ``READY {json}``. For every
message that carries a ``bench-ts:<seq>:<unix time>`` marker (put there by
the publisher) it counts the message per sequence number and records
``now - t`` as its latency; messages with ``seq < --warm`` are the warm-up and
are not recorded. It does not decode chunks or split messages: it scans the
raw bytes for markers (see ``scan``), which keeps the client well ahead of
50,000 messages a second. When a line arrives on stdin (or ``--max-seconds``
pass) it prints ``RESULT {json}`` and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import resource
import sys
import time
from collections import Counter
from typing import Any

from bench.feedfarm import loop_factory
from bench.harness import percentile, raise_fd_limit

# The publisher writes "bench-ts:<seq>:<time with 6 decimals> ": the closing
# space tells a whole marker from one cut short at the end of a read.
MARKER = re.compile(rb"bench-ts:(\d+):(\d+\.\d{6}) ")
TAIL = 64  # bytes kept from the end of a read: longer than any marker


class Totals:
    """What every stream saw, aggregated (one object for the whole process)."""

    def __init__(self, warm: int) -> None:
        self.warm = warm
        self.statuses: Counter[str] = Counter()
        self.per_seq: Counter[int] = Counter()
        self.worst: dict[int, float] = {}  # the slowest delivery of each event
        self.latencies: list[float] = []
        self.lost = 0
        self.bytes = 0
        self.messages = 0


class Stream(asyncio.Protocol):
    def __init__(self, request: bytes, totals: Totals) -> None:
        self.request = request
        self.totals = totals
        self.head = b""
        self.headers_done: asyncio.Future[int] = (
            asyncio.get_running_loop().create_future()
        )
        self.tail = b""  # the end of the last read, where a marker may begin
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.write(self.request)  # type: ignore[attr-defined]

    def connection_lost(self, exc: Exception | None) -> None:
        if self.headers_done.done():
            self.totals.lost += 1
        else:
            self.headers_done.set_exception(ConnectionError("closed before headers"))

    def data_received(self, data: bytes) -> None:
        self.totals.bytes += len(data)
        if not self.headers_done.done():
            self.head += data
            if b"\r\n\r\n" not in self.head:
                return
            head, _, data = self.head.partition(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            self.headers_done.set_result(status)
        self.scan(data)

    def scan(self, data: bytes) -> None:
        """Record every complete marker in ``data`` (after the last read's tail).

        Markers sit inside SSE messages, and both servers frame whole messages
        as chunks, so no chunk header ever splits one: scanning the raw bytes
        finds them without de-chunking or splitting messages. A marker cut by
        the end of a read is completed by the next one (the tail is kept).
        """
        buf = self.tail + data if self.tail else data
        now = time.time()
        totals = self.totals
        end = 0
        start = buf.find(b"bench-ts:")
        while start >= 0:
            match = MARKER.match(buf, start)
            if match is not None:
                number = int(match[1])
                totals.messages += 1
                if number >= totals.warm:
                    totals.per_seq[number] += 1
                    took = now - float(match[2])
                    totals.latencies.append(took)
                    if took > totals.worst.get(number, 0.0):
                        totals.worst[number] = took
                end = match.end()
            start = buf.find(b"bench-ts:", start + 9)
        self.tail = buf[max(end, len(buf) - TAIL) :]


async def open_stream(
    host: str, port: int, request: bytes, totals: Totals, gate: asyncio.Semaphore
) -> Stream | None:
    loop = asyncio.get_running_loop()
    async with gate:
        try:
            _, stream = await asyncio.wait_for(
                loop.create_connection(lambda: Stream(request, totals), host, port), 30
            )
            status = await asyncio.wait_for(stream.headers_done, 30)
        except (OSError, TimeoutError, ConnectionError) as exc:
            totals.statuses[type(exc).__name__] += 1
            return None
    totals.statuses[str(status)] += 1
    return stream


async def wait_for_stop(max_seconds: float) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(reader.readline(), max_seconds)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main(args: argparse.Namespace) -> dict[str, Any]:
    totals = Totals(args.warm)
    request = (
        f"GET {args.path} HTTP/1.1\r\nHost: 127.0.0.1:{args.port}\r\n"
        "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
    ).encode()
    gate = asyncio.Semaphore(args.concurrent_connects)
    started = time.monotonic()
    tasks = [
        open_stream("127.0.0.1", args.port, request, totals, gate)
        for _ in range(args.n)
    ]
    streams = [s for s in await asyncio.gather(*tasks) if s is not None]
    connect_s = time.monotonic() - started
    ready = {"connected": len(streams), "statuses": dict(totals.statuses)}
    print(
        "READY " + json.dumps({**ready, "connect_s": round(connect_s, 2)}), flush=True
    )
    cpu0, t0 = cpu_seconds(), time.monotonic()
    await wait_for_stop(args.max_seconds)
    cpu = (cpu_seconds() - cpu0) / max(time.monotonic() - t0, 0.001)
    for stream in streams:
        if stream.transport:
            stream.transport.close()
    lat = sorted(totals.latencies)
    ms = [
        round(x * 1000, 2) if x is not None else None
        for x in (
            percentile(lat, 50),
            percentile(lat, 90),
            percentile(lat, 99),
            lat[-1] if lat else None,
        )
    ]
    return {
        **ready,
        "connect_s": round(connect_s, 2),
        "lost_after_headers": totals.lost,
        "messages_with_marker": totals.messages,
        "per_seq": {str(k): v for k, v in sorted(totals.per_seq.items())},
        "worst_ms_by_seq": [
            round(totals.worst[k] * 1000) for k in sorted(totals.worst)
        ],
        "latency_samples": len(lat),
        "latency_ms": dict(zip(("p50", "p90", "p99", "max"), ms, strict=True)),
        "bytes": totals.bytes,
        "client_cpu_cores": round(cpu, 2),
    }


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--warm", type=int, default=0)
    parser.add_argument("--concurrent-connects", type=int, default=200)
    parser.add_argument("--max-seconds", type=float, default=120)
    args = parser.parse_args()
    raise_fd_limit()
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        result = runner.run(main(args))
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    run()
