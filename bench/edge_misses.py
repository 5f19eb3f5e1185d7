"""Scenario ``misses``: the render path through the edge, per page type.

Set-up: ``bench.edge_site`` (50 farm stories, a 200-article story, a live blog
with 50 entries) behind ``livenews web --workers 2``. Measured with
``bench.edge_client sequence`` (its own process, one keep-alive connection,
one request after the other): each page type (front, story, article, topic,
live blog) is fetched N times with a fresh ``?bench-miss=N`` query, so every
request misses the page cache, Django renders, the edge compresses (gzip,
brotli) and stores it; each answer's ``X-Cache`` is counted to prove it. The
reference, in the same run, is the same requests without the query (cache
hits), and the issue's target: uncached render p99 < 50 ms.
"""

from __future__ import annotations

import json
from typing import Any

from bench import harness
from bench.edge_site import run_client, start_site

TARGET_P99_MS = 50.0


def parameters(quick: bool) -> dict[str, Any]:
    return {
        "quick": quick,
        "requests_per_page": 30 if quick else 100,
        "story_articles": 200,
        "liveblog_entries": 50,
        "web_workers": 2,
        "target_p99_ms": TARGET_P99_MS,
    }


def run(quick: bool) -> dict[str, Any]:
    params = parameters(quick)
    with harness.workspace("misses") as (tmp, procs):
        site = start_site(procs, tmp, params["story_articles"])
        common = ["sequence", "--port", str(site.port), "--urls", json.dumps(site.urls)]
        common += ["--count", str(params["requests_per_page"])]
        misses = run_client(procs, "client-misses", [*common, "--unique"], 900)
        hits = run_client(procs, "client-hits", common, 300)
        params.update(
            seeded=site.seeded,
            commands={
                "misses": "python -m bench.edge_client sequence --port P --urls URLS "
                f"--count {params['requests_per_page']} --unique",
                "hits": "the same without --unique",
            },
        )
    ratios = {
        f"{name}_p99_vs_target": harness.ratio(found["p99_ms"], TARGET_P99_MS)
        for name, found in misses.items()
    }
    notes = [
        "one request at a time over one connection: render latency, not throughput",
        "each miss renders in Django, compresses gzip + brotli and stores the page",
    ]
    not_missed = {
        n: f["cache"] for n, f in misses.items() if set(f["cache"]) != {"MISS"}
    }
    if not_missed:
        notes.append(f"answers that were not misses: {not_missed}")
    return {
        "command": "python -m bench misses" + (" --quick" if quick else ""),
        "parameters": params,
        "figures": {"miss": misses},
        "reference": {"hit": hits, "target_p99_ms": TARGET_P99_MS},
        "ratios": ratios,
        "notes": notes,
    }


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    rows = []
    hits = result["reference"]["hit"]
    for name, found in result["figures"]["miss"].items():
        hit = hits.get(name, {})
        rows.append(
            [
                f"misses / {name} (p99 ms)",
                f"{found['p99_ms']} (p50 {found['p50_ms']})",
                f"hit p99 {hit.get('p99_ms')}; target {TARGET_P99_MS:g}",
                f"{result['ratios'][f'{name}_p99_vs_target']:.2f}x target",
            ]
        )
    return rows
