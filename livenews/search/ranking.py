"""Order search results: text relevance, weighed by freshness and coverage.

    score = relevance * freshness * coverage

* **relevance**: the backend's text rank, larger is better: ``-bm25()`` on
  SQLite FTS5 (title weighted ``TITLE_WEIGHT`` times the body), ``ts_rank``
  on PostgreSQL (title words weight A, body words D). The two scales differ,
  but a product's order does not depend on the scale of one factor.
* **freshness** = 0.9 * 2^(-age / 1 day) + 0.1 * 2^(-age / 30 days), age from
  the article's publication (future dates count as now). Today's report of an
  event beats last week's of similar relevance (a day halves 90 % of the
  weight); the slow tenth keeps older articles ordered by age and relevance
  instead of all tying at zero.
* **coverage** = 1 + ln(sources in the article's story): a story ten outlets
  report (3.3) outweighs a one-outlet item (1.0), with diminishing returns so
  a wire story copied everywhere does not swamp the rest.

Only the ``CANDIDATES`` newest matching articles (by id, i.e. by when they
were stored) are scored: that bounds the work of a common word over millions
of articles to a fixed few milliseconds. It is an approximation, on purpose:
a match older than the newest thousand is not considered however relevant;
a reader narrows such a query with more words or a date range, and every
rarer query is ranked in full.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import NamedTuple

CANDIDATES = 1000
TITLE_WEIGHT = 4.0
DAY_S = 86400.0
FAST_HALF_LIFE_S = DAY_S
SLOW_HALF_LIFE_S = 30 * DAY_S


class Candidate(NamedTuple):
    """A matching article, with what its score needs."""

    article_id: int
    relevance: float
    published_ts: float  # seconds since the epoch
    source_count: int


def freshness(published_ts: float, now_ts: float) -> float:
    """Return the freshness factor (1.0 now, falling with age; see module doc)."""
    age = max(now_ts - published_ts, 0.0)
    fast: float = 0.5 ** (age / FAST_HALF_LIFE_S)
    slow: float = 0.5 ** (age / SLOW_HALF_LIFE_S)
    return 0.9 * fast + 0.1 * slow


def coverage(source_count: int) -> float:
    """Return the coverage factor: 1 + ln(sources), at least 1."""
    return 1.0 + math.log(max(source_count, 1))


def score(candidate: Candidate, now_ts: float) -> float:
    """Return the candidate's score (larger first)."""
    relevance = max(candidate.relevance, 1e-9)
    return (
        relevance
        * freshness(candidate.published_ts, now_ts)
        * coverage(candidate.source_count)
    )


def rank(candidates: list[Candidate], now: datetime) -> list[Candidate]:
    """Return candidates best first (ties: newest article first)."""
    now_ts = now.timestamp()
    scored = [(score(c, now_ts), c.article_id, c) for c in candidates]
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [c for _, _, c in scored]
