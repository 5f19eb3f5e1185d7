"""Mark a response with the keys of the objects it shows, for the edge's page cache.

The edge (livenews/edge/cachedpages.py) caches only responses marked here and
drops them when an event with one of these keys as a channel arrives.
"""

from __future__ import annotations

from django.http import HttpResponse

HEADER = "X-Livenews-Cache-Keys"


def mark_cacheable(response: HttpResponse, *keys: str) -> HttpResponse:
    """Return ``response`` marked as cacheable under ``keys`` (unmarked if none)."""
    if keys:
        response[HEADER] = " ".join(sorted(set(keys)))
    return response
