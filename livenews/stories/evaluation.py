"""Score the story clusterer on labelled articles: B-cubed and the adjusted Rand index.

``evaluate`` runs the real pure stages, in arrival order, as the portal does:
near-duplicate lookup first (a copy joins its original's story), otherwise the
streaming assignment of ``clustering.StoryIndex``, and a convergence sweep
every few rows (``convergence.find_merges``). Nothing is fitted on the
whole set first, so the figures are what a live portal would get.
"""

from __future__ import annotations

import gc
import json
import math
import os
import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from livenews.articles import dedupe
from livenews.articles.normalize import digest
from livenews.stories import clustering, convergence, divergence

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # the time of undated rows
SWEEP_EVERY_ROWS = 10


class EvalError(ValueError):
    """The input is not usable; the message says which line and why."""


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    text: str
    cluster: str
    published: datetime


def read_rows(lines: Iterable[str]) -> Iterator[Row]:
    """Parse JSON lines of ``{"id","title","text","cluster"[,"published"]}``."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            published = data.get("published")
            when = datetime.fromisoformat(published) if published else EPOCH
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            yield Row(
                str(data["id"]),
                str(data.get("title") or ""),
                str(data.get("text") or ""),
                str(data["cluster"]),
                when,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise EvalError(f"line {number}: {exc!r}") from exc


def assign(rows: Sequence[Row], threshold: float | None = None) -> list[int]:
    """Return each row's story number, assigning in arrival order.

    Every ``SWEEP_EVERY_ROWS`` rows the stories that grew are checked for
    convergence and merged (``stories.convergence``), as the portal's
    periodic sweep does.
    """
    index = clustering.StoryIndex()
    if threshold is not None:
        index.threshold = threshold
    copies = dedupe.DuplicateIndex()
    stories: list[int] = []
    merged_into: dict[int, int] = {}
    grown: list[int] = []
    members: dict[int, list[tuple[int, clustering.Features]]] = {}
    fresh_ids = iter(range(len(rows), 2 * len(rows) + 1))
    copy_of: dict[int, int] = {}
    checked: dict[int, int] = {}
    for position, row in enumerate(rows):
        sig = dedupe.fingerprint(row.text)
        copy = copies.find("", digest(row.title + "\n" + row.text), sig)
        if copy is not None:
            stories.append(stories[copy.original_id])
            copy_of[position] = copy.original_id
            continue
        copies.add(position, "", digest(row.title + "\n" + row.text), sig)
        features = clustering.extract_features(row.title, row.text)
        index.observe(features)
        match = index.choose(features, row.published)
        story_id = match.story_id if match else position
        index.add(story_id, features, row.published)
        stories.append(story_id)
        members.setdefault(story_id, []).append((position, features))
        grown.append(story_id)
        if len(grown) >= SWEEP_EVERY_ROWS:
            for story_id in dict.fromkeys(grown):
                _split_if_diverged(
                    index, members, story_id, stories, copy_of, checked, fresh_ids
                )
            for merge in convergence.find_merges(index, grown):
                index.absorb(merge.keep, merge.gone)
                members[merge.keep] += members.pop(merge.gone, [])
                merged_into[merge.gone] = merge.keep
            grown = []
    return [_follow(merged_into, story) for story in stories]


def _split_if_diverged(
    index: clustering.StoryIndex,
    members: dict[int, list[tuple[int, clustering.Features]]],
    story_id: int,
    stories: list[int],
    copy_of: dict[int, int],
    checked: dict[int, int],
    fresh_ids: Iterator[int],
) -> None:
    """Split a story holding two events (``divergence``), as the portal's sweep does."""
    mine = members.get(story_id, [])
    if not divergence.is_due(len(mine), checked.get(story_id, 0)):
        return
    checked[story_id] = len(mine)
    split = divergence.find_split(index, mine)
    if split is None or story_id not in index.stories:
        return
    when = index.stories[story_id].last_seen
    moved = set(split.move)
    new_id = next(fresh_ids)
    index.remove(story_id)
    members[story_id] = [(p, f) for p, f in mine if p not in moved]
    members[new_id] = [(p, f) for p, f in mine if p in moved]
    for part_id in (story_id, new_id):
        for _, features in members[part_id]:
            index.add(part_id, features, when)
    for position, story in enumerate(stories):
        original = copy_of.get(position, position)
        if story == story_id and original in moved:
            stories[position] = new_id


def _follow(merged_into: dict[int, int], story: int) -> int:
    while story in merged_into:
        story = merged_into[story]
    return story


