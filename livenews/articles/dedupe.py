"""Find copies of an article: exact duplicates and near-duplicates (MinHash LSH).

Duplicates are grouped, never deleted: the caller points a copy at its
original (the earliest publication) and puts it in the original's story.

**Exact.** The same canonical URL, or the same content hash (title + text), is
the same article; the caller looks those up in its indexed columns.

**Near.** Wire copies, syndication and light edits share most of their text.
The text (not the title: outlets rewrite headlines) is cut into
``SHINGLE``-word shingles of case-folded words; each shingle is hashed once
(blake2b, stable across processes and runs) and the set is summarised by a
``NUM_PERM``-value MinHash signature, whose agreement rate estimates the
Jaccard similarity of the two shingle sets. Signatures are split into
``BANDS`` bands of ``ROWS`` values; two articles that agree on a whole band are
candidates (locality-sensitive hashing), so a lookup touches only the articles
that share a band key, not every stored article. A candidate is a duplicate
when the estimated Jaccard is at least ``THRESHOLD``.

Why these values: with 32 bands of 2 rows, a pair at Jaccard 0.4 becomes a
candidate with probability 1 - (1 - 0.4²)³² ≈ 0.996, a pair at 0.1 (two
reports of one event) with ≈ 0.27, and candidates are then checked on the
whole signature. ``THRESHOLD`` 0.45 sits between those populations: the
perturbation test set (tests/articles/test_dedupe.py: cuts to half the text,
re-ordered paragraphs, new headline, added boilerplate) keeps copies above
0.5, while separately written reports of one event share a few percent of
their 3-word shingles. Texts under ``MIN_SHINGLES`` shingles (a one-line feed
summary) are too short to judge and are only matched exactly.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

SHINGLE = 3
NUM_PERM = 64
BANDS = 32
ROWS = NUM_PERM // BANDS
THRESHOLD = 0.45
MIN_SHINGLES = 12

_MAX_HASH = (1 << 58) - 1
_ROTATION = 0x9E3779B97F4A7C1  # any large odd constant: keeps borrowed values apart
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

Signature = tuple[int, ...]


def shingles(text: str) -> set[int]:
    """Return the 64-bit hashes of the ``SHINGLE``-word shingles of ``text``."""
    words = [w.casefold() for w in _WORD.findall(text)]
    grams = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    return {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big")
        for g in grams
    }


def signature(hashed: Iterable[int]) -> Signature | None:
    """Return the MinHash signature of a shingle set, or None when it is too small.

    One-permutation hashing: each shingle hash falls into one of ``NUM_PERM``
    bins by its low bits and each bin keeps its minimum, so a signature costs
    one pass over the shingles instead of ``NUM_PERM``. Empty bins borrow the
    next filled bin's value, shifted by the distance (densification by
    rotation, Shrivastava & Li 2014), so short texts still compare bin by bin.
    """
    values = list(hashed)
    if len(values) < MIN_SHINGLES:
        return None
    bins: list[int | None] = [None] * NUM_PERM
    for value in values:
        slot, rest = value % NUM_PERM, value // NUM_PERM
        current = bins[slot]
        if current is None or rest < current:
            bins[slot] = rest
    filled = [0] * NUM_PERM
    for slot in range(NUM_PERM):
        step = 0
        while bins[(slot + step) % NUM_PERM] is None:
            step += 1
        found = bins[(slot + step) % NUM_PERM]
        assert found is not None
        filled[slot] = (found + step * _ROTATION) & _MAX_HASH
    return tuple(filled)


def fingerprint(text: str) -> Signature | None:
    """Return the signature of an article's text (None: too short to compare)."""
    return signature(shingles(text))


def band_keys(sig: Signature) -> list[int]:
    """Return one key per band, signed 63-bit so a database BIGINT holds it."""
    keys = []
    for band in range(BANDS):
        values = sig[band * ROWS : (band + 1) * ROWS]
        raw = "|".join(map(str, (band, *values))).encode()
        digest = hashlib.blake2b(raw, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True) >> 1)
    return keys


def similarity(a: Signature, b: Signature) -> float:
    """Return the Jaccard similarity estimated from two signatures."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / NUM_PERM


def is_near_duplicate(a: Signature, b: Signature) -> bool:
    return similarity(a, b) >= THRESHOLD


def encode(sig: Signature) -> str:
    """Return a signature as text for storage."""
    return " ".join(f"{v:x}" for v in sig)


def decode(text: str) -> Signature:
    return tuple(int(v, 16) for v in text.split())


@dataclass(frozen=True)
class Copy:
    """The article is a copy of ``original_id`` (exact or estimated ``similarity``)."""

    original_id: int
    similarity: float
    exact: bool


@dataclass
class DuplicateIndex:
    """An in-memory duplicate finder (evaluation, tests; the portal uses its DB)."""

    by_url: dict[str, int] = field(default_factory=dict)
    by_hash: dict[str, int] = field(default_factory=dict)
    bands: dict[int, list[int]] = field(default_factory=dict)
    signatures: dict[int, Signature] = field(default_factory=dict)

    def find(self, url: str, content_hash: str, sig: Signature | None) -> Copy | None:
        """Return the original this article copies, or None."""
        for key, table in ((url, self.by_url), (content_hash, self.by_hash)):
            if key and key in table:
                return Copy(table[key], 1.0, True)
        if sig is None:
            return None
        best: Copy | None = None
        seen: set[int] = set()
        for band in band_keys(sig):
            for doc_id in self.bands.get(band, ()):
                if doc_id in seen:
                    continue
                seen.add(doc_id)
                score = similarity(sig, self.signatures[doc_id])
                # Ties go to the earliest id: the original, not a later copy.
                better = best is None or (score, -doc_id) > (
                    best.similarity,
                    -best.original_id,
                )
                if score >= THRESHOLD and better:
                    best = Copy(doc_id, score, False)
        return best

    def add(
        self, doc_id: int, url: str, content_hash: str, sig: Signature | None
    ) -> None:
        """Remember an original (copies need not be added: they point to it)."""
        if url:
            self.by_url.setdefault(url, doc_id)
        if content_hash:
            self.by_hash.setdefault(content_hash, doc_id)
        if sig is not None:
            self.signatures[doc_id] = sig
            for key in band_keys(sig):
                self.bands.setdefault(key, []).append(doc_id)
