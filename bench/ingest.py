"""Scenario ``ingest``: how fast the pipeline turns feeds into stored articles.

Set-up: a feed farm process (``bench.feedfarm``) serves F RSS feeds of I unique
items each on 127.0.0.1 (default 1,000 x 20; ``--quick`` 100 x 20). The F
sources are registered in a fresh SQLite database with
``livenews sources import`` of a generated OPML file.

Measured, in separate worker processes (``python -m bench.ingest --worker``):

1. **pass 1, store step**: ``ingest_once()`` on the fresh database with its
   place step held back: fetch + parse + normalize + store (one transaction
   and one bulk insert per feed). Figure: new articles per second of wall
   time, and CPU seconds of the ingesting process (``resource.getrusage``).
   Issue target: >= 1,000 articles/s.
2. **place step** (same process, right after): ``place_waiting_articles``
   for at most ``place_budget_s``: dedupe, story assignment, topics and the
   outbox events, one transaction per article. Figure: articles placed per
   second of wall time and per CPU second.
3. **stage references** (a second process, same bodies): the project's
   fetcher alone (``fetch_all`` of every feed, no validators, so 200s),
   ``parse_feed`` alone and ``normalize_entry`` alone, in memory. They bound what
   the store step could reach and show where its time goes.
4. **pass 2, steady state**: ``pass2_sources`` sources (the F feeds plus
   mirrors of them, ``/feed/<n>.xml?mirror=<k>``, up to 10,000) made due, each
   answering 304 to its ``ETag``; worker passes (``LEASE_BATCH`` sources each)
   run until none is due. Figures: sources per second, CPU seconds, and the
   share of one core that polling them every ``poll_interval_s`` costs
   (CPU seconds / interval). Issue target: < 25 % of one core for 10,000.
   Articles that pass 1's place budget left waiting are not placed here.
5. **WebSub freshness**: ``livenews web`` serves the callback; ``pushes``
   signed deliveries of one new item each are POSTed to it one after another
   (HMAC-SHA256 ``X-Hub-Signature``). The callback answers once the article,
   its story and its ``article.added`` event are committed, so each POST's
   round trip bounds push -> database and outbox. Figures: p50/p99/max ms of
   the warm pushes (the first, which loads the story index and the language
   model into the fresh process, is reported apart); the database is then
   checked for every pushed article, announced.
   Issue target: p99 < 200 ms.

The pass-1 call is bounded in time: when it exceeds its budget the worker is
stopped and the articles committed so far are counted from the database, so a
slow pipeline still yields an honest (partial) figure.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from bench import harness

TARGET_ARTICLES_PER_S = 1000.0
PROGRESS_EVERY_S = 5.0
SETTINGS = {"LIVENEWS_HOST_CONCURRENCY": "20"}  # = the default FETCH_CONCURRENCY


TARGET_CORE_SHARE = 0.25
TARGET_PUSH_P99_MS = 200.0
PUSH_SECRET = "bench-websub-secret"
POLL_INTERVAL_S = 300.0  # the "due every 5 minutes"


def parameters(quick: bool) -> dict[str, Any]:
    return {
        "quick": quick,
        "feeds": 100 if quick else 1000,
        "items_per_feed": 20,
        "pass1_budget_s": 120 if quick else 240,
        "place_budget_s": 20 if quick else 60,
        "pass2_sources": 1000 if quick else 10_000,
        "poll_interval_s": POLL_INTERVAL_S,
        "pass2_budget_s": 120 if quick else 400,
        "pushes": 50 if quick else 200,
        "env": SETTINGS,
    }


def write_opml(path: Path, port: int, feeds: int) -> None:
    outlines = "\n".join(
        f'    <outline type="rss" text={quoteattr(f"Outlet {n}")} '
        f'xmlUrl="http://127.0.0.1:{port}/feed/{n}.xml"/>'
        for n in range(feeds)
    )
    path.write_text(
        '<?xml version="1.0"?>\n<opml version="2.0"><head><title>bench</title>'
        f'</head><body><outline text="world">\n{outlines}\n</outline></body></opml>\n'
    )


def farm_with_sources(
    tmp: Path,
    procs: harness.Processes,
    farm_argv: list[str],
    feeds: int,
    env: dict[str, str],
) -> tuple[harness.Proc, dict[str, Any], str]:
    """Start the feed farm, subscribe its ``feeds`` through an OPML import.

    Returns the farm's process, its READY document and the import's output.
    """
    farm = procs.start("feedfarm", farm_argv, stdout=subprocess.PIPE)
    assert farm.popen.stdout is not None
    ready = harness.LineReader(farm.popen.stdout, farm).read_json("READY ", 120)
    opml = tmp / "sources.opml"
    write_opml(opml, ready["port"], feeds)
    imported = harness.run_livenews(["sources", "import", str(opml)], env, 300)
    return farm, ready, imported


def count_articles(data_dir: Path) -> int:
    """Count committed articles straight from the SQLite file (read-only)."""
    db = data_dir / "livenews.sqlite3"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        return int(conn.execute("SELECT count(*) FROM articles_article").fetchone()[0])


def worker_argv(phase: str, params: dict[str, Any]) -> list[str]:
    return [
        harness.PYTHON,
        "-m",
        "bench.ingest",
        "--worker",
        phase,
        "--feeds",
        str(params["feeds"]),
        "--place-budget",
        str(params["place_budget_s"]),
        "--pass2-sources",
        str(params["pass2_sources"]),
    ]


def start_worker(
    procs: harness.Processes, env: dict[str, str], phase: str, params: dict[str, Any]
) -> tuple[harness.Proc, harness.LineReader]:
    argv = worker_argv(phase, params)
    worker = procs.start(f"worker-{phase}", argv, env=env, stdout=subprocess.PIPE)
    assert worker.popen.stdout is not None
    return worker, harness.LineReader(worker.popen.stdout, worker)


def watch_pass1(
    lines: harness.LineReader, data_dir: Path, budget_s: float
) -> tuple[dict[str, Any] | None, list[list[float]]]:
    """Wait for pass 1, sampling the article count every few seconds."""
    started = time.monotonic()
    progress: list[list[float]] = []
    while (elapsed := time.monotonic() - started) < budget_s:
        wait = min(PROGRESS_EVERY_S, budget_s - elapsed)
        try:
            return lines.read_json("PASS1 ", wait), progress
        except TimeoutError:
            count = count_articles(data_dir)
            progress.append([round(time.monotonic() - started, 1), count])
    return None, progress


def run(quick: bool) -> dict[str, Any]:
    """Run the scenario and return its result document (without machine facts)."""
    params = parameters(quick)
    feeds = params["feeds"]
    with harness.workspace("ingest") as (tmp, procs):
        farm_argv = [
            harness.PYTHON,
            "-m",
            "bench.feedfarm",
            "--feeds",
            str(feeds),
            "--items",
            str(params["items_per_feed"]),
        ]
        data_dir = tmp / "data"
        # All feeds share one host here, unlike 1,000 outlets: let the per-host
        # politeness limit be the global one, as it would be across many hosts.
        env = harness.livenews_env(data_dir, **SETTINGS)
        farm, ready, imported = farm_with_sources(tmp, procs, farm_argv, feeds, env)
        params.update(
            feed_bytes_total=ready["bytes"],
            feed_server=" ".join(farm_argv[1:]),
            workers=[
                " ".join(["python", *worker_argv(phase, params)[1:]])
                for phase in ("pass1", "rest")
            ],
        )
        notes = [f"sources import: {imported.strip()}"]

        worker, lines = start_worker(procs, env, "pass1", params)
        started = lines.read_json("START ", 120)
        params["livenews_settings"] = started["settings"]
        params["livenews_imported_from"] = started["imported_from"]
        pass1, progress = watch_pass1(lines, data_dir, params["pass1_budget_s"])
        place: dict[str, Any] = {}
        if pass1 is not None:
            place = lines.read_json("PLACE ", params["place_budget_s"] + 120)
        worker.stop()
        if pass1 is None:
            elapsed, stored = progress[-1] if progress else (1.0, 0)
            pass1 = {
                "finished": False,
                "wall_s": elapsed,
                "new_articles": int(stored),
                "articles_per_s": round(stored / elapsed, 1),
            }
            notes.append(
                f"pass 1 did not finish within its {params['pass1_budget_s']} s "
                f"budget: the worker was stopped with {stored:.0f} of "
                f"{feeds * params['items_per_feed']} articles committed; the "
                "articles/s figure is over that partial run"
            )
        else:
            pass1["finished"] = True
        pass1["progress_s_articles"] = progress

        worker, lines = start_worker(procs, env, "rest", params)
        stages = lines.read_json("STAGES ", 300)
        pass2 = lines.read_json("PASS2 ", params["pass2_budget_s"])
        pushed = websub_freshness(
            procs, env, data_dir, pass2.pop("websub_source_id"), params["pushes"]
        )
        if pass2.pop("validators_set_by_bench", 0):
            notes.append(
                "sources that pass 1 never reached had no ETag yet; the bench set "
                "the farm's ETag on them so that pass 2 is all 304 as intended"
            )
        procs.stop_all()
        notes.append("feed farm answers: " + farm.log_tail(1))
    result = summarize(params, pass1, place, stages, pass2, notes)
    result["figures"]["websub_push_to_outbox"] = pushed
    result["reference"]["target_push_p99_ms"] = TARGET_PUSH_P99_MS
    result["ratios"]["push_p99_vs_target"] = harness.ratio(
        pushed.get("p99_ms"), TARGET_PUSH_P99_MS
    )
    return result


def push_body(n: int) -> bytes:
    """Return a one-item RSS document for push ``n``."""
    stamp = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Pushed</title><link>https://pushed.example/</link>"
        f"<item><title>Pushed bulletin {n}: harbour pilots report at {stamp}</title>"
        f'<link>https://pushed.example/news/{n}</link><guid isPermaLink="false">'
        f"push-{n}</guid>"
        f"<pubDate>{stamp}</pubDate><description>Harbour pilots filed report {n} "
        "on the tides, the cranes and the ships waiting outside the port."
        "</description></item></channel></rss>"
    ).encode()


def websub_freshness(
    procs: harness.Processes,
    env: dict[str, str],
    data_dir: Path,
    source_id: int,
    pushes: int,
) -> dict[str, Any]:
    """POST signed pushes to the callback one by one; return round-trip figures."""
    import hashlib
    import hmac
    import http.client

    port = harness.free_port()
    web = procs.start("web", [harness.LIVENEWS, "web", "--port", str(port)], env=env)
    harness.wait_http(port, "/", 90, web)
    path = f"/websub/{source_id}/"
    times_ms, statuses = [], []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for n in range(pushes):
        body = push_body(n)
        digest = hmac.new(PUSH_SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/rss+xml",
            "X-Hub-Signature": f"sha256={digest}",
        }
        started = time.perf_counter()
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        times_ms.append((time.perf_counter() - started) * 1000)
        statuses.append(response.status)
    conn.close()
    db = data_dir / "livenews.sqlite3"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as read:
        announced = read.execute(
            "SELECT count(*) FROM articles_article WHERE guid LIKE 'push-%' "
            "AND awaits_story = 0 AND story_id IS NOT NULL"
        ).fetchone()[0]
    # The first push warms the process (story index, language model): it is
    # reported on its own, the percentiles are over the warm ones.
    ordered = sorted(times_ms[1:])
    return {
        "pushes": pushes,
        "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "articles_announced": int(announced),
        "p50_ms": round(harness.percentile(ordered, 50) or 0, 1),
        "p99_ms": round(harness.percentile(ordered, 99) or 0, 1),
        "max_ms": round(ordered[-1], 1),
        "first_ms": round(times_ms[0], 1),
    }


def summarize(
    params: dict[str, Any],
    pass1: dict[str, Any],
    place: dict[str, Any],
    stages: dict[str, Any],
    pass2: dict[str, Any],
    notes: list[str],
) -> dict[str, Any]:
    expected = params["feeds"] * params["items_per_feed"]
    figures = {
        "pass1_fetch_store": pass1,
        "pass1_place_in_stories": place,
        "pass2_all_304": pass2,
    }
    reference = {
        "target_articles_per_s": TARGET_ARTICLES_PER_S,
        "target_core_share": TARGET_CORE_SHARE,
        "stages": stages,
    }
    rate = pass1.get("articles_per_s")
    ratios: dict[str, Any] = {
        "pass1_vs_target": harness.ratio(rate, TARGET_ARTICLES_PER_S),
        "place_vs_target": harness.ratio(
            place.get("articles_per_s"), TARGET_ARTICLES_PER_S
        ),
        "pass2_core_share_vs_target": harness.ratio(
            pass2.get("core_share_at_interval"), TARGET_CORE_SHARE
        ),
    }
    for stage in ("fetch", "parse", "normalize"):
        stage_rate = stages.get(stage, {}).get("articles_per_s")
        ratios[f"pass1_vs_{stage}_only"] = harness.ratio(rate, stage_rate)
    progress = pass1.get("progress_s_articles", [])
    if len(progress) >= 2:
        rates = [
            (n2 - n1) / (t2 - t1) for (t1, n1), (t2, n2) in itertools.pairwise(progress)
        ]
        pass1["articles_per_s_peak_interval"] = round(max(rates), 1)
        pass1["articles_per_s_last_interval"] = round(rates[-1], 1)
        notes.append(
            "progress_s_articles samples the committed article count every "
            f"{PROGRESS_EVERY_S:g} s; a falling rate means each article costs more "
            "as stories accumulate"
        )
    if pass1.get("finished") and pass1.get("new_articles") != expected:
        notes.append(f"expected {expected} new articles, got {pass1['new_articles']}")
    if stages and pass1.get("finished"):
        store = pass1["wall_s"] - pass1["fetch_phase_s"] - stages["parse"]["wall_s"]
        store -= stages["normalize"]["wall_s"]
        reference["stages"]["store_estimated_s"] = round(store, 2)
        notes.append(
            "ingest_once fetches every due feed first (fetch phase), then parses and "
            "stores source by source; store_estimated_s = pass-1 wall - fetch phase "
            "- parse - normalize"
        )
    if place:
        notes.append(
            "pass 1 is timed without its place step (held back); the place step "
            f"then ran for at most {params['place_budget_s']} s on the stored "
            "articles: pass1_place_in_stories"
        )
    return {
        "command": "python -m bench ingest" + (" --quick" if params["quick"] else ""),
        "parameters": params,
        "figures": figures,
        "reference": reference,
        "ratios": ratios,
        "notes": notes,
    }


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    """Return rows (what, figure, reference, ratio) for the stdout table."""
    f, r, q = result["figures"], result["reference"], result["ratios"]
    p1, p2 = f["pass1_fetch_store"], f["pass2_all_304"]
    place = f.get("pass1_place_in_stories") or {}
    rows = [
        [
            "ingest pass 1, store step (new articles/s)",
            f"{p1.get('articles_per_s', 0):,.0f}",
            f"target {r['target_articles_per_s']:,.0f}",
            fmt_ratio(q["pass1_vs_target"]),
        ]
    ]
    if place:
        rows.append(
            [
                "ingest place step (articles/s)",
                f"{place['articles_per_s']:,.0f}",
                f"{place['articles_per_cpu_s']:,.0f} per cpu-s",
                fmt_ratio(q.get("place_vs_target")),
            ]
        )
    if "articles_per_s_last_interval" in p1:
        first, last = (
            p1["articles_per_s_peak_interval"],
            p1["articles_per_s_last_interval"],
        )
        done = "" if p1.get("finished") else " (stopped at budget)"
        rows.append(
            [
                f"  peak -> last {PROGRESS_EVERY_S:g} s{done}",
                f"{first:,.0f} -> {last:,.0f}",
                f"{p1['new_articles']:,} articles",
                "",
            ]
        )
    for stage in ("fetch", "parse", "normalize"):
        s = r["stages"].get(stage)
        if s:
            rows.append(
                [
                    f"  reference: {stage} only (articles/s)",
                    f"{s['articles_per_s']:,.0f}",
                    "",
                    fmt_ratio(q[f"pass1_vs_{stage}_only"]),
                ]
            )
    if p2:
        rows.append(
            [
                f"ingest pass 2, {p2['sources']:,} sources all 304 (sources/s)",
                f"{p2['sources_per_s']:,.0f}",
                f"cpu {p2['cpu_s']:.2f} s",
                "",
            ]
        )
        rows.append(
            [
                f"  share of one core, every {p2['poll_interval_s']} s",
                f"{p2['core_share_at_interval']:.1%}",
                f"target < {r.get('target_core_share', TARGET_CORE_SHARE):.0%}",
                fmt_ratio(q.get("pass2_core_share_vs_target")),
            ]
        )
    push = f.get("websub_push_to_outbox")
    if push:
        rows.append(
            [
                f"websub push -> outbox, p99 ms ({push['pushes']} pushes)",
                f"{push['p99_ms']:,.1f}",
                f"target < {r.get('target_push_p99_ms', TARGET_PUSH_P99_MS):,.0f}",
                fmt_ratio(q.get("push_p99_vs_target")),
            ]
        )
    return rows


def fmt_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}x"


# --- the worker process ------------------------------------------------------------


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def emit(tag: str, payload: dict[str, Any]) -> None:
    print(f"{tag} {json.dumps(payload)}", flush=True)


def timed_pass(limit: int) -> dict[str, Any]:
    """Run one ``ingest_once`` without its place step; return wall, CPU, what it did."""
    from livenews import pipeline
    from livenews.sources import fetcher

    real_place = pipeline.place_waiting_articles
    pipeline.place_waiting_articles = lambda *args, **kwargs: 0  # timed apart

    fetch_wall = [0.0]
    real_fetch_all = fetcher.fetch_all

    async def fetch_all_timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await real_fetch_all(*args, **kwargs)
        finally:
            fetch_wall[0] = time.perf_counter() - started

    pipeline.fetch_all = fetch_all_timed  # observe the fetch phase, change nothing
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    report = pipeline.ingest_once(limit=limit)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    pipeline.fetch_all = real_fetch_all
    pipeline.place_waiting_articles = real_place
    return {
        "sources": report.sources,
        "new_articles": report.new_articles,
        "failing_sources": len(report.failures),
        "first_failure": next(iter(report.failures.values()), ""),
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "fetch_phase_s": round(fetch_wall[0], 3),
        "articles_per_s": round(report.new_articles / wall, 1),
        "sources_per_s": round(report.sources / wall, 1),
    }


def timed_placement(budget_s: float) -> dict[str, Any]:
    """Place the waiting articles for at most ``budget_s``; return the figures."""
    from livenews import pipeline
    from livenews.articles.models import Article

    cpu0, t0 = cpu_seconds(), time.perf_counter()
    placed = pipeline.place_waiting_articles(budget_s=budget_s)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    return {
        "placed": placed,
        "still_waiting": Article.objects.filter(awaits_story=True).count(),
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "articles_per_s": round(placed / wall, 1),
        "articles_per_cpu_s": round(placed / cpu, 1) if cpu else None,
    }


def steady_state(poll_interval_s: float) -> dict[str, Any]:
    """Run worker passes until no source is due; return figures for the lot."""
    from django.db.models import Count

    from livenews import pipeline
    from livenews.sources.models import Source

    pipeline.place_waiting_articles = lambda *args, **kwargs: 0  # polling only
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    sources = passes = failing = 0
    while True:
        report = pipeline.ingest_once()
        if not report.sources:
            break
        sources, passes = sources + report.sources, passes + 1
        failing += len(report.failures)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    statuses = dict(Source.objects.values_list("last_status").annotate(n=Count("id")))
    return {
        "sources": sources,
        "passes": passes,
        "failing_sources": failing,
        "last_status_counts": {str(k): v for k, v in statuses.items()},
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "sources_per_s": round(sources / wall, 1),
        "cpu_s_per_1000_sources": round(cpu / sources * 1000, 3) if sources else None,
        "poll_interval_s": poll_interval_s,
        "core_share_at_interval": round(cpu / poll_interval_s, 4),
    }


def stage_references() -> dict[str, Any]:
    """Time the fetcher, the parser and the normalizer alone on the same feeds."""
    import asyncio

    from livenews.articles.normalize import normalize_entry
    from livenews.core.timeutil import now
    from livenews.pipeline import fetch_limits
    from livenews.sources.fetcher import FetchRequest, fetch_all
    from livenews.sources.models import Source
    from livenews.sources.parsers import parse_feed

    requests = [FetchRequest(s.pk, s.url) for s in Source.objects.order_by("id")]
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    results = asyncio.run(fetch_all(requests, fetch_limits()))
    fetch = (time.perf_counter() - t0, cpu_seconds() - cpu0)
    t0 = time.perf_counter()
    feeds = [parse_feed(r.body, r.content_type, r.final_url) for r in results if r.body]
    parse = time.perf_counter() - t0
    entries = [(e, f.language) for f in feeds for e in f.entries]
    fetched_at = now()
    t0 = time.perf_counter()
    for entry, language in entries:  # detection where the feed declares none
        normalize_entry(entry, fetched_at, language)
    normalize = time.perf_counter() - t0
    n = len(entries)
    return {
        "articles": n,
        "fetch": {
            "wall_s": round(fetch[0], 3),
            "cpu_s": round(fetch[1], 3),
            "articles_per_s": round(n / fetch[0], 1),
            "bytes": sum(len(r.body) for r in results),
        },
        "parse": {"wall_s": round(parse, 3), "articles_per_s": round(n / parse, 1)},
        "normalize": {
            "wall_s": round(normalize, 3),
            "articles_per_s": round(n / normalize, 1),
        },
    }


def add_mirrors(total: int) -> int:
    """Add sources mirroring the farm's feeds until there are ``total``; say how many.

    Each mirror carries its feed's ETag (as after a first fetch), so it answers 304.
    """
    from bench.feedfarm import feed_etag
    from livenews.sources.models import Source

    first = Source.objects.order_by("id").values_list("url", flat=True).first() or ""
    base = first.rsplit("/", 1)[0]
    feeds = Source.objects.count()
    mirrors = [
        Source(
            url=f"{base}/{n % feeds}.xml?mirror={n // feeds}",
            name=f"Mirror {n}",
            etag=feed_etag(n % feeds),
        )
        for n in range(feeds, total)
    ]
    Source.objects.bulk_create(mirrors, batch_size=500)
    return len(mirrors)


def make_all_due() -> int:
    """Make every source due; give the farm's ETag to those never fetched."""
    from bench.feedfarm import feed_etag
    from livenews.sources.models import Source

    missing = 0
    for source in Source.objects.filter(etag=""):
        number = int(source.url.rsplit("/", 1)[1].split(".")[0])
        source.etag = feed_etag(number)
        source.save(update_fields=["etag"])
        missing += 1
    due: dict[str, Any] = {"next_poll_at": None}
    fields = {f.name for f in Source._meta.get_fields()}
    if "lease_until" in fields:  # a stopped pass 1 leaves its leases behind
        due.update(lease_until=None, lease_owner="")
    Source.objects.update(**due)
    return missing


