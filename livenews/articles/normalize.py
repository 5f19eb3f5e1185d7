"""Turn a parsed feed entry into a clean article: safe HTML, text, UTC dates.

Pure: plain data in and out. Titles and names become plain text; bodies keep
an allow-listed subset of HTML; links must be http(s); a missing date takes the
fetch time and a date more than ``FUTURE_SLACK`` ahead is clamped to it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from livenews.articles.language import detect_language, primary_subtag
from livenews.core.html import html_to_text, plain_line, sanitize_html
from livenews.core.urlnorm import canonical_url, is_http_url
from livenews.sources.parsers import ParsedEntry

FUTURE_SLACK = timedelta(minutes=10)
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)  # before any feed existed
MAX_TITLE = 1000
MAX_BODY = 500_000


@dataclass(frozen=True)
class NormalizedArticle:
    guid: str
    guid_hash: str
    url: str
    canonical_url: str
    title: str
    summary: str
    body_html: str
    body_text: str
    authors: tuple[str, ...]
    lead_image_url: str
    published_at: datetime
    date_note: str
    content_hash: str
    language: str = ""  # ISO 639-1, declared by the feed or detected; "" unsure


def _published(entry: ParsedEntry, fetched_at: datetime) -> tuple[datetime, str]:
    when = entry.published or entry.updated
    if when is None:
        return fetched_at, "no date in the feed: fetch time used"
    if when > fetched_at + FUTURE_SLACK:
        return fetched_at, f"date in the future ({when.isoformat()}): clamped"
    if when < EARLIEST:
        return fetched_at, f"implausible date ({when.isoformat()}): fetch time used"
    return when, ""


def digest(text: str) -> str:
    """Return the sha256 hex digest of ``text``."""
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def normalize_entry(
    entry: ParsedEntry, fetched_at: datetime, feed_language: str = ""
) -> NormalizedArticle | None:
    """Return the cleaned article, or None when the entry has neither title nor text.

    The language is the feed's declared one, else detected from the title and
    the start of the text (``language.py``).
    """
    body_source = entry.content_html or entry.summary_html
    body_html = sanitize_html(body_source[:MAX_BODY])
    # Text from the source, not body_html: the sanitizer unwraps blocks it does
    # not allow (h1…), which would glue their words to the next ones.
    body_text = html_to_text(body_source[:MAX_BODY])
    # Most feeds carry one text: then the summary is the body's (same result).
    summary_text = (
        body_text
        if entry.summary_html is body_source
        else html_to_text(entry.summary_html[:MAX_BODY])
    )
    summary = summary_text[:1000]
    title = plain_line(entry.title)[:MAX_TITLE] or body_text[:120].replace("\n", " ")
    if not title:
        return None
    url = entry.url if is_http_url(entry.url) else ""
    guid = entry.guid or url or title
    published_at, note = _published(entry, fetched_at)
    return NormalizedArticle(
        guid=guid,
        guid_hash=digest(guid),
        url=url,
        canonical_url=canonical_url(url) if url else "",
        title=title,
        summary=summary,
        body_html=body_html,
        body_text=body_text,
        authors=tuple(n[:200] for n in map(plain_line, entry.authors) if n),
        lead_image_url=entry.image_url if is_http_url(entry.image_url) else "",
        published_at=published_at,
        date_note=note,
        content_hash=digest(title + "\n" + body_text),
        language=primary_subtag(feed_language)
        or detect_language(title + "\n" + body_text),
    )
