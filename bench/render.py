"""Scenario ``render``: uncached page renders through Django, per page type.

Set-up, in a worker process on a fresh SQLite database
(``python -m bench.render --worker``): 50 sources; 300 open stories of 3
articles each across the sections (a busy front page); one story of 200
articles (every fifth a copy, "also published by"), 3 topics and a live blog
of 100 entries; the 200-article story leads its section.

Measured: each page (front, section, story of 200 articles, article, topic,
source, live blog of 100 entries) is rendered N times through Django's WSGI
handler directly (the edge's page cache is not in the path, and Django has no
cache of its own), after 5 warm-up renders. Figures: p50 and p99 in ms, the
queries each render makes, and the page's size plain and gzip-compressed. The
render's CPU time (``time.thread_time``) is reported beside its wall time: on
a shared machine other processes stretch wall times, not CPU times.
Reference, same process and run: ``/healthz`` (the same handler and middleware
with one query and no template), so the figures can be read against the cost
of the request path itself. Issue target: story page p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import subprocess
import sys
import time
from typing import Any

from bench import harness

TARGET_STORY_P99_MS = 50.0
PAGES = ("front", "section", "story", "article", "topic", "source", "liveblog")


def parameters(quick: bool) -> dict[str, Any]:
    return {
        "quick": quick,
        "renders_per_page": 60 if quick else 300,
        "warmup": 5,
        "open_stories": 300,
        "articles_per_open_story": 3,
        "story_articles": 200,
        "liveblog_entries": 100,
        "sources": 50,
    }


def run(quick: bool) -> dict[str, Any]:
    """Run the scenario and return its result document (without machine facts)."""
    params = parameters(quick)
    with harness.workspace("render") as (tmp, procs):
        env = harness.livenews_env(tmp / "data")
        argv = [
            harness.PYTHON,
            "-m",
            "bench.render",
            "--worker",
            "--renders",
            str(params["renders_per_page"]),
        ]
        worker = procs.start("render", argv, env=env, stdout=subprocess.PIPE)
        assert worker.popen.stdout is not None
        lines = harness.LineReader(worker.popen.stdout, worker)
        measured = lines.read_json("RESULT ", 600)
        procs.stop_all()
    params["worker"] = " ".join(argv[1:])
    return summarize(params, measured)


def summarize(params: dict[str, Any], measured: dict[str, Any]) -> dict[str, Any]:
    pages = measured["pages"]
    reference = measured["reference"]
    story_p99 = pages["story"]["p99_ms"]
    return {
        "command": "python -m bench render" + (" --quick" if params["quick"] else ""),
        "parameters": params,
        "figures": pages,
        "reference": {"healthz": reference, "target_story_p99_ms": TARGET_STORY_P99_MS},
        "ratios": {
            "story_p99_vs_target": harness.ratio(story_p99, TARGET_STORY_P99_MS),
            **{
                f"{name}_p50_vs_healthz": harness.ratio(
                    figures["p50_ms"], reference["p50_ms"]
                )
                for name, figures in pages.items()
            },
        },
        "notes": [
            "machine load average (1 min) before and after the renders: "
            f"{measured['load_average_1m']} on {os.cpu_count()} CPUs; wall p99 "
            "includes time other processes held the CPU, cpu_p99_ms does not",
            "renders go through django.core.handlers.wsgi.WSGIHandler in one "
            "process, one at a time, on SQLite (WAL) in a temporary directory",
            f"story page: {params['story_articles']} articles, "
            f"{params['story_articles'] // 5} of them folded as copies",
        ],
    }


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    """Return rows (what, figure, reference, ratio) for the stdout table."""
    rows = []
    ref = result["reference"]["healthz"]
    for name, f in result["figures"].items():
        target = (
            f"target p99 {TARGET_STORY_P99_MS:g} ms"
            if name == "story"
            else f"healthz p50 {ref['p50_ms']:.2f} ms"
        )
        rows.append(
            [
                f"render {name} (p50 / p99 ms, queries)",
                f"{f['p50_ms']:.1f} / {f['p99_ms']:.1f}, {f['queries']}q "
                f"(cpu {f['cpu_p50_ms']:.1f} / {f['cpu_p99_ms']:.1f})",
                target,
                f"{f['p99_ms'] / TARGET_STORY_P99_MS:.2f}x"
                if name == "story"
                else f"{f['p50_ms'] / ref['p50_ms']:.1f}x",
            ]
        )
    return rows


# --- the worker: Django set up on its own database ----------------------------


def build_site(params: dict[str, Any]) -> dict[str, str]:
    """Write the bench site; return the path of each page type."""
    from datetime import timedelta

    from django.core.management import call_command

    from livenews.articles.models import Article
    from livenews.articles.sections import SECTIONS
    from livenews.core.timeutil import now
    from livenews.live import actions as live_actions
    from livenews.sources.models import Source
    from livenews.stories.models import Story, Topic

    call_command("migrate", verbosity=0)
    at = now()
    sources = Source.objects.bulk_create(
        Source(
            url=f"https://outlet{n}.example.org/feed",
            name=f"Outlet {n}",
            section=SECTIONS[n % len(SECTIONS)],
            last_success_at=at,
        )
        for n in range(params["sources"])
    )
    words = "flood strike vote summit storm court market launch match festival"
    stories = Story.objects.bulk_create(
        Story(
            headline=f"{words.split()[n % 10].title()} {n}: what we know so far",
            summary="A developing story, told by many outlets. " * 4,
            lead_image_url=f"https://img.example.org/{n}.jpg" if n % 2 else "",
            article_count=params["articles_per_open_story"],
            source_count=params["articles_per_open_story"],
            velocity=1.0,
            section=SECTIONS[n % len(SECTIONS)],
            updated_at=at - timedelta(minutes=n),
            first_seen_at=at - timedelta(hours=2, minutes=n),
        )
        for n in range(params["open_stories"])
    )
    big = Story.objects.create(
        headline="Brennick flood: the river Ossel breaks its banks",
        summary="Levees failed overnight; thousands are leaving the lower town.",
        lead_image_url="https://img.example.org/flood.jpg",
        article_count=params["story_articles"],
        source_count=params["sources"],
        velocity=12.0,
        section="world",
        pinned=True,
        updated_at=at,
        first_seen_at=at - timedelta(hours=6),
    )

    def article(n: int, story: Story, minutes: int) -> Article:
        return Article(
            source=sources[n % len(sources)],
            guid=f"g{n}",
            guid_hash=f"{n:064d}",
            url=f"https://outlet.example.org/{n}",
            title=f"Report {n}: the water keeps rising in the lower town",
            summary="Residents were told to leave before dawn.",
            body_html="<p>Residents were told to leave before dawn.</p>" * 12,
            body_text="Residents were told to leave before dawn. " * 12,
            authors=["A. Reporter"],
            language="en",
            published_at=at - timedelta(minutes=minutes),
            content_hash=f"{n:064x}",
            section=story.section,
            story=story,
        )

    per = params["articles_per_open_story"]
    Article.objects.bulk_create(
        article(n, stories[n // per], n) for n in range(len(stories) * per)
    )
    first = len(stories) * per
    members = Article.objects.bulk_create(
        article(first + n, big, n) for n in range(params["story_articles"])
    )
    for n, member in enumerate(members):
        if n % 5 == 4:
            member.duplicate_of = members[n - 1]
    Article.objects.bulk_update(members, ["duplicate_of"])
    big.headline_article = members[0]
    big.save()
    for n in range(3):
        topic = Topic.objects.create(name=f"Ossel {n}", slug=f"ossel-{n}")
        topic.stories.add(big, *stories[n::30])
    blog = live_actions.start_liveblog("Brennick flood: live", story=big)
    for n in range(params["liveblog_entries"]):
        live_actions.post_entry(
            blog, f"<p>Update {n}: the levee holds.</p>" * 3, is_key_event=n % 10 == 0
        )
    return {
        "front": "/",
        "section": "/section/world/",
        "story": f"/story/{big.pk}/",
        "article": f"/article/{members[0].pk}/",
        "topic": "/topic/ossel-0/",
        "source": f"/source/{sources[0].pk}/",
        "liveblog": f"/liveblog/{blog.pk}/",
    }


def render_many(handler: Any, path: str, renders: int, warmup: int) -> dict[str, Any]:
    """Render ``path`` through the WSGI handler; return its timings and size."""
    from django.db import connection

    def once() -> bytes:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.input": io.BytesIO(),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status: list[str] = []
        body = b"".join(handler(environ, lambda s, h, e=None: status.append(s)))
        if not status[0].startswith("200"):
            raise RuntimeError(f"{path} answered {status[0]}")
        return body

    for _ in range(warmup):
        once()
    # The handler resets connection.queries at each request: count by a wrapper.
    queries: list[str] = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        body = once()
    times, cpu = [], []
    for _ in range(renders):
        started, started_cpu = time.perf_counter(), time.thread_time()
        once()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    times.sort()
    cpu.sort()
    return {
        "path": path,
        "renders": renders,
        "p50_ms": round(harness.percentile(times, 50) or 0, 3),
        "p99_ms": round(harness.percentile(times, 99) or 0, 3),
        "max_ms": round(times[-1], 3),
        "cpu_p50_ms": round(harness.percentile(cpu, 50) or 0, 3),
        "cpu_p99_ms": round(harness.percentile(cpu, 99) or 0, 3),
        "queries": len(queries),
        "bytes": len(body),
        "gzip_bytes": len(gzip.compress(body, 6)),
    }


def worker(renders: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livenews.settings")
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    params = parameters(quick=False)
    paths = build_site(params)
    handler = WSGIHandler()
    warmup = params["warmup"]
    load_before = os.getloadavg()
    result: dict[str, Any] = {
        "pages": {
            name: render_many(handler, paths[name], renders, warmup) for name in PAGES
        },
        "reference": render_many(handler, "/healthz", renders, warmup),
        # Other processes on the machine stretch wall times: say how busy it was.
        "load_average_1m": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }
    print("RESULT " + json.dumps(result), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--renders", type=int, default=300)
    args = parser.parse_args()
    if args.worker:
        worker(args.renders)


if __name__ == "__main__":
    main()
