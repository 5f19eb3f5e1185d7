"""The ``livenews`` command.

Wrong input ends with one clear line on stderr and a non-zero exit, never a
traceback: every command's expected errors are ``click.ClickException``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

PROGRESS_FROM = 200  # feeds: an OPML import this long gets a progress bar


def setup_django() -> None:
    """Configure Django once, from the LIVENEWS_* environment."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livenews.settings")
    import django

    django.setup()


def migrate(verbose: bool = False) -> None:
    """Bring the database schema up to date."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)


def prepare_portal() -> None:
    """Migrate and, on a fresh database, subscribe to the starter sources."""
    from django.conf import settings

    from livenews.sources.actions import subscribe_starter_sources

    migrate()
    if settings.LIVENEWS["STARTER_SOURCES"]:
        added = subscribe_starter_sources()
        if added:
            click.echo(
                f"Subscribed to {added} starter sources "
                "(livenews/sources/starter.opml)."
            )


def background_tasks() -> list[Any]:
    """Return the loops that run beside ingestion (each takes a stop event)."""
    from livenews.newsroom.publishing import run_scheduler
    from livenews.syndication.websub import run_websub_publisher
    from livenews.webhooks.dispatcher import run_webhook_dispatcher

    return [run_scheduler, run_webhook_dispatcher, run_websub_publisher]


def run_server(host: str, port: int, ingest: bool) -> None:
    from livenews.edge.app import create_app
    from livenews.edge.server import build_server

    mode = "on" if ingest else "off"
    click.echo(f"livenews is serving on http://{host}:{port}/ (ingest {mode})")
    app = create_app(ingest=ingest, background=background_tasks() if ingest else ())
    build_server(app, host=host, port=port).run()


@click.group()
def main() -> None:
    """livenews: a self-hostable 24/7 live news portal."""
    setup_django()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the portal with web and ingest in one process (the embedded default)."""
    prepare_portal()
    run_server(host, port, ingest=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes sharing the port; each has its own hub and page cache.",
)
def web(host: str, port: int, workers: int) -> None:
    """Serve pages and live streams only; workers ingest."""
    migrate()
    if workers == 1:
        run_server(host, port, ingest=False)
        return
    import uvicorn

    from livenews.edge.server import HTTP_PROTOCOL

    click.echo(f"livenews is serving on http://{host}:{port}/ ({workers} processes)")
    uvicorn.run(
        "livenews.asgi:application",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=3,
        http=HTTP_PROTOCOL,
    )


@main.command()
def worker() -> None:
    """Poll due sources forever (run several beside `livenews web`)."""
    from livenews import pipeline

    migrate()
    click.echo("livenews worker: polling due sources (Ctrl-C stops)")
    stop = threading.Event()
    for task in background_tasks():
        threading.Thread(target=task, args=(stop,), daemon=True).start()
    try:
        pipeline.run_forever(stop)
    except KeyboardInterrupt:
        stop.set()


@main.command()
@click.option(
    "--once", is_flag=True, required=True, help="Poll every due source once, then exit."
)
def ingest(once: bool) -> None:
    """Poll every due source once; a failing source is recorded, not fatal."""
    from livenews import pipeline

    migrate()
    report = pipeline.ingest_once()
    click.echo(
        f"polled {report.sources} source(s), "
        f"stored {report.new_articles} new article(s), {len(report.failures)} failing"
    )
    for url, reason in report.failures.items():
        click.echo(f"  {url}: {reason}", err=True)


