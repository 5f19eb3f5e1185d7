"""fetch → parse → normalize → store → place in stories (with events): the one chain.

``ingest_once`` polls every due source once, in two steps:

1. **store**: each feed's new entries are written in one transaction (one
   query for the guids already known, one bulk insert), marked as awaiting
   their story. Nothing is announced yet.
2. **place**: the waiting articles, in the order they were stored, are
   claimed, placed in stories and announced (``article.added`` and one event
   per touched story) a chunk of up to 100 per transaction
   (``stories.actions.place_waiting_articles``).

A crash between or inside the steps loses nothing and announces nothing
twice: stored articles wait, and the next pass of any worker places them.
Editors' articles (``store_entry``) and WebSub pushes are placed at once. A
failing source is recorded on the source with a reason a person understands;
the pass goes on with the others.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.conf import settings
from django.db import (
    DatabaseError,
    IntegrityError,
    close_old_connections,
    transaction,
)

from livenews.articles import actions as article_actions
from livenews.articles.extract import extract_page, text_as_html
from livenews.articles.language import agreed_language
from livenews.articles.models import Article
from livenews.articles.normalize import digest, normalize_entry
from livenews.articles.sections import section_for
from livenews.core import metrics
from livenews.core.html import html_to_text
from livenews.core.timeutil import now
from livenews.search import index as search_index
from livenews.sources import actions as source_actions
from livenews.sources import websub
from livenews.sources.discovery import COMMON_PATHS, feed_candidates
from livenews.sources.fetcher import FetchLimits, FetchRequest, FetchResult, fetch_all
from livenews.sources.models import Source
from livenews.sources.parsers import (
    NotAFeed,
    PageNotFeed,
    ParsedEntry,
    ParsedFeed,
    parse_feed,
)
from livenews.stories.actions import place_article
from livenews.stories.actions import place_waiting_articles as place_articles_in_stories

log = logging.getLogger(__name__)

# Waiting articles read per query by the place step (each placed on its own).
PLACE_BATCH = 200


@dataclass
class IngestReport:
    sources: int = 0
    new_articles: int = 0
    placed: int = 0
    # Seconds from the start of the pass to the end of its store step.
    stored_after_s: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)


def fetch_limits() -> FetchLimits:
    conf = settings.LIVENEWS
    return FetchLimits(
        timeout=float(conf["FETCH_TIMEOUT"]),
        max_bytes=int(conf["MAX_BODY_BYTES"]),
        concurrency=int(conf["FETCH_CONCURRENCY"]),
        allow_private=bool(conf["ALLOW_PRIVATE_SOURCES"]),
        host_concurrency=int(conf["HOST_CONCURRENCY"]),
        host_min_gap=float(conf["HOST_MIN_GAP"]),
    )


# Who holds a lease: host and pid say where to look, the random part keeps a
# restarted process with a recycled pid from reclaiming a dead one's leases.
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def ingest_once(limit: int | None = None, owner: str = "") -> IngestReport:
    """Lease the due sources, fetch each once and store what is new."""
    close_old_connections()
    started = time.perf_counter()
    conf = settings.LIVENEWS
    report = IngestReport()
    sources = source_actions.lease_due_sources(
        owner or WORKER_ID,
        now(),
        int(conf["LEASE_BATCH"]) if limit is None else limit,
        float(conf["LEASE_SECONDS"]),
    )
    if not sources:
        report.placed = place_waiting_articles()  # a dead worker's leftovers
        return report
    requests = [FetchRequest(s.pk, s.url, s.etag, s.last_modified) for s in sources]
    results = asyncio.run(fetch_all(requests, fetch_limits()))
    for source, result in zip(sources, results, strict=True):
        report.sources += 1
        try:
            report.new_articles += store_fetch_result(source, result)
        except Exception as exc:  # one source's surprise never stops the pass
            log.exception("storing a fetch failed", extra={"source": source.url})
            source_actions.record_failure(source, f"internal error: {exc}"[:500])
        if source.consecutive_failures:
            report.failures[source.url] = source.last_error
    report.stored_after_s = time.perf_counter() - started
    report.placed = place_waiting_articles()
    metrics.INGEST_PASSES.inc()
    return report


def place_waiting_articles(
    batch: int = PLACE_BATCH, budget_s: float | None = None
) -> int:
    """Place the articles awaiting their story, oldest first; return how many.

    All of them, or as many batches as start within ``budget_s`` seconds.
    """
    placed, after = 0, 0
    started = time.perf_counter()
    while budget_s is None or time.perf_counter() - started < budget_s:
        waiting = list(
            Article.objects.filter(awaits_story=True, pk__gt=after)
            .select_related("source")
            .order_by("id")[:batch]
        )
        if not waiting:
            return placed
        after = waiting[-1].pk
        placed += place_stored_articles(waiting)
    return placed


def place_stored_articles(articles: list[Article]) -> int:
    """Index, place and announce these waiting articles; return how many."""
    if not articles:
        return 0
    index_for_search([a.pk for a in articles])
    started = time.perf_counter()
    placed = place_articles_in_stories(articles, observe_announced)
    if placed:
        metrics.PLACE_SECONDS.observe((time.perf_counter() - started) / placed)
    return placed


def store_fetch_result(source: Source, result: FetchResult) -> int:
    """Record one fetch on its source and store its new entries; return how many."""
    metrics.FETCH_SECONDS.observe(result.seconds)
    if result.error:
        metrics.FETCHES.labels("error").inc()
        source_actions.record_failure(
            source, result.error, result.status, result.retry_after, result
        )
        log.warning("fetch failed", extra={"source": source.url, "error": result.error})
        return 0
    if result.status == 304:
        metrics.FETCHES.labels("not_modified").inc()
        source_actions.record_fetch(source, result, 0)
        return 0
    cap = int(settings.LIVENEWS["MAX_ENTRIES_PER_FETCH"])
    try:
        with metrics.PARSE_SECONDS.time():
            feed = parse_feed(
                result.body, result.content_type, result.final_url, max_entries=cap
            )
    except PageNotFeed as exc:
        metrics.FETCHES.labels("not_a_feed").inc()
        if source.last_success_at is None:  # just added: find the page's feed
            feed_url = discover_feed(result)
            if feed_url:
                source_actions.move_to_discovered_feed(source, feed_url)
                return 0
            exc = PageNotFeed(
                f"{exc}, and no feed was found from it (no <link rel=alternate>, "
                f"nothing at {', '.join(COMMON_PATHS)})"
            )
        source_actions.record_failure(source, str(exc), result.status, result=result)
        return 0
    except NotAFeed as exc:
        metrics.FETCHES.labels("not_a_feed").inc()
        source_actions.record_failure(source, str(exc), result.status, result=result)
        return 0
    metrics.FETCHES.labels("ok").inc()
    source_actions.adopt_feed_title(source, feed.title, feed.site_url)
    if websub.should_subscribe(source, feed.hub_url):
        problem = websub.subscribe(source, feed.hub_url, feed.self_url)
        if problem:
            log.warning("websub", extra={"source": source.url, "error": problem})
    stored, published = store_entries(source, feed)
    new = len(stored)
    source_actions.record_fetch(source, result, new, published)
    if new:
        log.info("stored articles", extra={"source": source.url, "new": new})
    return new


def store_entries(
    source: Source, feed: ParsedFeed
) -> tuple[list[Article], list[datetime]]:
    """Store a feed's new entries; return them, and every entry's publication time."""
    started = time.perf_counter()
    cap = int(settings.LIVENEWS["MAX_ENTRIES_PER_FETCH"])
    fetched_at = now()
    entries = oldest_first(feed.entries[:cap])
    if source.fetch_full_text:
        entries = with_full_text(source, entries)
    items = []
    sections: dict[tuple[str, ...], str] = {}  # a feed repeats its categories
    language, detected = feed.language, []
    for entry in entries:
        item = normalize_entry(entry, fetched_at, language)
        if item is None:
            continue
        if not language:
            detected.append(item.language)
            language = agreed_language(detected)
        if entry.categories not in sections:
            sections[entry.categories] = section_for(entry.categories, source.section)
        items.append((item, sections[entry.categories]))
    stored = article_actions.store_new_articles(source, items, fetched_at)
    metrics.STORE_SECONDS.observe(time.perf_counter() - started)
    metrics.ARTICLES_STORED.inc(len(stored))
    freshness = metrics.ARTICLE_FRESHNESS
    for article in stored:
        waited = (article.fetched_at - article.published_at).total_seconds()
        freshness.labels("published_to_fetched").observe(max(0.0, waited))
        waited = (article.stored_at - article.fetched_at).total_seconds()
        freshness.labels("fetched_to_stored").observe(max(0.0, waited))
    return stored, [e.published for e in entries if e.published]


def observe_announced(article: Article) -> None:
    """Record how long ``article`` waited between stored and announced."""
    waited = (now() - article.stored_at).total_seconds()
    metrics.ARTICLE_FRESHNESS.labels("stored_to_announced").observe(max(0.0, waited))


def index_for_search(ids: list[int]) -> None:
    """Index bulk-stored articles in one go, before they are placed and announced.

    (Placing saves each article, and the search's ``post_save`` would index them
    one by one.) A failure leaves them queued for the search's catch-up.
    """
    try:
        search_index.index_articles(ids)
    except DatabaseError:
        log.exception("indexing stored articles failed; they stay queued")


def is_thin(entry: ParsedEntry, minimum: int) -> bool:
    """Return True when an entry's own text is shorter than ``minimum`` words."""
    body = entry.content_html or entry.summary_html
    return len(html_to_text(body).split()) < minimum


