"""Rendered fragments of pages, kept in memory by what they show.

A fragment (a story card, say) is stored under a key made of *every value its
markup reads* — not of an id and a version that writers would have to bump.
When a story changes, its card's key changes with it and the next render
misses; nothing needs invalidating, so no fragment can be served stale. Old
keys fall out of a bounded LRU (``MAX_FRAGMENTS`` entries, a few hundred bytes
each: a front page shows ~50 cards and the open stories number a few hundred).

What changes with the clock (relative times: "5 min ago") stays outside the
fragments: the page fills it in at each render.

One cache per process, shared by its threads (a lock guards the LRU's order).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

MAX_FRAGMENTS = 4096

T = TypeVar("T")


class FragmentCache:
    """A bounded, thread-safe LRU of rendered fragments."""

    def __init__(self, max_entries: int = MAX_FRAGMENTS) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], T]) -> T:
        """Return the fragment stored under ``key``, rendering it on a miss."""
        with self._lock:
            found = self._entries.get(key, _MISSING)
            if found is not _MISSING:
                self._entries.move_to_end(key)
                return found  # type: ignore[return-value]
        # Rendered outside the lock: two threads missing together both render
        # the same bytes, which is cheaper than making one wait.
        fragment = render()
        with self._lock:
            self._entries[key] = fragment
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return fragment

    def clear(self) -> None:
        """Forget every fragment."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_MISSING = object()

fragments = FragmentCache()
