"""Write sources: add, import, and record what each fetch found."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from importlib.resources import files
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from livenews.core.timeutil import now
from livenews.core.urlnorm import is_http_url
from livenews.sources import schedule
from livenews.sources.fetcher import FetchResult
from livenews.sources.models import Source
from livenews.sources.opml import OpmlFeed, parse_opml
from livenews.sources.websub import is_pushed


class SourceError(ValueError):
    """A source cannot be added; the message says why."""


def add_source(
    url: str,
    name: str = "",
    section: str = "",
    site_url: str = "",
    is_sample: bool = False,
) -> Source:
    """Subscribe to the feed at ``url``; raise SourceError when it is not usable."""
    url = url.strip()
    if not is_http_url(url):
        raise SourceError(f"not a web address: {url!r} (expected http:// or https://…)")
    if len(url) > 2000:
        raise SourceError("the address is longer than 2,000 characters")
    try:
        with transaction.atomic():
            return Source.objects.create(
                url=url,
                name=name.strip()[:200],
                section=section.strip().lower()[:40],
                site_url=site_url if is_http_url(site_url) else "",
                is_sample=is_sample,
            )
    except IntegrityError as exc:
        raise SourceError(f"already subscribed: {url}") from exc


IMPORT_CHUNK = 500


def import_feeds(
    feeds: list[OpmlFeed],
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Subscribe to each feed not yet known; return (added, already known).

    Feeds are written ``IMPORT_CHUNK`` at a time; ``on_progress(done, total)``
    hears after each chunk (the console shows a progress bar with it).
    """
    unique = list({f.url: f for f in feeds}.values())
    added = 0
    for start in range(0, len(unique), IMPORT_CHUNK):
        chunk = unique[start : start + IMPORT_CHUNK]
        known = set(
            Source.objects.filter(url__in=[f.url for f in chunk]).values_list(
                "url", flat=True
            )
        )
        fresh = [f for f in chunk if f.url not in known]
        Source.objects.bulk_create(
            [
                Source(
                    url=f.url,
                    name=f.name[:200],
                    site_url=f.site_url,
                    section=f.section.lower()[:40],
                )
                for f in fresh
            ],
            ignore_conflicts=True,
        )
        added += len(fresh)
        if on_progress is not None:
            on_progress(start + len(chunk), len(unique))
    return added, len(feeds) - added


def subscribe_starter_sources() -> int:
    """Subscribe to the shipped starter list when no source exists yet."""
    if Source.objects.exists():
        return 0
    text = files("livenews.sources").joinpath("starter.opml").read_bytes()
    added, _ = import_feeds(parse_opml(text))
    return added


def default_interval() -> int:
    interval: int = settings.LIVENEWS["POLL_INTERVAL"]
    return interval


def effective_interval(source: Source) -> int:
    """Return the seconds between polls: the editor's, else the learned, else the
    default; a source a WebSub hub pushes is polled rarely, as a safety net."""
    seconds = source.poll_interval or source.learned_interval or default_interval()
    if is_pushed(source, now()):
        seconds = max(seconds, int(settings.LIVENEWS["WEBSUB_POLL_INTERVAL"]))
    return seconds


def _save_health(source: Source) -> None:
    """Save what a fetch changed, leaving the WebSub fields to websub.py (a hub
    may confirm a subscription while the fetch is being recorded)."""
    source.save(
        update_fields=[
            f.name
            for f in Source._meta.concrete_fields
            if not f.primary_key and not f.name.startswith("websub_")
        ]
    )


def lease_due_sources(
    owner: str, moment: datetime, limit: int, seconds: float
) -> list[Source]:
    """Lease up to ``limit`` due sources to ``owner`` for ``seconds``; return them.

    A source is due when its next poll has come and nobody holds a live lease on
    it. On PostgreSQL the rows are locked with SKIP LOCKED, so workers leasing at
    the same moment take different sources without waiting on each other; on
    SQLite the IMMEDIATE transaction lets one writer lease at a time, which gives
    the same result. Recording the fetch clears the lease; a worker that dies
    leaves its leases to expire.
    """
    with transaction.atomic():
        due = (
            Source.objects.select_for_update(skip_locked=True)
            .filter(paused=False)
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=moment))
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=moment))
            .order_by(F("next_poll_at").asc(nulls_first=True), "id")
        )
        ids = list(due.values_list("id", flat=True)[:limit])
        Source.objects.filter(id__in=ids).update(
            lease_owner=owner[:100], lease_until=moment + timedelta(seconds=seconds)
        )
    sources = Source.objects.filter(id__in=ids, lease_owner=owner[:100])
    return list(sources.order_by(F("next_poll_at").asc(nulls_first=True), "id"))


def _note_fetch_time(source: Source, result: FetchResult) -> None:
    recent = [int(ms) for ms in source.recent_fetch_ms or [] if isinstance(ms, int)]
    source.recent_fetch_ms = [*recent, round(result.seconds * 1000)][-20:]
    source.median_fetch_ms = int(statistics.median(source.recent_fetch_ms))


