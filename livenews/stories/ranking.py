"""The front page's order: coverage and pace, decayed by age; editors' pins first.

Pure: plain numbers in, a score out. For an open story::

    score = (1 + ln(1 + sources)) * (1 + ln(1 + velocity)) * 0.5 ** (age / HALF_LIFE)

* **Coverage** — the number of outlets reporting an event is the best sign of
  its importance (Google News and Techmeme rank on it). Its logarithm keeps a
  story with 40 outlets above one with 4 without burying everything else.
* **Pace** — articles per hour (``lifecycle.velocity``): a developing story
  rises while reports keep coming; also logarithmic, so a burst of wire copies
  cannot lift a story alone.
* **Recency** — the score halves every ``HALF_LIFE`` since the story's last
  article, so yesterday's big story gives way to today's.
* **Pins** — a pinned story is always above every unpinned one (ordered among
  pins by the same score); ``BOOST`` multiplies the score of a boosted story.

Ties keep the most recently updated story first.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

HALF_LIFE = timedelta(hours=6)
BOOST = 4.0


def front_score(
    sources: int,
    velocity: float,
    updated_at: datetime,
    now: datetime,
    boosted: bool = False,
) -> float:
    """Return a story's front-page score (higher ranks first)."""
    age = max((now - updated_at).total_seconds(), 0.0)
    decay = 0.5 ** (age / HALF_LIFE.total_seconds())
    score = (1 + math.log1p(max(sources, 0))) * (1 + math.log1p(max(velocity, 0.0)))
    return float(score * decay * (BOOST if boosted else 1.0))


def front_order_key(
    pinned: bool, score: float, updated_at: datetime
) -> tuple[bool, float, datetime]:
    """Return a sort key, to sort with ``reverse=True``: pins, score, recency."""
    return (pinned, score, updated_at)