def _read_page(target: str) -> tuple[str, str]:
    """Return (html, url) of a web address or an HTML file."""
    import asyncio

    from livenews.core.urlnorm import is_http_url

    if is_http_url(target):
        from livenews.pipeline import fetch_limits
        from livenews.sources.fetcher import FetchRequest, fetch_all

        found = asyncio.run(fetch_all([FetchRequest(0, target)], fetch_limits()))[0]
        if found.error or found.status != 200:
            raise click.ClickException(
                f"{target}: {found.error or f'HTTP {found.status}'}"
            )
        charset = found.content_type.partition("charset=")[2].split(";")[0].strip()
        try:
            html = found.body.decode(charset or "utf-8", "replace")
        except LookupError:
            html = found.body.decode("utf-8", "replace")
        return html, found.final_url or target
    path = Path(target)
    if not path.is_file():
        raise click.ClickException(f"no such file or web address: {target}")
    return path.read_bytes().decode("utf-8", "replace"), ""


@main.command()
@click.argument("target", metavar="URL|FILE.html")
def extract(target: str) -> None:
    """Print what full-text extraction makes of one page, as JSON."""
    from livenews.articles.extract import extract_page

    html, url = _read_page(target)
    page = extract_page(html, url)
    click.echo(json.dumps(page.as_json(), indent=2, ensure_ascii=False))


@main.command("migrate")
def migrate_command() -> None:
    """Create or update the database schema."""
    migrate(verbose=True)


@main.group()
def sources() -> None:
    """Add, list, import and export sources."""


@sources.command("add")
@click.argument("url")
@click.option("--name", default="", help="Display name (default: the feed's title).")
@click.option("--section", default="", help="Section, e.g. world, business.")
def sources_add(url: str, name: str, section: str) -> None:
    """Subscribe to the feed at URL."""
    from livenews.sources.actions import SourceError, add_source

    migrate()
    try:
        source = add_source(url, name=name, section=section)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"added source #{source.pk}: {source.url}")


def _source_row(source: Any) -> dict[str, Any]:
    from livenews.sources.actions import effective_interval

    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": source.pk,
        "name": source.name,
        "url": source.url,
        "section": source.section,
        "health": source.health,
        "consecutive_failures": source.consecutive_failures,
        "last_success_at": iso(source.last_success_at),
        "last_error": source.last_error,
        "next_poll_at": iso(source.next_poll_at),
        "stalled": source.stalled,
        "items_per_day": (
            round(source.items_per_day, 2) if source.items_per_day is not None else None
        ),
        "median_fetch_ms": source.median_fetch_ms,
        "poll_every_seconds": effective_interval(source),
        "newest_item_at": iso(source.newest_item_at),
    }


