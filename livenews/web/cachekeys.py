"""Mark a page with the keys of the objects it shows, for the page cache.

Every page shows the breaking alert, so every page also carries ``alerts``.
"""

from __future__ import annotations

from django.http import HttpResponse

from livenews.core.cachekeys import mark_cacheable


def cache_with(response: HttpResponse, *keys: str) -> HttpResponse:
    """Return ``response`` marked as cacheable under ``keys`` plus ``alerts``."""
    return mark_cacheable(response, *keys, "alerts")
