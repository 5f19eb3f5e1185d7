"""Which URLs this process served to a cache in front, by key (for purging nginx).

nginx purges by URL (its cache key); livenews invalidates by key (``story:12``).
The index remembers, for every URL this process answered with a
``Surrogate-Key`` header, the keys it carried, so an event's channels turn into
the URLs to purge. It is an LRU bounded by ``max_urls``: a URL pushed out is
handed back to the caller, who must purge it at once, so every URL the cache in
front may hold from this process is either in the index or already purged.

It also closes the race between a render and an event: ``begin()`` is read as
a request arrives, and ``is_outdated(begun, keys)`` says whether an event with
one of the response's keys arrived since (the response must then not be stored
by the cache: its purge has already gone out). Events are remembered in a
bounded window; a request older than the window is treated as outdated.

Pure: no Django, no I/O.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable


class PurgeIndex:
    def __init__(self, max_urls: int = 100_000, event_window: int = 4096) -> None:
        self.max_urls = max_urls
        self._keys_of: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._urls_of: dict[str, set[str]] = {}
        self._events: deque[tuple[int, frozenset[str]]] = deque(maxlen=event_window)
        self._seq = 0

    def __len__(self) -> int:
        return len(self._keys_of)

    def urls(self) -> list[str]:
        """Every URL remembered, oldest first."""
        return list(self._keys_of)

    def begin(self) -> int:
        """Return the event counter, read when a request arrives."""
        return self._seq

    def is_outdated(self, begun: int, keys: Iterable[str]) -> bool:
        """Whether an event touching ``keys`` came after ``begin()`` gave ``begun``."""
        if begun == self._seq:
            return False
        if not self._events or self._events[0][0] > begun + 1:
            return True  # older than the remembered window: assume the worst
        wanted = frozenset(keys)
        return any(seq > begun and channels & wanted for seq, channels in self._events)

    def record(self, url: str, keys: Iterable[str]) -> list[str]:
        """Remember ``url`` was served carrying ``keys``; return the URLs pushed out."""
        keys = frozenset(keys)
        self._forget(url)
        self._keys_of[url] = keys
        for key in keys:
            self._urls_of.setdefault(key, set()).add(url)
        evicted: list[str] = []
        while len(self._keys_of) > self.max_urls:
            oldest = next(iter(self._keys_of))
            self._forget(oldest)
            evicted.append(oldest)
        return evicted

    def note_event(self, channels: Iterable[str]) -> list[str]:
        """Count an event and return the URLs that carry any of its ``channels``."""
        channels = frozenset(channels)
        self._seq += 1
        self._events.append((self._seq, channels))
        urls: set[str] = set()
        for key in channels:
            urls |= self._urls_of.get(key, set())
        return sorted(urls)

    def _forget(self, url: str) -> None:
        keys = self._keys_of.pop(url, None)
        for key in keys or ():
            urls = self._urls_of.get(key)
            if urls is not None:
                urls.discard(url)
                if not urls:
                    del self._urls_of[key]