def worker_main(phase: str, feeds: int, place_budget: float, total: int) -> None:
    """Run one phase in this (separate, Django) process, printing JSON lines."""
    from livenews.cli import setup_django

    setup_django()
    from livenews.sources.models import Source

    if phase == "pass1":
        from django.conf import settings

        import livenews

        emit(
            "START",
            {
                "sources": Source.objects.count(),
                "settings": settings.LIVENEWS,
                "imported_from": str(Path(livenews.__file__).parent),
            },
        )
        emit("PASS1", timed_pass(feeds))
        emit("PLACE", timed_placement(place_budget))
        return
    emit("STAGES", stage_references())
    mirrors = add_mirrors(total)
    missing = make_all_due()
    first = Source.objects.order_by("id").first()
    assert first is not None
    Source.objects.filter(pk=first.pk).update(websub_secret=PUSH_SECRET)
    emit(
        "PASS2",
        {
            **steady_state(POLL_INTERVAL_S),
            "mirror_sources": mirrors,
            "validators_set_by_bench": missing,
            "websub_source_id": first.pk,
        },
    )


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description="ingest benchmark worker")
    cli.add_argument("--worker", choices=["pass1", "rest"], required=True)
    cli.add_argument("--feeds", type=int, required=True)
    cli.add_argument("--place-budget", type=float, default=60.0)
    cli.add_argument("--pass2-sources", type=int, default=10_000)
    args = cli.parse_args()
    worker_main(args.worker, args.feeds, args.place_budget, args.pass2_sources)
    sys.exit(0)
