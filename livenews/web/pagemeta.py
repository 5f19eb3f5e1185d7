"""What a page says about itself: title, description, image, canonical URL and
breadcrumbs, for the ``<head>`` (OpenGraph, Twitter card, JSON-LD) and the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

from livenews.web.jsonld import breadcrumb_list, json_ld


def absolute_url(request: HttpRequest, path: str) -> str:
    """Return ``path`` on the public site (``LIVENEWS_SITE_URL`` when set)."""
    base = str(settings.LIVENEWS["SITE_URL"]).strip().rstrip("/")
    return base + path if base else request.build_absolute_uri(path)


def http_only(url: str) -> str:
    """Return ``url`` when it is http(s), else ""."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def is_invalid_host(url: str) -> bool:
    """Return True for an address under ``.invalid``, which never resolves
    (RFC 6761): the newsroom's own source, whose articles are written here."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return host == "invalid" or host.endswith(".invalid")


@dataclass
class PageMeta:
    """The page's own description; ``trail`` is (name, path) from the front page."""

    title: str
    description: str = ""
    image: str = ""
    kind: str = "website"  # og:type: website or article
    trail: list[tuple[str, str]] = field(default_factory=list)
    published: str = ""  # ISO 8601, for article:published_time
    modified: str = ""

    def __post_init__(self) -> None:
        self.image = http_only(self.image.strip())
        self.description = " ".join(self.description.split())[:300]


def page_context(request: HttpRequest, meta: PageMeta) -> dict[str, object]:
    """Return the template context that puts ``meta`` in the page."""
    trail = [(name, absolute_url(request, path)) for name, path in meta.trail]
    return {
        "meta": meta,
        "breadcrumbs": meta.trail,
        "breadcrumb_data": json_ld(breadcrumb_list(trail)) if trail else "",
    }