def _rhythm(row: dict[str, Any]) -> str:
    """Return "12.0/day, 340 ms, every 30 min" for a source row."""
    parts = []
    if row["items_per_day"] is not None:
        parts.append(f"{row['items_per_day']:.1f}/day")
    if row["median_fetch_ms"] is not None:
        parts.append(f"{row['median_fetch_ms']} ms")
    every = int(row["poll_every_seconds"])
    parts.append(f"every {every // 60} min" if every >= 60 else f"every {every} s")
    return ", ".join(parts)


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
def sources_list(as_json: bool) -> None:
    """List sources with their health."""
    from livenews.sources.queries import list_sources

    migrate()
    rows = [_source_row(s) for s in list_sources()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        error = f"  — {row['last_error']}" if row["last_error"] else ""
        click.echo(
            f"#{row['id']:<4} {row['health']:<8} {row['name'] or row['url']}"
            f"  ({_rhythm(row)}){error}"
        )
    click.echo(f"{len(rows)} source(s)")


@sources.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def sources_import(path: Path) -> None:
    """Subscribe to every feed in an OPML file (folders become sections)."""
    from livenews.sources.actions import import_feeds
    from livenews.sources.opml import OpmlError, parse_opml

    if not path.is_file():
        raise click.ClickException(f"no such file: {path}")
    try:
        feeds = parse_opml(path.read_bytes())
    except OpmlError as exc:
        raise click.ClickException(f"{path}: {exc}") from exc
    migrate()
    added, known = import_feeds(feeds, on_progress=import_progress(len(feeds)))
    click.echo(f"imported {added} new source(s), {known} already subscribed")


def import_progress(total: int) -> Callable[[int, int], None] | None:
    """Return a callback drawing a progress bar on a terminal's stderr, or None.

    Only for long imports (``PROGRESS_FROM`` feeds or more) on a terminal.
    """
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    if total < PROGRESS_FROM or not console.is_terminal:
        return None
    progress = Progress(console=console, transient=True)
    task = progress.add_task("subscribing", total=total)
    progress.start()

    def advance(done: int, of: int) -> None:
        progress.update(task, completed=done, total=of)
        if done >= of:
            progress.stop()

    return advance


@sources.command("export")
def sources_export() -> None:
    """Write every source as OPML on stdout."""
    from livenews.sources.opml import OpmlFeed, render_opml
    from livenews.sources.queries import list_sources

    migrate()
    feeds = [OpmlFeed(s.url, s.name, s.site_url, s.section) for s in list_sources()]
    click.echo(render_opml(feeds))


@main.command()
@click.argument("name")
@click.option(
    "--role", type=click.Choice(["admin", "editor", "reporter"]), required=True
)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def createuser(name: str, role: str, password_stdin: bool) -> None:
    """Create a newsroom user with a role (asks for the password)."""
    from livenews.newsroom.actions import UserError, create_user

    migrate()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        create_user(name, role, password)
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    where = "/newsroom/ (and /admin/)" if role == "admin" else "/newsroom/"
    click.echo(f"created {role} {name!r}; sign in at {where}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--every", default=4.0, show_default=True, help="Seconds between sample articles."
)
def demo(host: str, port: int, every: float) -> None:
    """Serve the portal offline, fed by a local demo wire of sample articles."""
    from django.conf import settings

    from livenews.demo.wire import DemoWire
    from livenews.sources.actions import subscribe_demo_wire

    settings.LIVENEWS["ALLOW_PRIVATE_SOURCES"] = True
    settings.LIVENEWS["STARTER_SOURCES"] = False
    settings.LIVENEWS["INGEST_TICK"] = min(float(settings.LIVENEWS["INGEST_TICK"]), 2.0)
    migrate()
    wire = DemoWire(every=every)
    wire.start()
    count = subscribe_demo_wire(wire.feed_urls())
    click.echo(f"demo wire on {wire.base_url} publishing to {count} sample feed(s)")
    try:
        run_server(host, port, ingest=True)
    finally:
        wire.stop()


@main.group("eval")
def eval_group() -> None:
    """Measure the story clusterer on labelled data."""


@eval_group.command("clustering")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--threshold", type=float, help="Try another assignment threshold.")
@click.option(
    "--folds",
    is_flag=True,
    help="Score each topic fold in four arrival orders, and estimate unseen data.",
)
def eval_clustering(path: Path, threshold: float | None, folds: bool) -> None:
    """Score dedupe + story assignment on JSON lines {"id","title","text","cluster"}."""
    from livenews.stories.evaluation import (
        EvalError,
        evaluate,
        evaluate_folds,
        read_rows,
    )

    if not path.is_file():
        raise click.ClickException(f"no such file: {path}")
    try:
        with path.open(encoding="utf-8") as lines:
            rows = list(read_rows(lines))
    except (EvalError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: {exc}") from exc
    if folds:
        click.echo(json.dumps(evaluate_folds(rows, threshold=threshold), indent=2))
        return
    click.echo(json.dumps(evaluate(rows, threshold), indent=2))


@eval_group.command("throughput")
@click.option("--stories", default=50_000, show_default=True, help="Open stories.")
@click.option("--articles", default=5_000, show_default=True)
def eval_throughput(stories: int, articles: int) -> None:
    """Time story assignment on a synthetic stream with many open stories."""
    from livenews.stories.evaluation import throughput

    click.echo(json.dumps(throughput(stories, articles), indent=2))