def with_full_text(source: Source, entries: list[ParsedEntry]) -> list[ParsedEntry]:
    """Give new summary-only entries the body of their article page.

    Pages are fetched like feeds (limits, SSRF guard, host politeness) and read
    by trafilatura; where that fails, the entry keeps the feed's own data.
    """
    minimum = int(settings.LIVENEWS["FULL_TEXT_MIN_WORDS"])
    thin = [
        n
        for n, e in enumerate(entries)
        if e.url.startswith(("http://", "https://"))
        and is_thin(e, minimum)
        and not article_actions.is_known(source, digest(e.guid or e.url))
    ]
    if not thin:
        return entries
    requests = [FetchRequest(source.pk, entries[n].url) for n in thin]
    pages = asyncio.run(fetch_all(requests, fetch_limits()))
    enriched = list(entries)
    for n, page in zip(thin, pages, strict=True):
        if page.status != 200 or page.error:
            continue
        found = extract_page(page.body.decode("utf-8", "replace"), page.final_url)
        if not found.body_text:
            continue
        entry = entries[n]
        enriched[n] = replace(
            entry,
            content_html=text_as_html(found.body_text),
            authors=entry.authors or found.authors,
            image_url=entry.image_url or found.lead_image,
        )
    return enriched


def ingest_pushed(source: Source, body: bytes, content_type: str) -> int:
    """Store the entries a WebSub hub pushed for ``source``; return how many are new.

    Raises NotAFeed when the body is not a feed.
    """
    cap = int(settings.LIVENEWS["MAX_ENTRIES_PER_FETCH"])
    feed = parse_feed(body, content_type, source.url, max_entries=cap)
    stored, _ = store_entries(source, feed)
    # Its own articles only, at once: a polling backlog must not delay a push.
    place_stored_articles(stored)
    new = len(stored)
    if new:
        source.last_new_item_at = now()
        source.save(update_fields=["last_new_item_at"])
        log.info("stored pushed articles", extra={"source": source.url, "new": new})
    return new


