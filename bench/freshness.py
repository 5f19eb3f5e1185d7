"""Scenario ``freshness``: an editor's entry, posted → visible in Chromium.

Set-up: ``livenews web`` (one process, default settings: the outbox poll is
``LIVENEWS_OUTBOX_POLL=0.5`` s) on a fresh SQLite database, and an editor
process (``python -m bench.freshness post``) that opens a live blog and then
posts entries through the real action, ``livenews.live.actions.post_entry``
(sanitize, render, commit, emit), from its own process: the web process learns
of each commit by polling the outbox, as it learns of a ``livenews worker``'s.

Measured: a real Chromium (Playwright, /usr/bin/chromium) opens the live blog
page; a ``MutationObserver`` on the page records, for every entry element that
appears, ``performance.timeOrigin + performance.now()`` (wall-clock ms). The
editor posts N entries (50; 20 with ``--quick``) at random intervals of 0.2 to
0.6 s and records ``time.time()`` just before each ``post_entry`` call. The
figure is, per entry, DOM time - call time: p50, p90, p99, max, against the
live issue's target (p99 < 1 s). One process, so no reference server: the
target is the reference, and the same run also reports how long the action
itself took (its commit included).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import harness

TARGET_P99_MS = 1000.0
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

OBSERVER = """() => {
  window.__seen = {};
  const record = (node) => {
    if (node.nodeType === 1 && node.id && node.id.startsWith('entry-')
        && !(node.id in window.__seen)) {
      window.__seen[node.id] = performance.timeOrigin + performance.now();
    }
  };
  new MutationObserver((records) => {
    for (const r of records) r.addedNodes.forEach(record);
  }).observe(document.body, { childList: true, subtree: true });
}"""


def parameters(quick: bool) -> dict[str, Any]:
    return {
        "quick": quick,
        "entries": 20 if quick else 50,
        "interval_s": [0.2, 0.6],
        "livenews_env": "defaults (LIVENEWS_OUTBOX_POLL=0.5)",
        "browser": "Chromium (/usr/bin/chromium) headless via Playwright",
        "target_p99_ms": TARGET_P99_MS,
    }


# --- the editor process ------------------------------------------------------------


def post(count: int, low: float, high: float) -> None:
    """Open a live blog, print its id, wait for "go", post ``count`` entries."""
    from livenews.cli import setup_django

    setup_django()
    from livenews.live import actions

    blog = actions.start_liveblog("Freshness bench: live")
    print("BLOG " + json.dumps({"id": blog.pk}), flush=True)
    sys.stdin.readline()
    rng = random.Random(5)
    posted, took = {}, []
    for n in range(count):
        time.sleep(rng.uniform(low, high))
        called = time.time()
        entry = actions.post_entry(blog, f"<p>Update {n}: the river is rising</p>")
        took.append(time.time() - called)
        posted[f"entry-{entry.pk}"] = called
    took.sort()
    ms = [round((harness.percentile(took, p) or 0) * 1000, 2) for p in (50, 99)]
    result = {"posted": posted, "action_ms_p50": ms[0], "action_ms_p99": ms[1]}
    print("RESULT " + json.dumps(result), flush=True)


# --- the measurement -----------------------------------------------------------------


def measure(params: dict[str, Any]) -> dict[str, Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise harness.Skip("playwright is not installed (requirements/dev)") from exc
    if not CHROMIUM.exists():
        raise harness.Skip(f"{CHROMIUM} is not installed")
    count = params["entries"]
    with harness.workspace("freshness") as (tmp, procs):
        env = harness.livenews_env(tmp / "data")
        port = harness.free_port()
        argv = [harness.LIVENEWS, "web", "--host", "127.0.0.1", "--port", str(port)]
        web = procs.start("livenews-web", argv, env=env)
        harness.wait_http(port, "/healthz", 60, web)
        low, high = params["interval_s"]
        post_argv = ["post", "--count", str(count), "--low", str(low)]
        editor = procs.start(
            "editor",
            [harness.PYTHON, "-m", "bench.freshness", *post_argv, "--high", str(high)],
            env=env,
            stdout=subprocess.PIPE,
            stdin=subprocess.PIPE,
        )
        assert editor.popen.stdout is not None and editor.popen.stdin is not None
        lines = harness.LineReader(editor.popen.stdout, editor)
        blog = lines.read_json("BLOG ", 60)["id"]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=FLAGS
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/liveblog/{blog}/")
            page.wait_for_selector("#live-status:not([hidden])", timeout=15_000)
            page.evaluate(OBSERVER)
            editor.popen.stdin.write(b"go\n")
            editor.popen.stdin.flush()
            posted = lines.read_json("RESULT ", count * 2 + 60)
            deadline = time.monotonic() + 10
            seen: dict[str, float] = {}
            while time.monotonic() < deadline:
                seen = page.evaluate("() => window.__seen")
                if len(seen) >= count:
                    break
                time.sleep(0.1)
            browser.close()
    latencies = sorted(
        seen[key] / 1000 - called
        for key, called in posted["posted"].items()
        if key in seen
    )
    ms = [
        round((harness.percentile(latencies, p) or 0) * 1000, 1) for p in (50, 90, 99)
    ]
    return {
        "posted": len(posted["posted"]),
        "seen": sum(1 for key in posted["posted"] if key in seen),
        "latency_ms": {
            "p50": ms[0],
            "p90": ms[1],
            "p99": ms[2],
            "max": round(latencies[-1] * 1000, 1) if latencies else None,
        },
        "action_ms_p50": posted["action_ms_p50"],
        "action_ms_p99": posted["action_ms_p99"],
    }


def run(quick: bool) -> dict[str, Any]:
    """Run the scenario and return its result document (without machine facts)."""
    params = parameters(quick)
    params["commands"] = {
        "livenews": "livenews web --host 127.0.0.1 --port P",
        "editor": "python -m bench.freshness post --count N --low 0.2 --high 0.6",
    }
    figures = measure(params)
    p99 = figures["latency_ms"]["p99"]
    return {
        "command": "python -m bench freshness" + (" --quick" if quick else ""),
        "parameters": params,
        "figures": {"livenews": figures},
        "reference": {"target": {"latency_p99_ms": TARGET_P99_MS}},
        "ratios": {"latency_p99_to_target": round(p99 / TARGET_P99_MS, 3)},
        "notes": [
            "latency = the entry element's appearance in Chromium's DOM "
            "(MutationObserver, performance.timeOrigin + now()) - time.time() "
            "just before post_entry in the editor process; both clocks are "
            "this machine's wall clock",
            "the web process finds the editor's commits by polling the outbox "
            "every 0.5 s (the default); a commit in the web process itself, or "
            "the PostgreSQL/Redis bus, wakes the hub at once",
            "browser, editor and server share the same 2 vCPUs",
        ],
    }


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    f = result["figures"]["livenews"]
    lat = f["latency_ms"]
    return [
        [
            f"freshness: entry -> Chromium DOM ({f['seen']}/{f['posted']} seen)",
            f"p50 {lat['p50']} ms, p99 {lat['p99']} ms",
            f"target p99 < {TARGET_P99_MS:.0f} ms",
            f"{result['ratios']['latency_p99_to_target']:.2f}x target",
        ]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["post"])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--low", type=float, default=0.2)
    parser.add_argument("--high", type=float, default=0.6)
    args = parser.parse_args()
    post(args.count, args.low, args.high)


if __name__ == "__main__":
    main()
