"""Publish marked events at a fixed rate, for the ``sse`` scenario.

``python -m bench.sse_publish django --rate 10 --count 180`` writes each event
through the project's own path: ``livenews.events.outbox.emit`` of a typed
``StoryUpdated`` inside ``transaction.atomic()``, in this separate process, so
a ``livenews web`` process finds it by polling the outbox, exactly as it finds
the commits of a ``livenews worker``.

``python -m bench.sse_publish http --port P --path /pub`` POSTs the same body
to an nginx+nchan publisher location over one keep-alive connection.

Every event carries ``bench-ts:<seq>:<time.time()>`` (taken just before the
write) padded to ~1 KB on the wire. Events follow a fixed schedule
(``start + seq / rate``); a late event is sent at once, never skipped. One
``RESULT {json}`` line reports how many were sent and how late.
"""

from __future__ import annotations

import argparse
import http.client
import json
import time
from collections.abc import Callable

from bench.harness import percentile

PAD = 900  # bytes of filler so one SSE message is ~1 KB, as in perf-baseline.md


def marker(seq: int) -> str:
    return f"bench-ts:{seq}:{time.time():.6f} " + "x" * PAD


def django_publisher() -> Callable[[int], None]:
    from livenews.cli import setup_django

    setup_django()
    from django.db import transaction

    from livenews.core.timeutil import now
    from livenews.events.outbox import emit
    from livenews.events.types import StoryUpdated

    def publish(seq: int) -> None:
        with transaction.atomic():
            emit(
                StoryUpdated(
                    story_id=1,
                    headline=marker(seq),
                    url="/stories/1/",
                    article_count=seq + 1,
                    source_count=1,
                    updated_at=now().isoformat(),
                )
            )

    return publish


def http_publisher(port: int, path: str) -> Callable[[int], None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def publish(seq: int) -> None:
        body = marker(seq).encode()
        conn.request("POST", path, body, {"Content-Type": "text/plain"})
        response = conn.getresponse()
        response.read()
        if response.status >= 300:
            raise RuntimeError(f"publish answered {response.status}")

    return publish


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["django", "http"])
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--count", type=int, default=180)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--path", default="/pub")
    args = parser.parse_args()
    if args.kind == "django":
        publish = django_publisher()
    else:
        publish = http_publisher(args.port, args.path)
    late, took = [], []
    start = time.monotonic() + 0.2
    for seq in range(args.count):
        due = start + seq / args.rate
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        late.append(max(0.0, -wait))
        t0 = time.perf_counter()
        publish(seq)
        took.append(time.perf_counter() - t0)
    late.sort()
    took.sort()
    result = {
        "published": args.count,
        "rate": args.rate,
        "seconds": round(time.monotonic() - start, 2),
        "publish_ms_p50": round((percentile(took, 50) or 0) * 1000, 2),
        "publish_ms_p99": round((percentile(took, 99) or 0) * 1000, 2),
        "late_ms_max": round(late[-1] * 1000, 2),
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
