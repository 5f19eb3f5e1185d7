"""Scenario ``sse``: live fan-out, publish to receive, livenews vs nginx+nchan.

Set-up per server, one after the other in the same run:

* **livenews**: ``livenews web`` (uvicorn, one process) on a fresh SQLite
  database with ``LIVENEWS_OUTBOX_POLL=0.05``: the publisher is another process,
  so the hub learns of its commits by polling the outbox every 50 ms (or, with
  ``BENCH_SSE_BUS`` set to a Redis or PostgreSQL URL, through that bus).
* **nginx+nchan** (the reference, when ``ngx_nchan_module.so`` is installed):
  one worker, ``nchan_subscriber eventsource`` on ``/sub`` and
  ``nchan_publisher`` on ``/pub``, channel ``front``.

Measured: a client process (``bench.sse_client``, raw asyncio) opens N streams
(5,000, the issue's case; 200 with ``--quick``; ``BENCH_SSE_STREAMS`` sets
another number) on ``/live/stream?channels=front`` or ``/sub``.
Once they are open, a publisher process (``bench.sse_publish``) sends ~1 KB
events at 10/s for 3 s of warm-up plus 15 s measured: through
``livenews.events.outbox.emit`` of a ``StoryUpdated`` in ``transaction.atomic()``
for livenews, by HTTP POST for nchan. Each event carries its ``time.time()``.

Servers run one at a time, in interleaved rounds (2; 1 with ``--quick``),
alternating which goes first. Figures: streams opened, events delivered /
expected (measured events x N), latency p50/p90/p99 (receive time - publish
time, so livenews' figure includes the commit and up to one 50 ms poll), server
CPU (cores) over the measured window, and server RSS: idle, half-way, and the
growth per open stream. Figures are medians over rounds; ratios (livenews /
nchan) are medians of the per-round ratios.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

from bench import harness, machine, nginx

RATE = 10.0
WARM_S = 3.0
OUTBOX_POLL = "0.05"


def parameters(
    quick: bool,
    *,
    streams: int | None = None,
    rate: float = RATE,
    nchan_workers: int = 1,
    scenario: str = "sse",
) -> dict[str, Any]:
    # The full run is the case; BENCH_SSE_STREAMS=1000 runs a lighter one.
    default = int(os.environ.get("BENCH_SSE_STREAMS") or (200 if quick else 5000))
    return {
        "scenario": scenario,
        "quick": quick,
        "streams": streams or default,
        "rate_per_s": rate,
        "warmup_s": WARM_S,
        "measure_s": 8.0 if quick else 15.0,
        "event_bytes": "~1 KB (900 bytes of filler)",
        "concurrent_connects": 200,
        "livenews_env": livenews_settings(),
        "nchan_workers": nchan_workers,
        "rounds": 1 if quick else 2,
    }


def livenews_settings() -> dict[str, str]:
    """The web process's settings: the 50 ms poll, or a bus (``BENCH_SSE_BUS``).

    With ``BENCH_SSE_BUS=redis://127.0.0.1:6379/0`` (or a postgres:// URL) the
    publisher's commits wake the hub through that bus, as a worker's would.
    """
    bus = os.environ.get("BENCH_SSE_BUS", "")
    if bus:
        return {"LIVENEWS_BUS_URL": bus, "LIVENEWS_OUTBOX_POLL": "60"}
    return {"LIVENEWS_OUTBOX_POLL": OUTBOX_POLL}


def nchan_http(port: int) -> str:
    return f"""
    server {{
        listen 127.0.0.1:{port};
        location = /sub {{ nchan_subscriber eventsource; nchan_channel_id front; }}
        location = /pub {{
            nchan_publisher; nchan_channel_id front;
            nchan_message_buffer_length 50; nchan_message_timeout 60s;
        }}
    }}
