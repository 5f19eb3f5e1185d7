"""Scenario ``buslatency``: an event committed in one process → a stream of another.

For each bus backend (``LIVENEWS_BUS_URL``) a ``livenews web`` process on a
fresh SQLite database serves 10 streams, and a publisher process
(``bench.sse_publish django``, the outbox's ``emit`` in a transaction) commits
~1 KB events at 5/s for 2 s of warm-up and 10 s measured (5 s with
``--quick``). Latency is the stream's receipt time minus the publisher's
``time.time()`` before the commit, as in ``sse``:

* ``poll`` (``memory://``, the default): the web process finds the commit by
  polling the outbox every ``LIVENEWS_OUTBOX_POLL`` = 0.5 s (the default);
* ``postgres`` (``LISTEN/NOTIFY`` on ``BENCH_POSTGRES_URL``, default
  ``postgres://postgres@127.0.0.1:5432/postgres``) and ``redis``
  (``BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/0``): the web process
  polls only every 60 s, so the events arrive through the bus alone.

A backend whose server does not answer is recorded as skipped. The reference
is the poll: the ratio says how much of the delay the bus removes.
"""

from __future__ import annotations

import os
import subprocess
import time
from typing import Any

from bench import harness

RATE = 5.0
WARM = 10
STREAMS = 10


def parameters(quick: bool) -> dict[str, Any]:
    return {
        "quick": quick,
        "streams": STREAMS,
        "rate_per_s": RATE,
        "warmup_events": WARM,
        "measured_events": int(RATE * (5 if quick else 10)),
        "backends": {
            "poll": "memory:// with LIVENEWS_OUTBOX_POLL=0.5",
            "postgres": os.environ.get(
                "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
            ),
            "redis": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        },
    }


def reachable(name: str, url: str) -> str:
    """Return "" when the bus server answers, else why not."""
    try:
        if name == "postgres":
            import psycopg

            psycopg.connect(url, connect_timeout=3).close()
        elif name == "redis":
            import redis

            redis.Redis.from_url(url, socket_timeout=3).ping()
    except Exception as exc:  # any failure means: no server to measure
        return f"{name} at {url} does not answer: {exc}"
    return ""


def measure(name: str, params: dict[str, Any]) -> dict[str, Any]:
    url = params["backends"][name]
    bus_url, poll = ("memory://", "0.5") if name == "poll" else (url, "60")
    count = WARM + params["measured_events"]
    with harness.workspace(f"bus-{name}") as (tmp, procs):
        env = harness.livenews_env(
            tmp / "data", LIVENEWS_BUS_URL=bus_url, LIVENEWS_OUTBOX_POLL=poll
        )
        port = harness.free_port()
        argv = [harness.LIVENEWS, "web", "--host", "127.0.0.1", "--port", str(port)]
        web = procs.start("livenews-web", argv, env=env)
        harness.wait_http(port, "/healthz", 60, web)
        client = procs.start(
            "client",
            [
                *(harness.PYTHON, "-m", "bench.sse_client", "--port", str(port)),
                *("--path", "/live/stream?channels=front", "-n", str(STREAMS)),
                *("--warm", str(WARM), "--max-seconds", "120"),
            ],
            stdout=subprocess.PIPE,
            stdin=subprocess.PIPE,
        )
        assert client.popen.stdout is not None and client.popen.stdin is not None
        lines = harness.LineReader(client.popen.stdout, client)
        ready = lines.read_json("READY ", 60)
        time.sleep(1.0)
        publisher = procs.start(
            "publisher",
            [
                *(harness.PYTHON, "-m", "bench.sse_publish", "django"),
                *("--rate", str(RATE), "--count", str(count)),
            ],
            env=env,
            stdout=subprocess.PIPE,
        )
        assert publisher.popen.stdout is not None
        published = harness.LineReader(publisher.popen.stdout, publisher).read_json(
            "RESULT ", count / RATE + 60
        )
        time.sleep(1.5 if name != "poll" else 2.0)
        client.popen.stdin.write(b"stop\n")
        client.popen.stdin.flush()
        received = lines.read_json("RESULT ", 60)
    expected = params["measured_events"] * STREAMS
    delivered = sum(received["per_seq"].values())
    return {
        "bus_url": bus_url,
        "outbox_poll_s": float(poll),
        "streams_opened": ready["connected"],
        "delivered": delivered,
        "expected": expected,
        "latency_ms": received["latency_ms"],
        "publish_ms_p50": published["publish_ms_p50"],
    }


def run(quick: bool) -> dict[str, Any]:
    """Run the scenario and return its result document (without machine facts)."""
    params = parameters(quick)
    figures: dict[str, Any] = {}
    for name, url in params["backends"].items():
        why = "" if name == "poll" else reachable(name, url)
        skipped = {"skipped": True, "reason": why}
        figures[name] = skipped if why else measure(name, params)
    poll_p50 = figures["poll"]["latency_ms"]["p50"]
    ratios = {
        f"{name}_p50_to_poll": round(f["latency_ms"]["p50"] / poll_p50, 3)
        for name, f in figures.items()
        if name != "poll" and not f.get("skipped") and poll_p50
    }
    return {
        "command": "python -m bench buslatency" + (" --quick" if quick else ""),
        "parameters": params,
        "figures": figures,
        "reference": {"poll": figures["poll"]},
        "ratios": ratios,
        "notes": [
            "latency = stream receipt - time.time() before the publisher's commit",
            "push buses: the web process polls the outbox only every 60 s",
            "publisher, web process and client share the same 2 vCPUs",
        ],
    }


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    rows = []
    poll = result["figures"]["poll"]["latency_ms"]
    for name, f in result["figures"].items():
        if f.get("skipped"):
            rows.append([f"bus {name}", "skipped", f["reason"][:60], ""])
            continue
        lat = f["latency_ms"]
        ratio = result["ratios"].get(f"{name}_p50_to_poll")
        rows.append(
            [
                f"bus {name}: commit -> stream ({f['delivered']}/{f['expected']})",
                f"p50 {lat['p50']} ms, p99 {lat['p99']} ms",
                f"poll p50 {poll['p50']} ms",
                "" if ratio is None else f"{ratio:.2f}x p50",
            ]
        )
    return rows
