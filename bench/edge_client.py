"""A small HTTP/1.1 load generator for the edge scenarios, run as its own process.

wrk counts answers; these scenarios must read each one: its ``X-Cache``, its
``X-Livenews-Seen`` header and the ``data-last-event-id`` embedded in the page.

``python -m bench.edge_client load --port P --path / --connections 64
--seconds 10 --record FILE``: keep-alive connections on uvloop, each sending
its next request as soon as the last answer is read; FILE gets one
``[start_unix_time, latency_ms, status, seen, embedded, cache]`` row per answer.

``python -m bench.edge_client sequence --port P --urls '{"front": "/"}'
--count 50 --unique``: one connection, requests one after the other (a fresh
``?bench-miss=N`` query per request with ``--unique``, so each one misses the
page cache and renders), latency per page type.

Both print one ``RESULT {json}`` line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from collections import Counter
from typing import Any

from bench.feedfarm import loop_factory
from bench.harness import percentile

EMBEDDED = re.compile(rb'data-last-event-id="(\d+)"')


class Connection:
    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, dict[bytes, bytes], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                "127.0.0.1", self.port
            )
        assert self.reader is not None
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.extra}\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get(b"content-length", b"0"))
        body = await self.reader.readexactly(length) if length else b""
        if headers.get(b"connection", b"").lower() == b"close":
            self.writer.close()
            self.writer = None
        return status, headers, body


def describe(headers: dict[bytes, bytes], body: bytes) -> tuple[int, int, str]:
    seen = int(headers.get(b"x-livenews-seen", b"-1"))
    found = EMBEDDED.search(body, 0, 4096) or EMBEDDED.search(body)
    embedded = int(found.group(1)) if found else -1
    return seen, embedded, headers.get(b"x-cache", b"").decode()


def summary(latencies: list[float]) -> dict[str, Any]:
    latencies = sorted(latencies)
    return {
        "requests": len(latencies),
        "p50_ms": round(percentile(latencies, 50) or 0, 3),
        "p99_ms": round(percentile(latencies, 99) or 0, 3),
        "max_ms": round(latencies[-1], 3) if latencies else 0,
    }


async def load(args: argparse.Namespace) -> dict[str, Any]:
    rows: list[list[Any]] = []
    deadline = time.monotonic() + args.seconds

    async def worker() -> None:
        conn = Connection(args.port, dict(args.header))
        while time.monotonic() < deadline:
            started, t0 = time.time(), time.perf_counter()
            status, headers, body = await conn.get(args.path)
            latency = (time.perf_counter() - t0) * 1000
            rows.append([started, round(latency, 3), status, *describe(headers, body)])

    began = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(args.connections)))
    took = time.monotonic() - began
    if args.record:
        with open(args.record, "w") as out:
            json.dump(rows, out)
    return {
        **summary([r[1] for r in rows]),
        "rps": round(len(rows) / took, 1),
        "seconds": round(took, 2),
        "statuses": dict(Counter(str(r[2]) for r in rows)),
        "cache": dict(Counter(r[5] for r in rows)),
    }


async def sequence(args: argparse.Namespace) -> dict[str, Any]:
    conn = Connection(args.port, dict(args.header))
    out: dict[str, Any] = {}
    for name, path in json.loads(args.urls).items():
        latencies, states, statuses = [], Counter[str](), Counter[str]()
        await conn.get(path)  # warm: connection, first render
        for n in range(args.count):
            url = path
            if args.unique:
                url += ("&" if "?" in path else "?") + f"bench-miss={n}"
            t0 = time.perf_counter()
            status, headers, body = await conn.get(url)
            latencies.append((time.perf_counter() - t0) * 1000)
            states[describe(headers, body)[2]] += 1
            statuses[str(status)] += 1
        out[name] = {
            "path": path,
            **summary(latencies),
            "cache": dict(states),
            "statuses": dict(statuses),
            "bytes": len(body),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["load", "sequence"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--urls", default='{"front": "/"}')
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--unique", action="store_true")
    parser.add_argument("--record", default="")
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        type=lambda text: tuple(part.strip() for part in text.split(":", 1)),
    )
    args = parser.parse_args()
    run = load if args.mode == "load" else sequence
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        result = runner.run(run(args))
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
