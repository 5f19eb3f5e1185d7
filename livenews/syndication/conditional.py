"""Validators and 304s for machine-read answers (feeds, sitemaps, API GETs).

The ETag is a hash of the body, so it changes exactly when the bytes do and
needs no bookkeeping; ``Last-Modified`` is the newest change the answer shows,
given by the view. A request whose ``If-None-Match`` names the ETag (or, without
one, whose ``If-Modified-Since`` is not older than ``Last-Modified``) gets a
304 with the same validators and no body.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

from livenews.core.cachekeys import HEADER

# What a 304 repeats from the 200 it stands for (RFC 9110 15.4.5).
KEPT_ON_304 = (
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Vary",
    HEADER,
)


def body_etag(body: bytes) -> str:
    """Return a strong ETag for ``body``."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags


def is_not_modified(request: HttpRequest, etag: str, last_modified: str) -> bool:
    """Return True when the request's validators say it has this answer already."""
    if_none_match = request.headers.get("If-None-Match", "")
    if if_none_match:
        return _etag_matches(if_none_match, etag)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    modified = parse_http_date_safe(last_modified) if last_modified else None
    return since is not None and modified is not None and modified <= since


def finish(
    request: HttpRequest,
    response: HttpResponse,
    last_modified: datetime | None,
    max_age: int,
) -> HttpResponse:
    """Add ETag, Last-Modified and Cache-Control to a 200; answer 304 when fresh."""
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return response
    if not response.has_header("ETag"):
        response["ETag"] = body_etag(response.content)
    if last_modified is not None and not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(last_modified.timestamp())
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = f"public, max-age={max_age}"
    if not is_not_modified(
        request, response["ETag"], response.get("Last-Modified", "")
    ):
        return response
    not_modified = HttpResponseNotModified()
    for name in KEPT_ON_304:
        if response.has_header(name):
            not_modified[name] = response[name]
    return not_modified
