"""A story's pace and status: developing, then steady, then closed.

Pure: times in, figures out.

* **Velocity** is the number of articles of the last ``VELOCITY_WINDOW``
  divided by its length in hours: "3 articles an hour" is what a reader and the
  ranking both understand.
* **Status**: *developing* while the story is young (under ``VELOCITY_WINDOW``)
  or still gets at least ``DEVELOPING_VELOCITY`` articles an hour; *steady*
  once it slows down; *closed* when no article arrived for
  ``clustering.WINDOW`` (it then takes no more articles: a new report starts a
  new story). Half an article an hour means three reports in six hours, the
  pace of an event that is still unfolding.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from livenews.stories.clustering import WINDOW

VELOCITY_WINDOW = timedelta(hours=6)
DEVELOPING_VELOCITY = 0.5


def velocity(recent_articles: int) -> float:
    """Return articles per hour, given the count of the last ``VELOCITY_WINDOW``."""
    return recent_articles / (VELOCITY_WINDOW.total_seconds() / 3600)


def status(
    first_seen: datetime, last_update: datetime, pace: float, now: datetime
) -> str:
    """Return "developing", "steady" or "closed"."""
    if now - last_update > WINDOW:
        return "closed"
    if now - first_seen < VELOCITY_WINDOW or pace >= DEVELOPING_VELOCITY:
        return "developing"
    return "steady"