"""


def start_livenews(
    procs: harness.Processes, tmp: Path, params: dict[str, Any]
) -> tuple[harness.Proc, int, list[str], dict[str, str]]:
    env = harness.livenews_env(tmp / "data", **livenews_settings())
    port = harness.free_port()
    argv = [harness.LIVENEWS, "web", "--host", "127.0.0.1", "--port", str(port)]
    proc = procs.start("livenews-web", argv, env=env)
    harness.wait_http(port, "/healthz", 60, proc)
    publisher = [harness.PYTHON, "-m", "bench.sse_publish", "django"]
    return proc, port, publisher, env


def start_nchan(
    procs: harness.Processes, tmp: Path, params: dict[str, Any]
) -> tuple[harness.Proc, int, list[str], dict[str, str]]:
    if not machine.NCHAN_MODULE.exists():
        harness.ensure_tools("nginx")
        raise harness.Skip(f"{machine.NCHAN_MODULE} not installed")
    port = harness.free_port()
    main = f"load_module {machine.NCHAN_MODULE};"
    workers = params["nchan_workers"]
    proc = nginx.start_nginx(
        procs, tmp / "nchan", nchan_http(port), [port], workers=workers, main=main
    )
    publisher = [harness.PYTHON, "-m", "bench.sse_publish", "http"]
    publisher += ["--port", str(port), "--path", "/pub"]
    return proc, port, publisher, {}


TARGETS = {
    "livenews": (start_livenews, "/live/stream?channels=front"),
    "nginx-nchan": (start_nchan, "/sub"),
}


def measure(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Start one server, stream to N clients, publish, and return the figures."""
    start, path = TARGETS[name]
    rate = params["rate_per_s"]
    warm = int(rate * WARM_S)
    count = warm + int(rate * params["measure_s"])
    with harness.workspace(f"sse-{name}") as (tmp, procs):
        server, port, publisher_argv, env = start(procs, tmp, params)
        time.sleep(1.0)
        rss_idle = harness.tree_rss(server.pid)
        client_argv = [harness.PYTHON, "-m", "bench.sse_client", "--port", str(port)]
        client_argv += ["--path", path, "-n", str(params["streams"])]
        client_argv += ["--warm", str(warm), "--max-seconds", "300"]
        client = procs.start(
            "client", client_argv, stdout=subprocess.PIPE, stdin=subprocess.PIPE
        )
        assert client.popen.stdout is not None and client.popen.stdin is not None
        client_lines = harness.LineReader(client.popen.stdout, client)
        ready = client_lines.read_json("READY ", 120)
        time.sleep(1.0)  # let the last streams settle before the first event
        rss_open = harness.tree_rss(server.pid)  # every stream open, all idle
        publisher = procs.start(
            "publisher",
            [*publisher_argv, "--rate", str(rate), "--count", str(count)],
            env=env or None,
            stdout=subprocess.PIPE,
        )
        assert publisher.popen.stdout is not None
        time.sleep(WARM_S + 0.2)
        cpu0, t0 = harness.tree_cpu_seconds(server.pid), time.monotonic()
        time.sleep(params["measure_s"] / 2)
        rss_mid = harness.tree_rss(server.pid)
        pub_lines = harness.LineReader(publisher.popen.stdout, publisher)
        published = pub_lines.read_json("RESULT ", params["measure_s"] + 60)
        cpu = (harness.tree_cpu_seconds(server.pid) - cpu0) / (time.monotonic() - t0)
        time.sleep(1.5)  # the last events are still on their way
        client.popen.stdin.write(b"stop\n")
        client.popen.stdin.flush()
        received = client_lines.read_json("RESULT ", 60)
    expected = (count - warm) * params["streams"]
    delivered = sum(received.pop("per_seq").values())
    opened = ready["connected"]
    return {
        "streams_requested": params["streams"],
        "streams_opened": opened,
        "connect_s": ready["connect_s"],
        "statuses": ready["statuses"],
        "events_measured": count - warm,
        "delivered": delivered,
        "expected": expected,
        "delivered_ratio": round(delivered / expected, 4) if expected else None,
        "latency_ms": received["latency_ms"],
        "server_cpu_cores": round(cpu, 2),
        "rss_idle_mb": round(rss_idle / 2**20, 1),
        "rss_open_mb": round(rss_open / 2**20, 1),
        "rss_per_idle_stream_kb": round(
            (rss_open - rss_idle) / max(opened, 1) / 1024, 1
        ),
        "rss_mid_mb": round(rss_mid / 2**20, 1),
        "rss_per_stream_kb": round(rss_mid / params["streams"] / 1024, 1),
        "rss_growth_per_open_stream_kb": round(
            (rss_mid - rss_idle) / max(opened, 1) / 1024, 1
        ),
        "client": {
            k: received[k]
            for k in (
                "client_cpu_cores",
                "bytes",
                "lost_after_headers",
                "worst_ms_by_seq",
            )
        },
        "publisher": published,
    }


# (name in the figures, how to read it from one round's measurement)
SUMMARY = {
    "delivered_ratio": lambda m: m["delivered_ratio"],
    "latency_p50_ms": lambda m: m["latency_ms"]["p50"],
    "latency_p90_ms": lambda m: m["latency_ms"]["p90"],
    "latency_p99_ms": lambda m: m["latency_ms"]["p99"],
    "server_cpu_cores": lambda m: m["server_cpu_cores"],
    "rss_growth_per_open_stream_kb": lambda m: m["rss_growth_per_open_stream_kb"],
    "rss_per_idle_stream_kb": lambda m: m.get("rss_per_idle_stream_kb"),
    "rss_per_stream_kb": lambda m: m["rss_per_stream_kb"],
}


