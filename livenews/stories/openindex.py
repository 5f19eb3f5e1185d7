"""This process's open-story index, warmed from the database and kept in step with it.

The clusterer (``clustering.StoryIndex``) lives in memory, one per process.
The database stays the truth: every story row carries its clusterer state
(``Story.cluster_state``), written in the same transaction as the article.

* **Warm-up**, on first use in a process: the open stories of the last
  ``clustering.WINDOW`` are restored from their rows, and the document
  frequencies are counted from the titles and leads of the last ``DF_WARM``
  original articles (≈ 1 s for 2,000 articles).
* **Sync**, before each assignment: one indexed query lists the stories
  updated since the last sync (minus ``SYNC_SLACK``, for transactions that
  committed late); those changed since this process last saw them are
  re-read, closed and merged ones are dropped. So several worker processes
  see each other's stories, at the price of one cheap query per article.
* **Check**, after choosing: the chosen story is locked and re-read
  (``select_for_update``); if it is gone, closed or merged, it leaves the index
  and the next best is tried.

Trade-off: two workers that receive the first two reports of a new event in
the same instant may each start a story (neither sees the other's
uncommitted row). The stories stay apart until an editor merges them; with
one worker (the embedded default) it cannot happen.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from livenews.articles.models import Article
from livenews.core.timeutil import now
from livenews.stories import clustering
from livenews.stories.models import Story

DF_WARM = 2000
# Article transactions are short; 10 s covers a late commit while keeping the
# per-article sync query small during bulk ingestion (bench ingest).
SYNC_SLACK = timedelta(seconds=10)
OPEN = ("developing", "steady")


@dataclass
class Memory:
    index: clustering.StoryIndex
    synced_at: datetime
    seen: dict[int, datetime] = field(default_factory=dict)


_lock = threading.RLock()
_memory: Memory | None = None


def article_features(article: Article) -> clustering.Features:
    """Return the clusterer's features of a stored article."""
    return clustering.extract_features(
        article.title, f"{article.summary}\n{article.body_text}"
    )


def dump_state(state: clustering.StoryState) -> dict[str, Any]:
    return {
        "centroid": {t: round(v, 5) for t, v in state.centroid.items()},
        "entities": sorted(state.entities),
        "size": state.size,
        "last_seen": state.last_seen.isoformat(),
        "first_seen": (state.first_seen or state.last_seen).isoformat(),
    }


def load_state(
    story_id: int, data: dict[str, Any], updated_at: datetime
) -> clustering.StoryState:
    last_seen = data.get("last_seen")
    first_seen = data.get("first_seen")
    return clustering.StoryState(
        story_id,
        {str(t): float(v) for t, v in data.get("centroid", {}).items()},
        int(data.get("size", 0)),
        datetime.fromisoformat(last_seen) if last_seen else updated_at,
        set(data.get("entities", [])),
        datetime.fromisoformat(first_seen) if first_seen else None,
    )


@contextmanager
def open_index() -> Iterator[Memory]:
    """Hold this process's index, warmed and synced with the database."""
    global _memory
    with _lock:
        if _memory is None:
            _memory = _warm()
        else:
            _sync(_memory)
        yield _memory


def forget() -> None:
    """Drop this process's index (the next use warms it again)."""
    global _memory
    with _lock:
        _memory = None


def _warm() -> Memory:
    started = now()
    memory = Memory(clustering.StoryIndex(), started)
    texts = Article.objects.filter(duplicate_of__isnull=True).order_by("-id")[:DF_WARM]
    for title, summary, body in texts.values_list("title", "summary", "body_text"):
        memory.index.observe(clustering.extract_features(title, f"{summary}\n{body}"))
    rows = Story.objects.filter(
        status__in=OPEN,
        merged_into__isnull=True,
        updated_at__gte=started - clustering.WINDOW,
    ).values_list("id", "cluster_state", "updated_at")
    for story_id, data, updated_at in rows:
        memory.index.restore(load_state(story_id, data or {}, updated_at))
        memory.seen[story_id] = updated_at
    return memory


def _sync(memory: Memory) -> None:
    started = now()
    changed = Story.objects.filter(
        updated_at__gte=memory.synced_at - SYNC_SLACK
    ).values_list("id", "updated_at", "status", "merged_into_id")
    stale: list[int] = []
    for story_id, updated_at, status, merged_into in changed:
        if status not in OPEN or merged_into is not None:
            memory.index.remove(story_id)
            memory.seen.pop(story_id, None)
        elif memory.seen.get(story_id) != updated_at:
            stale.append(story_id)
    if stale:
        rows = Story.objects.filter(id__in=stale).values_list(
            "id", "cluster_state", "updated_at"
        )
        for story_id, data, updated_at in rows:
            memory.index.restore(load_state(story_id, data or {}, updated_at))
            memory.seen[story_id] = updated_at
    memory.synced_at = started