def bcubed(gold: Sequence[str], found: Sequence[int]) -> tuple[float, float, float]:
    """Return B-cubed precision, recall and F1 averaged over items."""
    pairs = Counter(zip(gold, found, strict=True))
    gold_sizes = Counter(gold)
    found_sizes = Counter(found)
    n = len(gold)
    if not n:
        return 0.0, 0.0, 0.0
    precision = sum(c * c / found_sizes[f] for (_, f), c in pairs.items()) / n
    recall = sum(c * c / gold_sizes[g] for (g, _), c in pairs.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand_index(gold: Sequence[str], found: Sequence[int]) -> float:
    """Return the adjusted Rand index (1 = identical partitions, ~0 = chance)."""
    n = len(gold)
    if n < 2:
        return 1.0
    both = sum(math.comb(c, 2) for c in Counter(zip(gold, found, strict=True)).values())
    rows = sum(math.comb(c, 2) for c in Counter(gold).values())
    cols = sum(math.comb(c, 2) for c in Counter(found).values())
    expected = rows * cols / math.comb(n, 2)
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return (both - expected) / (maximum - expected)


def evaluate(rows: Sequence[Row], threshold: float | None = None) -> dict[str, Any]:
    """Cluster ``rows`` in order and return the scores and the throughput."""
    started = time.perf_counter()
    found = assign(rows, threshold)
    seconds = time.perf_counter() - started
    gold = [row.cluster for row in rows]
    precision, recall, f1 = bcubed(gold, found)
    return {
        "docs": len(rows),
        "gold_clusters": len(set(gold)),
        "found_clusters": len(set(found)),
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "bcubed_f1": round(f1, 4),
        "ari": round(adjusted_rand_index(gold, found), 4),
        "articles_per_s": round(len(rows) / seconds, 1) if seconds else None,
        "threshold": threshold if threshold is not None else clustering.THRESHOLD,
    }


def synthetic_article(rng: random.Random, story: int) -> tuple[str, str]:
    """Return a made-up (title, lead) for event ``story``: its own names and words.

    Each event draws its words from a small vocabulary of its own plus a large
    shared one, so articles of one event resemble each other and others share
    only common words, as real reports do.
    """
    own = [_word(story * 16 + i) for i in range(12)]
    names = [_word(story * 16 + 12 + i).capitalize() for i in range(3)]
    title = " ".join(rng.sample(own, 5) + rng.sample(names, 1))
    shared = ["zz" + _word(rng.randrange(5000)) for _ in range(40)]
    body = rng.sample(own, 8) + [f"in {n}" for n in names] + shared
    rng.shuffle(body)
    return title, "The report. " + " ".join(body)


def _word(number: int) -> str:
    """Return a made-up word for a number (letters only: digits make codes)."""
    letters = ""
    while True:
        number, rest = divmod(number, 26)
        letters += chr(ord("a") + rest)
        if not number:
            return "q" + letters


def throughput(
    open_stories: int = 50_000, articles: int = 5_000, days: int = 2
) -> dict[str, Any]:
    """Time assignment with ``open_stories`` open stories; return articles/s.

    With ``days`` > 1 the same load is repeated for each further day after the
    previous day's stories aged out of the window (``close_idle``), and the
    process's resident memory is reported after each day and each close: it
    must stay flat, since memory depends on open stories, not on history.
    """
    rng = random.Random(7)
    index = clustering.StoryIndex()
    memory: list[dict[str, Any]] = []
    timed: list[tuple[int, float, int]] = []
    for day in range(days):
        when = EPOCH + day * (index.window + timedelta(hours=1))
        first = day * (open_stories * 3)
        timed.append(_one_day(index, rng, open_stories, articles, first, when))
        memory.append(_memory_figures(index, f"day {day + 1}: open"))
        started = time.perf_counter()
        merges = convergence.find_merges(index, range(first, first + 1000))
        sweep_ms = (time.perf_counter() - started) * 1000
        index.close_idle(when + index.window + timedelta(minutes=1))
        gc.collect()
        memory.append(_memory_figures(index, f"day {day + 1}: aged out"))
    joined, seconds, _ = timed[0]
    return {
        "open_stories_at_start": open_stories,
        "articles": articles,
        "joined_existing": joined,
        "seconds": round(seconds, 3),
        "articles_per_s": round(articles / seconds, 1),
        "articles_per_s_by_day": [round(articles / s, 1) for _, s, _ in timed],
        "convergence_sweep_of_1000_stories_ms": round(sweep_ms, 1),
        "convergence_merges_found": len(merges),
        "memory": memory,
    }


def _one_day(
    index: clustering.StoryIndex,
    rng: random.Random,
    open_stories: int,
    articles: int,
    first: int,
    when: datetime,
) -> tuple[int, float, int]:
    for story in range(first, first + open_stories):
        features = clustering.extract_features(*synthetic_article(rng, story))
        index.observe(features)
        index.add(story, features, when)
    stream = [
        synthetic_article(rng, first + rng.randrange(open_stories * 2))
        for _ in range(articles)
    ]
    started = time.perf_counter()
    joined = 0
    for number, (title, lead) in enumerate(stream):
        features = clustering.extract_features(title, lead)
        index.observe(features)
        match = index.choose(features, when)
        joined += match is not None
        new_id = first + open_stories * 2 + number
        index.add(match.story_id if match else new_id, features, when)
    return joined, time.perf_counter() - started, len(index.stories)


def _memory_figures(index: clustering.StoryIndex, label: str) -> dict[str, Any]:
    return {
        "when": label,
        "open_stories": len(index.stories),
        "indexed_terms": len(index.postings),
        "vocabulary": len(index.df),
        "rss_mb": _rss_mb(),
    }


def _rss_mb() -> float | None:
    """Return this process's resident memory in MB (Linux), else None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 1e6, 1)