def discover_feed(page: FetchResult) -> str:
    """Return the URL of the feed a fetched web page leads to, or ""."""
    html = page.body.decode("utf-8", "replace")
    candidates = feed_candidates(html, page.final_url or page.url)
    requests = [FetchRequest(page.source_id, url) for url in candidates]
    results = asyncio.run(fetch_all(requests, fetch_limits()))
    for found in results:
        if found.status != 200 or found.error:
            continue
        try:
            feed = parse_feed(found.body, found.content_type, found.final_url, 1)
        except NotAFeed:
            continue
        if feed.entries or feed.title:
            return found.final_url or found.url
    return ""


def oldest_first(entries: list[ParsedEntry]) -> list[ParsedEntry]:
    """Return entries in publication order (feeds list newest first), undated last.

    Stories then grow in the order events happened, and the earliest report of
    an event is the one that starts its story.
    """
    dated = sorted((e for e in entries if e.published), key=lambda e: e.published or 0)
    return dated + [e for e in reversed(entries) if not e.published]


def store_entry(source: Source, entry: ParsedEntry, fetched_at: datetime) -> bool:
    """Store one entry with its story and events in one transaction; True if new."""
    item = normalize_entry(entry, fetched_at)
    if item is None or article_actions.is_known(source, item.guid_hash):
        return False
    try:
        with transaction.atomic():
            section = section_for(entry.categories, source.section)
            article = article_actions.create_article(source, item, fetched_at, section)
            place_article(article)
    except IntegrityError:
        return False  # another worker stored it first
    metrics.ARTICLES_STORED.inc()
    return True


def run_forever(stop: threading.Event, tick: float | None = None) -> None:
    """Ingest due sources until ``stop`` is set, pausing ``tick`` s between passes."""
    pause = float(settings.LIVENEWS["INGEST_TICK"]) if tick is None else tick
    while not stop.is_set():
        try:
            ingest_once()
            if settings.LIVENEWS["WEBSUB_CALLBACK_URL"]:
                websub.renew_due_subscriptions()
        except Exception:
            log.exception("ingest pass failed; the next pass retries")
        stop.wait(pause)
