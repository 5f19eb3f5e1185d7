"""An in-memory page cache with pre-compressed variants, invalidated by key.

Each entry holds one response (identity, gzip and brotli bodies, a strong
ETag) and the keys of the objects the page shows (``front``, ``story:12``,
``alerts``…). An event invalidates every entry that carries one of its
channels as a key. Memory is bounded by an LRU over the bytes held.

Staleness: a render that started before an invalidation of one of its keys
may hold the old state, so ``put`` refuses it (the requester still gets it,
once; the next request renders again). Invalidation sequence numbers make
that check exact without locks: the cache is used from one event loop.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict, deque
from dataclasses import dataclass, field

import brotli


@dataclass
class CachedPage:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    keys: frozenset[str]
    gzip_body: bytes = b""
    br_body: bytes = b""
    etag: str = ""
    size: int = 0
    created: float = 0.0
    # Filled by the edge on first use: (headers, body) per encoding.
    variants: dict[str, tuple[list[tuple[bytes, bytes]], bytes]] = field(
        default_factory=dict
    )
    not_modified_headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    # Filled with ``variants``: the status line and header lines of each
    # encoding (and of the 304, as ``"304"``), for servers that write raw bytes.
    wire_heads: dict[str, bytes] = field(default_factory=dict)


def build_page(
    status: int,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    keys: frozenset[str],
    created: float,
) -> CachedPage:
    """Compress ``body`` once (gzip and brotli) and compute its ETag.

    Levels: brotli 4 and gzip 1 took 1.3 and 1.6 ms on a 50 KB page where
    brotli 6 and gzip 6 took 4.0 and 4.3 ms, for the same brotli size and
    10 % more gzip bytes (docs/design-notes.md); a publish storm re-compresses
    the front page on every event, and browsers take brotli.
    """
    gz = gzip.compress(body, compresslevel=1, mtime=0)
    br = brotli.compress(body, quality=4)
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    return CachedPage(
        status=status,
        headers=headers,
        body=body,
        keys=keys,
        gzip_body=gz,
        br_body=br,
        etag=etag,
        size=len(body) + len(gz) + len(br) + 512,
        created=created,
    )


class PageCache:
    def __init__(self, max_bytes: int = 64 * 1024 * 1024, ttl: float = 60.0) -> None:
        self.max_bytes = max_bytes
        self.ttl = ttl
        self.size = 0
        self.seq = 0  # bumped by every invalidation
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._by_key: dict[str, set[str]] = {}
        # Recent invalidations, newest last: enough to judge renders in flight.
        self._recent: deque[tuple[int, frozenset[str]]] = deque(maxlen=10_000)
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, url: str, now: float, count_miss: bool = True) -> CachedPage | None:
        """Return the fresh entry for ``url`` (and mark it recently used)."""
        page = self._pages.get(url)
        if page is None or now - page.created > self.ttl:
            if page is not None:
                self._remove(url)
            self.misses += count_miss
            return None
        self._pages.move_to_end(url)
        self.hits += 1
        return page

    def put(self, url: str, page: CachedPage, started_seq: int) -> bool:
        """Store ``page`` unless a key of it was invalidated since its render began."""
        if self._invalidated_since(started_seq, page.keys):
            return False
        if page.size > self.max_bytes:
            return False
        if url in self._pages:
            self._remove(url)
        self._pages[url] = page
        self.size += page.size
        for key in page.keys:
            self._by_key.setdefault(key, set()).add(url)
        while self.size > self.max_bytes and self._pages:
            self._remove(next(iter(self._pages)))
        return True

    def invalidate(self, keys: frozenset[str] | set[str]) -> int:
        """Drop every entry showing one of ``keys``; return how many."""
        self.seq += 1
        self._recent.append((self.seq, frozenset(keys)))
        dropped = 0
        for key in keys:
            for url in list(self._by_key.get(key, ())):
                self._remove(url)
                dropped += 1
        return dropped

    def _invalidated_since(self, started_seq: int, keys: frozenset[str]) -> bool:
        return self.invalidated_between(started_seq, self.seq, keys)

    def invalidated_between(
        self, after_seq: int, upto_seq: int, keys: frozenset[str]
    ) -> bool:
        """Return True if an invalidation numbered in (after, upto] hit ``keys``."""
        if upto_seq <= after_seq:
            return False
        if not self._recent or self._recent[0][0] > after_seq + 1:
            return True  # too old to judge: assume the worst
        for seq, dropped in reversed(self._recent):
            if seq <= after_seq:
                return False
            if seq <= upto_seq and (dropped & keys or "*" in keys):
                return True
        return False

    def clear(self) -> None:
        self.invalidate(set(self._by_key))

    def _remove(self, url: str) -> None:
        page = self._pages.pop(url, None)
        if page is None:
            return
        self.size -= page.size
        for key in page.keys:
            urls = self._by_key.get(key)
            if urls is not None:
                urls.discard(url)
                if not urls:
                    del self._by_key[key]
