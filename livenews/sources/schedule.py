"""Decide when a source is polled next.

A healthy source is polled every ``interval`` seconds. A failing one backs off
exponentially (interval x 2^failures, with +/-20 % jitter so sources that failed
together do not return together), capped at ``max_backoff`` (6 h by default) and
never disabled: it keeps being retried. A ``retry_after`` from the server wins
when it is later, up to the same cap.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

MAX_BACKOFF = 6 * 3600
JITTER = 0.2


def next_poll_at(
    now: datetime,
    interval: int,
    failures: int = 0,
    retry_after: int | None = None,
    max_backoff: int = MAX_BACKOFF,
    rng: random.Random | None = None,
) -> datetime:
    """Return the time of the next poll after ``now``."""
    seconds = float(interval)
    if failures:
        seconds = min(interval * 2.0 ** min(failures, 20), max_backoff)
        seconds *= 1 + (rng or random).uniform(-JITTER, JITTER)
    if retry_after is not None:
        seconds = max(seconds, min(float(retry_after), max_backoff))
    return now + timedelta(seconds=max(seconds, 1.0))
