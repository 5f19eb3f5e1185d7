"""Which open stories have converged into one event and should merge.

Pure: it reads the open-story index (``clustering.StoryIndex``), writes nothing.

Two stories converge when the reports of one event were started apart (two
workers receiving its first reports at the same instant, see
``openindex``; a first report too short to match; an event whose wording
changed as it developed) and later articles pulled their centroids together.
For each story that grew since the last sweep, its neighbours in the index
(stories sharing its heaviest terms) are scored with the same measure that
places an article (``StoryIndex.story_similarity``: TF-IDF cosine of the
centroids mixed with the cosine of their entities), and the best one at or
above ``MERGE_THRESHOLD`` is merged.

**Threshold.** A story joins at ``clustering.THRESHOLD`` (0.20) for one
article; two whole stories must agree far more. On the ECB+ development set
(two different events of the same kind per topic) 0.5 still merged two such
sibling events (B-cubed F1 0.877 → 0.867), 0.6 merged none: 0.6 is kept,
so merging is a safety net for split coverage, never a second, looser
clustering (docs/design-notes.md).

**Editors first.** The caller says which pairs must stay apart (a story an
editor split from another, and its siblings); a pair where both stories carry
an editor's headline is left to the editors. The story kept is the one an
editor touched (headline or pin), else the older one, so story ids and
editors' work stay where readers and editors left them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from livenews.stories.clustering import StoryIndex

MERGE_THRESHOLD = 0.6
MAX_MERGES_PER_SWEEP = 50


@dataclass(frozen=True)
class Merge:
    keep: int
    gone: int
    score: float


def find_merges(
    index: StoryIndex,
    grown: Iterable[int],
    may_merge: Callable[[int, int], bool] = lambda a, b: True,
    threshold: float = MERGE_THRESHOLD,
) -> list[Merge]:
    """Return the merges to make among open stories, best first.

    ``grown`` lists the stories that changed since the last sweep (only they
    can have converged); ``may_merge(a, b)`` vetoes a pair. A story takes part
    in at most one merge per sweep, so the merges can be applied in order.
    """
    proposals: list[Merge] = []
    for story_id in dict.fromkeys(grown):
        best: Merge | None = None
        for other in index.neighbours(story_id):
            score = index.story_similarity(story_id, other)
            if score < threshold or (best is not None and score <= best.score):
                continue
            keep, gone = sorted((story_id, other))
            best = Merge(keep, gone, score)
        if best is not None:
            proposals.append(best)
    proposals.sort(key=lambda m: -m.score)
    chosen: list[Merge] = []
    taken: set[int] = set()
    for merge in proposals:
        if merge.keep in taken or merge.gone in taken:
            continue
        if not may_merge(merge.keep, merge.gone):
            continue
        chosen.append(merge)
        taken.update((merge.keep, merge.gone))
        if len(chosen) >= MAX_MERGES_PER_SWEEP:
            break
    return chosen
