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


SUPPORTED_SCHEMES = ("memory", "db")


def check_bus_url(url: str) -> str:
    """Return the bus scheme of ``LIVENEWS_BUS_URL`` or raise ValueError saying why.

    ``memory://`` wakes hubs in this process at once; ``db://`` relies on the
    outbox poll alone. Both also poll the outbox, so commits of other processes
    always arrive (within ``LIVENEWS_OUTBOX_POLL`` seconds).
    """
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in SUPPORTED_SCHEMES:
        raise ValueError(
            f"LIVENEWS_BUS_URL={url!r} is not supported: use memory:// or db://"
        )
    return scheme
