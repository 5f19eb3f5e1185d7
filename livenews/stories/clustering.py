"""Assign an article to a story by the overlap of key title terms.

The foundation's clusterer, kept deliberately simple until the stories issue
replaces it: an article's *terms* are the distinct lower-cased words of its
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
    """the and for are but not you all any can had her was one our out day get has
    him his how man new now old see two way who boy did its let put say she too use
    that with have this will your from they know want been good much some time very
    when come here just like long make many more only over such take than them well
    were what into after also said says about their there these would could other
    which while where being those under again still amid over near says told""".split()
)


@dataclass(frozen=True)
class StoryCandidate:
    story_id: int
    terms: frozenset[str]


def key_terms(*texts: str) -> frozenset[str]:
    """Return the distinct content words of ``texts``."""
    words = (w.lower() for text in texts for w in _WORD.findall(text))
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
    return existing | frozenset(sorted(new - existing)[: MAX_STORY_TERMS - len(existing)])
