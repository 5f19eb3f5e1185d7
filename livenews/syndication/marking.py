"""Mark machine-read answers with the keys of what they show, for the edge cache.

The same header as ``livenews.web.cachekeys`` (which this layer may not
import): the edge caches a marked answer and drops it when an event arrives on
one of its keys. Feeds and sitemaps show no alert banner, so unlike pages they
are not marked ``alerts``.
"""

from __future__ import annotations

from django.http import HttpResponse

HEADER = "X-Livenews-Cache-Keys"


def mark_cacheable(response: HttpResponse, *keys: str) -> HttpResponse:
    """Return ``response`` marked as cacheable under ``keys``."""
    if keys:
        response[HEADER] = " ".join(sorted(set(keys)))
    return response
