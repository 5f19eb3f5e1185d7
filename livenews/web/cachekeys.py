"""Mark a response with the keys of the objects it shows, for the page cache.

The edge caches only responses marked here, and drops them when an event with
one of these keys as a channel arrives. Every page shows the breaking alert,
so every page carries ``alerts``.
"""

from __future__ import annotations

from django.http import HttpResponse

HEADER = "X-Livenews-Cache-Keys"


def cache_with(response: HttpResponse, *keys: str) -> HttpResponse:
    """Return ``response`` marked as cacheable under ``keys`` (plus ``alerts``)."""
    response[HEADER] = " ".join(sorted({*keys, "alerts"}))
    return response