def summarize(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the median of every summary figure over the rounds, and the rounds."""
    if not rounds or rounds[0].get("skipped"):
        return rounds[0] if rounds else {"skipped": True, "reason": "not run"}
    medians = {}
    for name, get in SUMMARY.items():
        found = harness.median([get(m) for m in rounds if get(m) is not None])
        medians[name] = None if found is None else round(found, 3)
    first = rounds[0]
    return {
        "streams_requested": first["streams_requested"],
        "streams_opened_min": min(m["streams_opened"] for m in rounds),
        "expected_per_round": first["expected"],
        **medians,
        "rounds": rounds,
    }


def round_ratios(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, float | None]:
    """Return livenews / nchan per figure: the median of the per-round ratios."""
    ratios = {}
    for name, get in SUMMARY.items():
        values = [
            harness.ratio(get(r["livenews"]), get(r["nginx-nchan"]))
            for r in rounds
            if "nginx-nchan" in r
        ]
        found = [v for v in values if v is not None]
        ratios[name] = round(harness.median(found), 4) if found else None
    return ratios


def run(quick: bool) -> dict[str, Any]:
    """Run the scenario and return its result document (without machine facts)."""
    return run_load(parameters(quick))


def run_load(params: dict[str, Any]) -> dict[str, Any]:
    """Measure livenews and nchan under the load ``params`` describe."""
    rate = f"{params['rate_per_s']:g}"
    params["commands"] = {
        "livenews": "LIVENEWS_OUTBOX_POLL=0.05 livenews web --host 127.0.0.1 --port P",
        "nginx-nchan": "nginx -p PREFIX -c nginx.conf (see bench/sse.py nchan_http)",
        "client": "python -m bench.sse_client --port P --path PATH -n N --warm 30",
        "publisher": f"python -m bench.sse_publish {{django|http}} --rate {rate} "
        "--count C",
    }
    notes = [
        "delivered / expected counts only the measured events (after the warm-up) "
        "over all N requested streams",
        "latency = client receive time - time.time() taken by the publisher just "
        "before the write; livenews' includes the SQLite commit and the outbox poll",
        "figures are medians over the rounds; ratios are medians of per-round "
        "livenews / nchan ratios (for latency, CPU and memory, lower is better)",
        "rss_per_idle_stream_kb = (server RSS with every stream open, before the "
        "first event - RSS before the first stream) / streams opened",
        "client, publisher and server share the same 2 vCPUs",
    ]
    rounds: list[dict[str, dict[str, Any]]] = []
    nchan_skip = ""
    for number in range(params["rounds"]):
        order = ["livenews", "nginx-nchan"][:: 1 if number % 2 == 0 else -1]
        this_round = {}
        for name in order:
            if name == "nginx-nchan" and nchan_skip:
                continue
            try:
                this_round[name] = measure(name, params)
            except harness.Skip as exc:
                nchan_skip = str(exc)
                notes.append(f"nchan reference skipped: {exc}")
        rounds.append(this_round)
    mine = summarize([r["livenews"] for r in rounds])
    if nchan_skip:
        reference = {"skipped": True, "reason": nchan_skip}
    else:
        reference = summarize([r["nginx-nchan"] for r in rounds])
    return {
        "command": f"python -m bench {params['scenario']}"
        + (" --quick" if params["quick"] else ""),
        "parameters": params,
        "figures": {"livenews": mine},
        "reference": {"nginx-nchan": reference},
        "ratios": {} if nchan_skip else round_ratios(rounds),
        "notes": notes,
    }


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    """Return rows (what, figure, reference, ratio) for the stdout table."""
    mine = result["figures"]["livenews"]
    ref = result["reference"]["nginx-nchan"]
    q = result["ratios"]

    def cell(f: dict[str, Any], key: str) -> str:
        if f.get("skipped"):
            return "skipped"
        if key == "delivered":
            return f"{f['delivered_ratio']:.1%} of {f['expected_per_round']:,}"
        if key == "latency":
            return f"p50 {f['latency_p50_ms']} ms, p99 {f['latency_p99_ms']} ms"
        idle, cpu = f.get("rss_per_idle_stream_kb"), f["server_cpu_cores"]
        return f"{idle} KB/idle stream, cpu {cpu}"

    def r(key: str, what: str = "") -> str:
        return "" if q.get(key) is None else f"{q[key]:.2f}x{what}"

    n = mine["streams_requested"]
    rate = result["parameters"]["rate_per_s"]
    return [
        [
            f"sse N={n} x {rate:g}/s delivered (livenews | nchan)",
            cell(mine, "delivered"),
            cell(ref, "delivered"),
            r("delivered_ratio"),
        ],
        [
            "sse latency",
            cell(mine, "latency"),
            cell(ref, "latency"),
            r("latency_p50_ms", " p50"),
        ],
        [
            "sse memory growth, server cpu",
            cell(mine, "mem"),
            cell(ref, "mem"),
            r("rss_per_idle_stream_kb", " mem"),
        ],
    ]
