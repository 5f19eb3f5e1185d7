"""Prometheus metrics of this process, served at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

FETCHES = Counter("livenews_fetches_total", "Feed fetches by outcome.", ["outcome"])
FETCH_SECONDS = Histogram(
    "livenews_fetch_seconds",
    "Time to fetch one feed.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
ARTICLES_STORED = Counter("livenews_articles_stored_total", "New articles stored.")
INGEST_PASSES = Counter(
    "livenews_ingest_passes_total", "Ingest passes over due sources."
)
SSE_CLIENTS = Gauge("livenews_sse_clients", "Open /live/stream connections.")
SSE_DROPPED = Counter(
    "livenews_sse_dropped_total", "Streams closed because the client fell behind."
)
EVENTS_FANNED_OUT = Counter(
    "livenews_events_fanned_out_total", "Outbox events the hub delivered to clients."
)

# Ingestion stages (pipeline.py) and the freshness of each article.
PARSE_SECONDS = Histogram(
    "livenews_parse_seconds",
    "Time to parse one fetched feed.",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)
STORE_SECONDS = Histogram(
    "livenews_store_seconds",
    "Time to normalize and store one feed's new entries (one transaction).",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)
PLACE_SECONDS = Histogram(
    "livenews_place_seconds",
    "Time to place one article in its story and announce it (one transaction).",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
ARTICLE_FRESHNESS = Histogram(
    "livenews_article_freshness_seconds",
    "Delay of each new article between two steps: published_to_fetched (the "
    "outlet's date to our fetch), fetched_to_stored, stored_to_announced (its "
    "article.added event committed).",
    ["step"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 900, 3600, 21600),
)
