"""Score the story clusterer on labelled articles: B-cubed and the adjusted Rand index.

``evaluate`` runs the real pure stages, in arrival order, as the portal does:
near-duplicate lookup first (a copy joins its original's story), otherwise the
streaming assignment of ``clustering.StoryIndex``, and every few rows the
split and merge sweeps (``divergence``, ``convergence``). Nothing is fitted on the
whole set first, so the figures are what a live portal would get.

``evaluate_folds`` is the protocol for deciding a change (``livenews eval
clustering FILE --folds``): the topics are cut into folds (two halves, odd and
even, four quarters), each fold is clustered alone in four arrival orders
(the file's, reversed, two seeded shuffles), and a change is kept only when
no fold's mean F1 drops. ``topic_bootstrap`` turns the whole set's runs into
an estimate for an unseen set of the same kind: topics are resampled, since
a set's score is mostly which topics it happens to hold.
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


ORDERS = ("file", "reversed", "shuffle-1", "shuffle-2")


def topic_of(cluster: str) -> int | None:
    """Return the topic number of an ECB+ cluster label ("13", "13+"), else None."""
    digits = ""
    for char in cluster:
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else None


def topic_folds(rows: Sequence[Row]) -> dict[str, list[Row]]:
    """Split rows by topic into the folds of the honest protocol (docs/design-notes.md).

    Topics are the numbers leading the cluster labels (one topic holds two
    events of one kind). Over the range of topic numbers: its two halves, odd
    and even topics, and four quarters of equal width (1-5, 6-10, 11-15,
    16-20 for topics 1-20). Rows without a topic number only count in "all".
    """
    numbered = [(topic_of(row.cluster), row) for row in rows]
    topics = sorted({t for t, _ in numbered if t is not None})
    folds: dict[str, list[Row]] = {"all": list(rows)}
    if not topics:
        return folds
    low, high = topics[0], topics[-1]
    width = (high - low + 1) / 4
    middle = low + 2 * width

    def choose(name: str, keep: Any) -> None:
        folds[name] = [row for t, row in numbered if t is not None and keep(t)]

    choose("low half", lambda t: t < middle)
    choose("high half", lambda t: t >= middle)
    choose("odd", lambda t: t % 2 == 1)
    choose("even", lambda t: t % 2 == 0)
    for quarter in range(4):
        start, end = low + quarter * width, low + (quarter + 1) * width
        choose(f"quarter {quarter + 1}", lambda t, s=start, e=end: s <= t < e)
    return {name: part for name, part in folds.items() if part}


def ordered(rows: Sequence[Row], order: str) -> list[Row]:
    """Return rows in an arrival order: the file's, reversed, or a seeded shuffle."""
    if order == "file":
        return list(rows)
    if order == "reversed":
        return list(reversed(rows))
    if order.startswith("shuffle-"):
        shuffled = list(rows)
        random.Random(int(order.removeprefix("shuffle-"))).shuffle(shuffled)
        return shuffled
    raise ValueError(f"unknown order {order!r}")


def evaluate_folds(
    rows: Sequence[Row],
    orders: Sequence[str] = ORDERS,
    draws: int = 2000,
    threshold: float | None = None,
) -> dict[str, Any]:
    """Score every topic fold in every arrival order; each fold is clustered alone.

    Returns, per fold, the file-order P/R/F1/ARI, F1 per order, and the mean
    and the minimum F1 over the orders: a change is kept only when it helps
    (or does not hurt) on every fold, not just on the whole set. Also returns
    ``unseen_estimate`` (``topic_bootstrap`` of the whole set's runs).
    """
    folds: dict[str, dict[str, Any]] = {}
    whole_runs: list[tuple[list[Row], list[int]]] = []
    for name, part in topic_folds(rows).items():
        by_order: dict[str, dict[str, float]] = {}
        for order in orders:
            arranged = ordered(part, order)
            found = assign(arranged, threshold)
            if name == "all":
                whole_runs.append((arranged, found))
            gold = [row.cluster for row in arranged]
            precision, recall, f1 = bcubed(gold, found)
            by_order[order] = {
                "p": precision,
                "r": recall,
                "f1": f1,
                "ari": adjusted_rand_index(gold, found),
            }
        f1s = [figures["f1"] for figures in by_order.values()]
        first = by_order[orders[0]]
        folds[name] = {
            "docs": len(part),
            "bcubed_precision": round(first["p"], 4),
            "bcubed_recall": round(first["r"], 4),
            "bcubed_f1": round(first["f1"], 4),
            "ari": round(first["ari"], 4),
            "f1_by_order": {o: round(g["f1"], 4) for o, g in by_order.items()},
            "f1_mean": round(sum(f1s) / len(f1s), 4),
            "f1_min": round(min(f1s), 4),
        }
    return {"folds": folds, "unseen_estimate": topic_bootstrap(whole_runs, draws)}


def topic_bootstrap(
    runs: Sequence[tuple[Sequence[Row], Sequence[int]]],
    draws: int = 2000,
    seed: int = 0,
) -> dict[str, Any]:
    """Estimate F1 on an unseen set of as many topics of the same kind.

    A topic's errors are nearly all its own two events merged or split, so a
    new set behaves like a new draw of topics. Each draw picks one of the runs
    (arrival orders) and as many topics as the set holds, with replacement,
    and computes B-cubed from the per-article precision and recall of the
    picked topics' articles. Returns the mean, the 10th and 90th percentiles
    and the share of draws reaching 0.90.
    """
    per_topic: list[dict[int | None, tuple[float, float, int]]] = []
    for arranged, found in runs:
        gold = [row.cluster for row in arranged]
        pairs = Counter(zip(gold, found, strict=True))
        gold_sizes, found_sizes = Counter(gold), Counter(found)
        sums: dict[int | None, list[float]] = {}
        for row, story in zip(arranged, found, strict=True):
            both = pairs[(row.cluster, story)]
            entry = sums.setdefault(topic_of(row.cluster), [0.0, 0.0, 0])
            entry[0] += both / found_sizes[story]
            entry[1] += both / gold_sizes[row.cluster]
            entry[2] += 1
        per_topic.append({t: (p, r, int(n)) for t, (p, r, n) in sums.items()})
    if not per_topic or not per_topic[0]:
        return {}
    rng = random.Random(seed)
    topics = sorted(per_topic[0], key=lambda t: -1 if t is None else t)
    scores: list[float] = []
    for _ in range(draws):
        run = rng.choice(per_topic)
        picked = [run[rng.choice(topics)] for _ in topics]
        count = sum(n for _, _, n in picked)
        precision = sum(p for p, _, _ in picked) / count
        recall = sum(r for _, r, _ in picked) / count
        scores.append(2 * precision * recall / (precision + recall))
    scores.sort()
    return {
        "topics": len(topics),
        "draws": draws,
        "f1_mean": round(sum(scores) / len(scores), 4),
        "f1_p10": round(scores[len(scores) // 10], 4),
        "f1_p90": round(scores[(9 * len(scores)) // 10], 4),
        "share_at_least_0_90": round(sum(f >= 0.90 for f in scores) / len(scores), 3),
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