def _learn_rhythm(
    source: Source, published: Sequence[datetime], moment: datetime
) -> None:
    conf = settings.LIVENEWS
    if published:
        gap = schedule.usual_gap(published)
        if gap is not None:
            source.items_per_day = 86400.0 / gap
            source.learned_interval = schedule.adaptive_interval(
                published,
                default_interval(),
                int(conf["MIN_POLL_INTERVAL"]),
                int(conf["MAX_POLL_INTERVAL"]),
            )
        newest = max(published)
        if source.newest_item_at is None or newest > source.newest_item_at:
            source.newest_item_at = newest
    gap_seconds = 86400.0 / source.items_per_day if source.items_per_day else None
    source.stalled = schedule.is_stalled(gap_seconds, source.newest_item_at, moment)


def record_fetch(
    source: Source,
    result: FetchResult,
    new_items: int,
    published: Sequence[datetime] = (),
) -> None:
    """Store what a successful fetch found and schedule the next one.

    ``published`` holds the publication times of the feed's dated entries: its
    rhythm sets the adaptive interval and the stalled flag.
    """
    moment = now()
    source.last_fetched_at = moment
    source.last_success_at = moment
    source.last_status = result.status
    source.consecutive_failures = 0
    source.last_error = ""
    if result.status == 200:
        source.etag = result.etag[:500]
        source.last_modified = result.last_modified[:100]
    if (
        result.moved_permanently
        and is_http_url(result.final_url)
        and (
            not Source.objects.filter(url=result.final_url)
            .exclude(pk=source.pk)
            .exists()
        )
    ):
        source.url = result.final_url
    if new_items:
        source.last_new_item_at = moment
    _note_fetch_time(source, result)
    _learn_rhythm(source, [p for p in published if p <= moment], moment)
    source.next_poll_at = schedule.next_poll_at(moment, effective_interval(source))
    source.lease_owner, source.lease_until = "", None
    _save_health(source)


def record_failure(
    source: Source,
    message: str,
    status: int | None = None,
    retry_after: int | None = None,
    result: FetchResult | None = None,
) -> None:
    """Mark the source failing with ``message`` and back off; never disable it.

    A server's Retry-After delays this source, honoured up to
    LIVENEWS_RETRY_AFTER_MAX, and the whole host when several of its sources
    were refused lately (``schedule.is_host_refusing``).
    """
    conf = settings.LIVENEWS
    moment = now()
    source.last_fetched_at = moment
    source.last_status = status
    source.last_error = message[:2000]
    source.last_error_at = moment
    source.consecutive_failures += 1
    if result is not None:
        _note_fetch_time(source, result)
    if retry_after is not None:
        retry_after = min(retry_after, int(conf["RETRY_AFTER_MAX"]))
    source.next_poll_at = schedule.next_poll_at(
        moment,
        effective_interval(source),
        source.consecutive_failures,
        retry_after=retry_after,
        max_backoff=int(conf["MAX_BACKOFF"]),
    )
    source.lease_owner, source.lease_until = "", None
    _save_health(source)
    if status in (429, 503) and retry_after is not None:
        delay_refusing_host(source, moment, retry_after)


def delay_refusing_host(source: Source, moment: datetime, retry_after: int) -> int:
    """Delay every source of ``source``'s host when the host refuses them all.

    Return how many sources were delayed (0 when the host is not refusing).
    """
    parts = urlsplit(source.url)
    same_host = Source.objects.filter(
        url__startswith=f"{parts.scheme}://{parts.netloc}/"
    )
    refused = same_host.filter(
        last_status__in=(429, 503),
        last_error_at__gte=moment - schedule.HOST_REFUSAL_WINDOW,
    ).count()
    if not schedule.is_host_refusing(refused):
        return 0
    until = moment + timedelta(seconds=retry_after)
    sooner = Q(next_poll_at__isnull=True) | Q(next_poll_at__lt=until)
    return same_host.filter(sooner).update(next_poll_at=until)


def move_to_discovered_feed(source: Source, feed_url: str) -> bool:
    """Point a source added as a page at the feed found on it; poll it at once.

    Return False (and record why) when another source already has that feed.
    """
    other = Source.objects.filter(url=feed_url).exclude(pk=source.pk).first()
    if other is not None:
        record_failure(
            source, f"the feed of this page ({feed_url}) is already source #{other.pk}"
        )
        return False
    moment = now()
    if not source.site_url and is_http_url(source.url):
        source.site_url = source.url
    source.url = feed_url[:2000]
    source.last_fetched_at = moment
    source.last_error = ""
    source.next_poll_at = moment
    source.lease_owner, source.lease_until = "", None
    _save_health(source)
    return True


def adopt_feed_title(source: Source, title: str, site_url: str) -> None:
    """Name an unnamed source after its feed's own title."""
    changed = False
    if not source.name and title:
        source.name = title[:200]
        changed = True
    if not source.site_url and is_http_url(site_url):
        source.site_url = site_url[:2000]
        changed = True
    if changed:
        source.save(update_fields=["name", "site_url"])


def subscribe_demo_wire(feeds: list[tuple[str, str, str]], interval: int = 3) -> int:
    """Subscribe to the demo wire's sample feeds; pause samples of earlier runs."""
    urls = [url for url, _, _ in feeds]
    Source.objects.filter(is_sample=True).exclude(url__in=urls).update(paused=True)
    for url, name, section in feeds:
        Source.objects.update_or_create(
            url=url,
            defaults={
                "name": name,
                "section": section,
                "is_sample": True,
                "poll_interval": interval,
                "paused": False,
                "next_poll_at": None,
            },
        )
    return len(feeds)
