"""Wait until edge servers' hubs have an event (a bound, not a timing check)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any


def wait_for_hubs(servers: Iterable[Any], event_id: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    for server in servers:
        while server.app.state.hub.last_id < event_id:
            assert time.monotonic() < deadline, "a hub did not receive the event"
            time.sleep(0.01)


def wait_for_hub(server: Any, event_id: int) -> None:
    wait_for_hubs([server], event_id)
