"""Fetch many feeds at once over HTTP, with caps on time and size.

Network I/O only: takes plain requests, returns plain results with an error
message a person understands; never raises for a bad source.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from livenews.sources.decompress import BoundedDecoder, DecodeError, accepted_encodings
from livenews.sources.urlcheck import BlockedAddress, check_host_is_public

USER_AGENT = (
    "livenews/0.1 (feed fetcher of a self-hosted news portal; "
    "+https://github.com/livenews/livenews)"
)
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


@dataclass(frozen=True)
class FetchRequest:
    source_id: int
    url: str
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class FetchResult:
    source_id: int
    url: str
    status: int | None = None
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    final_url: str = ""
    moved_permanently: bool = False
    error: str = ""
    seconds: float = 0.0
    # Seconds the server asked us to wait (429/503 with Retry-After), uncapped.
    retry_after: int | None = None

    @property
    def ok(self) -> bool:
        return not self.error and self.status in (200, 304)


@dataclass(frozen=True)
class FetchLimits:
    timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    concurrency: int = 20
    allow_private: bool = False
    host_concurrency: int = 2
    host_min_gap: float = 0.0


class TooLarge(Exception):
    pass


def _describe(exc: BaseException, limits: FetchLimits) -> str:
    if isinstance(exc, BlockedAddress):
        return str(exc)
    if isinstance(exc, TooLarge):
        return f"response larger than {limits.max_bytes // (1024 * 1024)} MB: stopped"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {limits.timeout:g} s"
    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects (a redirect loop?)"
    if isinstance(exc, httpx.ConnectError):
        cause = exc.__context__ or exc.__cause__
        if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE" in str(exc):
            return f"TLS certificate problem: {exc}"
        if isinstance(cause, socket.gaierror) or "Name or service" in str(exc):
            return "host not found (DNS lookup failed; no internet?)"
        return f"could not connect: {exc or 'connection refused'}"
    if isinstance(exc, socket.gaierror):
        return "host not found (DNS lookup failed; no internet?)"
    if isinstance(exc, httpx.HTTPError):
        return f"HTTP error: {exc or type(exc).__name__}"
    return f"{type(exc).__name__}: {exc}"


def retry_after_seconds(value: str, moment: datetime | None = None) -> int | None:
    """Return the wait a Retry-After header asks for (seconds or HTTP date)."""
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - (moment or datetime.now(UTC))).total_seconds()))


def _http_error(response: httpx.Response) -> str:
    message = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    retry_after = response.headers.get("retry-after", "")
    if retry_after:
        if retry_after.strip().isdigit():
            message += f", retry after {retry_after.strip()} s"
        else:
            try:
                when = parsedate_to_datetime(retry_after)
                message += f", retry after {when:%H:%M} UTC"
            except (TypeError, ValueError, IndexError):
                pass
    return message


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """Read the body, decompressing it ourselves so the cap bounds memory too."""
    decoder = BoundedDecoder(response.headers.get("content-encoding", ""))
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        for piece in decoder.decode(raw):
            size += len(piece)
            if size > max_bytes:
                raise TooLarge
            chunks.append(piece)
    return b"".join(chunks)


class HostGate:
    """Per-host politeness: at most ``concurrency`` requests at once to one
    host (scheme, name and port) and ``min_gap`` seconds between their starts."""

    def __init__(self, concurrency: int, min_gap: float) -> None:
        self.concurrency = max(1, concurrency)
        self.min_gap = max(0.0, min_gap)
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._turns: dict[str, asyncio.Lock] = {}
        self._last_start: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        host = httpx.URL(url).netloc.decode("ascii", "replace").lower()
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self.concurrency))
        async with semaphore:
            if self.min_gap:
                # One waiter at a time, timed from the previous real start, so
                # a late wake-up never lets the next request start early.
                async with self._turns.setdefault(host, asyncio.Lock()):
                    loop = asyncio.get_running_loop()
                    previous = self._last_start.get(host)
                    if previous is not None:
                        await asyncio.sleep(previous + self.min_gap - loop.time())
                    self._last_start[host] = loop.time()
            yield


async def _fetch_one(
    client: httpx.AsyncClient, request: FetchRequest, limits: FetchLimits
) -> FetchResult:
    started = time.perf_counter()
    headers = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    try:
        async with asyncio.timeout(limits.timeout):
            async with client.stream("GET", request.url, headers=headers) as response:
                # Only a chain of permanent redirects moves the feed for good.
                moved = bool(response.history) and all(
                    r.status_code in (301, 308) for r in response.history
                )
                common: dict[str, Any] = {
                    "source_id": request.source_id,
                    "url": request.url,
                    "status": response.status_code,
                    "final_url": str(response.url),
                    "moved_permanently": moved,
                }
                if response.status_code == 304:
                    return FetchResult(**common, seconds=time.perf_counter() - started)
                if response.status_code != 200:
                    wait = None
                    if response.status_code in (429, 503):
                        header = response.headers.get("retry-after", "")
                        wait = retry_after_seconds(header) if header else None
                    return FetchResult(
                        **common,
                        error=_http_error(response),
                        retry_after=wait,
                        seconds=time.perf_counter() - started,
                    )
                body = await _read_capped(response, limits.max_bytes)
                return FetchResult(
                    **common,
                    body=body,
                    content_type=response.headers.get("content-type", ""),
                    etag=response.headers.get("etag", ""),
                    last_modified=response.headers.get("last-modified", ""),
                    seconds=time.perf_counter() - started,
                )
    except TimeoutError:
        error = f"timed out after {limits.timeout:g} s"
    except DecodeError as exc:
        error = f"unreadable response: {exc}"
    except Exception as exc:  # any failure is this source's, never the worker's
        error = _describe(exc, limits)
    return FetchResult(
        source_id=request.source_id,
        url=request.url,
        error=error,
        seconds=time.perf_counter() - started,
    )


async def fetch_all(
    requests: list[FetchRequest], limits: FetchLimits
) -> list[FetchResult]:
    """Fetch every request concurrently; one result per request, in order."""
    semaphore = asyncio.Semaphore(limits.concurrency)
    gate = HostGate(limits.host_concurrency, limits.host_min_gap)

    async def guard(request: httpx.Request) -> None:
        if not limits.allow_private:
            port = request.url.port or (443 if request.url.scheme == "https" else 80)
            await check_host_is_public(request.url.host, port)

    async def limited(request: FetchRequest) -> FetchResult:
        async with gate.slot(request.url), semaphore:
            return await _fetch_one(client, request, limits)

    timeout = httpx.Timeout(limits.timeout, connect=min(10.0, limits.timeout))
    async with httpx.AsyncClient(
        headers={
            "User-Agent": USER_AGENT,
            "Accept": ACCEPT,
            "Accept-Encoding": accepted_encodings(),
        },
        timeout=timeout,
        follow_redirects=True,
        max_redirects=5,
        event_hooks={"request": [guard]},
    ) as client:
        return list(await asyncio.gather(*(limited(r) for r in requests)))
