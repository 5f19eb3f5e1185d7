"""Scenario ``storm``: the front page read by 64 connections while events pour in.

Set-up: ``bench.edge_site`` behind ``livenews web --workers 2`` (outbox poll
50 ms). Reference, same run: ``bench.edge_client load`` (its own process, 64
keep-alive connections, identity encoding) reads ``/`` for D seconds with no
events. Storm: the same load while ``bench.edge_publish`` (another process)
commits 100 ``story.updated`` events per second, each naming ``front``.

Freshness is checked on every answer, two ways:

* **stale** (must be 0): the page's embedded ``data-last-event-id`` (the newest
  event committed when it was rendered) is below its ``X-Livenews-Seen``
  header (the newest event the answering process had received, and so
  invalidated, when it answered). A cache that kept or handed out a page
  rendered before an event it had received fails this check.
* **behind commits** (reported): the embedded id is below the newest event
  committed before the request was sent (publisher's clock after commit vs
  client's clock before send, same machine). This counts the bus delay (the
  50 ms outbox poll of another process's commits); its lag is reported.
"""

from __future__ import annotations

import bisect
import json
import subprocess
from typing import Any

from bench import harness
from bench.edge_site import run_client, start_site

TARGET_P99_MS = 50.0


def parameters(quick: bool) -> dict[str, Any]:
    return {
        "quick": quick,
        "seconds": 5 if quick else 10,
        "connections": 64,
        "events_per_s": 100,
        "web_workers": 2,
        "outbox_poll_s": 0.05,
        "target_p99_ms": TARGET_P99_MS,
    }


def freshness(rows: list[list[Any]], commits: list[list[float]]) -> dict[str, Any]:
    """Count stale answers and answers behind the commits made before them."""
    times = [c[1] for c in commits]
    ids = [int(c[0]) for c in commits]
    stale = unreadable = behind = 0
    lags: list[float] = []
    for started, _latency, status, seen, embedded, _cache in rows:
        if status != 200 or embedded < 0 or seen < 0:
            unreadable += 1
            continue
        if embedded < seen:
            stale += 1
        committed = bisect.bisect_left(times, started)  # commits before the send
        if committed and embedded < ids[committed - 1]:
            behind += 1
            first_missed = bisect.bisect_right(ids, embedded)
            lags.append((started - times[first_missed]) * 1000)
    lags.sort()
    return {
        "answers": len(rows),
        "stale": stale,
        "unreadable": unreadable,
        "behind_commits": behind,
        "behind_lag_ms_p50": round(harness.percentile(lags, 50) or 0, 1),
        "behind_lag_ms_p99": round(harness.percentile(lags, 99) or 0, 1),
        "behind_lag_ms_max": round(lags[-1], 1) if lags else 0,
    }


def run(quick: bool) -> dict[str, Any]:
    params = parameters(quick)
    seconds = params["seconds"]
    with harness.workspace("storm") as (tmp, procs):
        site = start_site(procs, tmp, articles=0)
        load = ["load", "--port", str(site.port), "--path", "/"]
        load += ["--connections", str(params["connections"])]
        load += ["--seconds", str(seconds)]
        run_client(procs, "client-warmup", [*load[:-1], "2"], 60)
        harness.wait_idle(site.web.pid)
        quiet = run_client(procs, "client-quiet", load, seconds + 60)
        harness.wait_idle(site.web.pid)
        story = site.seeded["story_id"]
        publish = ["--story", str(story), "--rate", str(params["events_per_s"])]
        publish += ["--seconds", str(seconds + 2)]
        publish += ["--record", str(tmp / "commits.json")]
        publisher = procs.start(
            "edge-publish",
            [harness.PYTHON, "-m", "bench.edge_publish", *publish],
            env=site.env,
            stdout=subprocess.PIPE,
        )
        assert publisher.popen.stdout is not None
        started = harness.LineReader(publisher.popen.stdout, publisher)
        if started.readline(120) != "STARTED":
            raise RuntimeError(f"publisher did not start:\n{publisher.log_tail()}")
        record = str(tmp / "answers.json")
        storm = run_client(procs, "client-storm", [*load, "--record", record], 120)
        published = started.read_json("RESULT ", 60)
        rows = json.loads((tmp / "answers.json").read_text())
        commits = json.loads((tmp / "commits.json").read_text())
        storm["freshness"] = freshness(rows, commits)
        storm["published"] = published
        params["commands"] = {
            "load": "python -m bench.edge_client load --port P --path / "
            f"--connections 64 --seconds {seconds}",
            "publisher": "python -m bench.edge_publish --story S --rate 100 "
            f"--seconds {seconds + 2}",
        }
    notes = [
        "stale counts answers whose embedded event id is below X-Livenews-Seen",
        "behind_commits includes the bus delay (50 ms outbox poll); see the lag",
        "the Python load generator shares the 2 vCPUs with both web processes",
    ]
    return {
        "command": "python -m bench storm" + (" --quick" if quick else ""),
        "parameters": params,
        "figures": {"storm": storm},
        "reference": {"quiet": quiet, "target_p99_ms": TARGET_P99_MS},
        "ratios": {
            "storm_vs_quiet_rps": harness.ratio(storm["rps"], quiet["rps"]),
            "storm_p99_vs_target": harness.ratio(storm["p99_ms"], TARGET_P99_MS),
        },
        "notes": notes,
    }


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    storm = result["figures"]["storm"]
    quiet = result["reference"]["quiet"]
    fresh = storm["freshness"]
    return [
        [
            "storm / front, 100 ev/s (req/s)",
            f"{storm['rps']:,.0f}",
            f"quiet {quiet['rps']:,.0f}",
            f"{result['ratios']['storm_vs_quiet_rps']:.2f}x quiet",
        ],
        [
            "storm / p99 ms",
            f"{storm['p99_ms']} (p50 {storm['p50_ms']})",
            f"quiet p99 {quiet['p99_ms']}; target {TARGET_P99_MS:g}",
            f"{result['ratios']['storm_p99_vs_target']:.2f}x target",
        ],
        [
            "storm / stale answers",
            f"{fresh['stale']} of {fresh['answers']}",
            f"behind commits {fresh['behind_commits']}, "
            f"lag p99 {fresh['behind_lag_ms_p99']} ms",
            "",
        ],
    ]
