"""Many server-sent-event streams in one cheap process, for the ``sse`` scenario.

``python -m bench.sse_client --port P --path /live/stream?channels=front -n 1000``

A raw asyncio ``Protocol`` on uvloop (not httpx or aiohttp: the client shares
the 2 cores with the server under test and must cost as little as possible).
It opens N HTTP/1.1 streams, at most 200 connecting at a time, each waiting up
to 30 s for its response headers, then prints ``READY {json}``. It decodes
chunked bodies, splits SSE messages at blank lines, and for every message that
carries a ``bench-ts:<seq>:<unix time>`` marker (put there by the publisher)
counts it per sequence number and records ``now - t`` as its latency; messages
with ``seq < --warm`` are the warm-up and are not recorded. When a line arrives
on stdin (or ``--max-seconds`` pass) it prints ``RESULT {json}`` and exits.
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

MARKER = re.compile(rb"bench-ts:(\d+):(\d+\.\d+)")


class Totals:
    """What every stream saw, aggregated (one object for the whole process)."""

    def __init__(self, warm: int) -> None:
        self.warm = warm
        self.statuses: Counter[str] = Counter()
        self.per_seq: Counter[int] = Counter()
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
        self.chunked = False
        self.raw = b""  # undecoded chunked bytes
        self.body = b""  # decoded bytes not yet split into messages
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
            self.chunked = b"transfer-encoding: chunked" in head.lower()
            self.headers_done.set_result(status)
        if self.chunked:
            self.raw += data
            data = self.dechunk()
        self.body += data
        if b"\n\n" in self.body:
            complete, _, self.body = self.body.rpartition(b"\n\n")
            self.record(complete)

    def dechunk(self) -> bytes:
        out = []
        while True:
            line_end = self.raw.find(b"\r\n")
            if line_end < 0:
                break
            size = int(self.raw[:line_end].split(b";")[0] or b"0", 16)
            end = line_end + 2 + size
            if len(self.raw) < end + 2:
                break
            out.append(self.raw[line_end + 2 : end])
            self.raw = self.raw[end + 2 :]
        return b"".join(out)

    def record(self, messages: bytes) -> None:
        now = time.time()
        totals = self.totals
        for seq, sent in MARKER.findall(messages):
            number = int(seq)
            totals.messages += 1
            if number >= totals.warm:
                totals.per_seq[number] += 1
                totals.latencies.append(now - float(sent))


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
