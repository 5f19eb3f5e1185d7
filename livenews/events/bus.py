"""In-process bus: wakes this process's hubs when an outbox row commits.

Delivery itself always reads the committed outbox (``Event`` rows), so the bus
only carries a hint "there is something new"; a missed hint costs at most one
outbox poll interval, never an event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_listeners: list[Callable[[], None]] = []
_lock = threading.Lock()


def subscribe(listener: Callable[[], None]) -> None:
    """Call ``listener`` (from any thread) after each commit that wrote events."""
    with _lock:
        _listeners.append(listener)


def unsubscribe(listener: Callable[[], None]) -> None:
    """Stop calling ``listener``."""
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


def notify_committed() -> None:
    """Tell every listener that new events are committed."""
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener()
