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
