"""Assign an article to a story by the overlap of key title terms.

The foundation's clusterer, kept deliberately simple until the stories issue
replaces it: an article's *terms* are the distinct case-folded words of its
title and lead (three letters or more, minus common stop words). It joins the
open story whose terms it overlaps most, measured by the overlap coefficient
``|A ∩ B| / min(|A|, |B|)``, when that is at least ``THRESHOLD`` and at least
``MIN_SHARED`` terms are shared; otherwise it starts a new story. Only stories
updated within the caller's window are candidates, so old stories close.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

THRESHOLD = 0.5
MIN_SHARED = 3
MAX_STORY_TERMS = 80
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
STOP_WORDS = frozenset(
    """about after again all also amid and any are been being boy but can
    come could day did for from get good had has have her here him his
    how into its just know let like long make man many more much near new
    not now old one only other our out over put said say says see she
    some still such take than that the their them there these they this
    those time told too two under use very want was way well were what
    when where which while who will with would you your""".split()
)


@dataclass(frozen=True)
class StoryCandidate:
    story_id: int
    terms: frozenset[str]


def key_terms(*texts: str) -> frozenset[str]:
    """Return the distinct content words of ``texts``."""
    # casefold, not lower: "STRASSE" and "Straße" are one term.
    words = (w.casefold() for text in texts for w in _WORD.findall(text))
    return frozenset(w for w in words if w not in STOP_WORDS)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Return the overlap coefficient of two term sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def choose_story(
    terms: frozenset[str], candidates: Iterable[StoryCandidate]
) -> int | None:
    """Return the id of the best matching story, or None to start a new one."""
    best_id, best_score = None, 0.0
    for candidate in candidates:
        shared = len(terms & candidate.terms)
        score = overlap(terms, candidate.terms)
        if shared >= MIN_SHARED and score >= THRESHOLD and score > best_score:
            best_id, best_score = candidate.story_id, score
    return best_id


def merge_terms(existing: frozenset[str], new: frozenset[str]) -> frozenset[str]:
    """Return the story's terms grown by an article's, capped in size."""
    merged = existing | new
    if len(merged) <= MAX_STORY_TERMS:
        return merged
    room = max(0, MAX_STORY_TERMS - len(existing))  # a negative slice would add
    return existing | frozenset(sorted(new - existing)[:room])
