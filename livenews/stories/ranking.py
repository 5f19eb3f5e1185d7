"""The front page's order: coverage and pace, decayed by age; editors' pins first.

Pure: plain numbers in, a score out. For an open story::

    score = (1 + ln(1 + sources)) * (1 + ln(1 + velocity))
            * 0.5 ** (age / HALF_LIFE) * 2 ** boost

* **Coverage** — the number of outlets reporting an event is the best sign of
  its importance (Google News and Techmeme rank on it). Its logarithm keeps a
  story with 40 outlets above one with 4 without burying everything else.
* **Pace** — articles per hour over the last six hours (``lifecycle.velocity``),
  counted like the story's article count: visible originals, copies of a wire
  text folded into their original (their outlets count under coverage). A
  developing story rises while new reports keep coming; also logarithmic.
* **Recency** — the score halves every ``HALF_LIFE`` since the story's last
  article, so yesterday's big story gives way to today's.
* **Boost** — an editor's ``Story.boost``, from ``-BOOST_LIMIT`` to
  ``+BOOST_LIMIT``: each point doubles the score (or halves it, below zero).
  Since the score halves every ``HALF_LIFE``, a boost of +1 is worth exactly
  one half-life of freshness: a story boosted by 1 ranks as if its last
  article were 6 hours newer; -1 as if 6 hours older. Editors get one
  understandable knob that still lets the news move around it (±3 = ±18 h).
* **Pins** — a pinned story is always above every unpinned one (ordered among
  pins by the same score).

Ties keep the most recently updated story first.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

HALF_LIFE = timedelta(hours=6)
BOOST_LIMIT = 3.0


def front_score(
    sources: int,
    velocity: float,
    updated_at: datetime,
    now: datetime,
    boost: float = 0.0,
) -> float:
    """Return a story's front-page score (higher ranks first)."""
    age = max((now - updated_at).total_seconds(), 0.0)
    decay = 0.5 ** (age / HALF_LIFE.total_seconds())
    score = (1 + math.log1p(max(sources, 0))) * (1 + math.log1p(max(velocity, 0.0)))
    boost = max(-BOOST_LIMIT, min(BOOST_LIMIT, boost))
    return float(score * decay * 2.0**boost)


def front_order_key(
    pinned: bool, score: float, updated_at: datetime
) -> tuple[bool, float, datetime]:
    """Return a sort key, to sort with ``reverse=True``: pins, score, recency."""
    return (pinned, score, updated_at)
