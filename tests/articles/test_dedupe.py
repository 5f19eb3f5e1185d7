"""Near-duplicates: signatures, LSH lookups, and a perturbation test set.

The test set takes every demo sample article (reports of six events by three
outlets: the hard negatives are other outlets' reports of the same event) and
makes copies the way syndication does: cut, re-ordered paragraphs, a new
headline, added boilerplate, and combinations. The index must find each copy's
original (recall) and must not call two different reports copies (precision).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from livenews.articles import dedupe
from livenews.core.html import html_to_text
from livenews.demo.wire import load_samples

BOILERPLATE = [
    "Sign up for our morning newsletter and get the day's top stories in your inbox.",
    "This article was republished from our partner wire under a content licence.",
    "Follow us on social media for live updates. Reporting by our correspondents.",
]


@dataclass(frozen=True)
class Doc:
    key: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def originals() -> list[Doc]:
    _, samples = load_samples()
    return [
        Doc(
            f"{s.story}-{s.index}",
            s.title,
            (s.summary, *html_to_text(s.body_html).split("\n")),
        )
        for s in samples
    ]


def cut(doc: Doc, rng: random.Random) -> Doc:
    """Keep the first 60 to 85 % of the words (an outlet trimming the end)."""
    words = doc.text.split()
    keep = int(len(words) * rng.uniform(0.6, 0.85))
    return Doc(doc.key, doc.title, (" ".join(words[:keep]),))


def reorder(doc: Doc, rng: random.Random) -> Doc:
    paragraphs = list(doc.paragraphs)
    rng.shuffle(paragraphs)
    return Doc(doc.key, doc.title, tuple(paragraphs))


def retitle(doc: Doc, rng: random.Random) -> Doc:
    return Doc(doc.key, "UPDATE: " + doc.title[::-1], doc.paragraphs)


def add_boilerplate(doc: Doc, rng: random.Random) -> Doc:
    extra = rng.choice(BOILERPLATE)
    return Doc(doc.key, doc.title, (extra, *doc.paragraphs, extra))


PERTURBATIONS = [cut, reorder, retitle, add_boilerplate]


def perturbed_copies(doc: Doc, rng: random.Random) -> list[Doc]:
    """Return one copy per perturbation and three of two perturbations combined."""
    copies = [change(doc, rng) for change in PERTURBATIONS]
    for _ in range(3):
        first, second = rng.sample(PERTURBATIONS, 2)
        copies.append(second(first(doc, rng), rng))
    return copies


def measure() -> tuple[float, float, int]:
    """Return (precision, recall, copies) of copy detection on the test set."""
    rng = random.Random(4)
    docs = originals()
    index = dedupe.DuplicateIndex()
    for number, doc in enumerate(docs):
        index.add(number, "", doc.key, dedupe.fingerprint(doc.text))
    true_pos = false_pos = copies = 0
    for number, doc in enumerate(docs):
        for copy in perturbed_copies(doc, rng):
            copies += 1
            found = index.find("", "", dedupe.fingerprint(copy.text))
            if found is not None:
                true_pos += found.original_id == number
                false_pos += found.original_id != number
    # Every original against all the others: any hit is a false positive.
    for number, doc in enumerate(docs):
        others = dedupe.DuplicateIndex()
        for other_number, other in enumerate(docs):
            if other_number != number:
                others.add(other_number, "", other.key, dedupe.fingerprint(other.text))
        false_pos += others.find("", "", dedupe.fingerprint(doc.text)) is not None
    found_any = true_pos + false_pos
    precision = true_pos / found_any if found_any else 1.0
    return precision, true_pos / copies, copies


def test_perturbed_copies_are_found_and_other_reports_are_not() -> None:
    precision, recall, copies = measure()
    print(f"dedupe precision={precision:.3f} recall={recall:.3f} copies={copies}")
    assert copies == 42 * 7
    assert precision >= 0.95
    assert recall >= 0.90


def test_reports_of_one_event_by_other_outlets_are_not_copies() -> None:
    docs = [d for d in originals() if d.key.startswith("port-strike-")]
    sigs = [dedupe.fingerprint(d.text) for d in docs]
    for i, a in enumerate(sigs):
        for b in sigs[i + 1 :]:
            assert a is not None and b is not None
            assert not dedupe.is_near_duplicate(a, b)


def test_identical_text_has_similarity_one_and_is_stable_across_calls() -> None:
    text = originals()[0].text
    first, second = dedupe.fingerprint(text), dedupe.fingerprint(text)
    assert first is not None
    assert first == second
    assert dedupe.similarity(first, second) == 1.0
    assert len(first) == dedupe.NUM_PERM


def test_a_one_line_text_is_too_short_to_fingerprint() -> None:
    assert dedupe.fingerprint("Harbour strike ends after three days") is None


def test_exact_matches_by_url_or_hash_win_without_a_signature() -> None:
    index = dedupe.DuplicateIndex()
    index.add(1, "https://a.example/x", "h1", None)
    assert index.find("https://a.example/x", "", None) == dedupe.Copy(1, 1.0, True)
    assert index.find("", "h1", None) == dedupe.Copy(1, 1.0, True)
    assert index.find("https://a.example/y", "h2", None) is None


def test_band_keys_fit_a_signed_bigint_and_encode_round_trips() -> None:
    sig = dedupe.fingerprint(originals()[3].text)
    assert sig is not None
    keys = dedupe.band_keys(sig)
    assert len(keys) == dedupe.BANDS
    assert all(-(2**63) <= k < 2**63 for k in keys)
    assert dedupe.decode(dedupe.encode(sig)) == sig


@pytest.mark.parametrize("change", PERTURBATIONS, ids=lambda f: f.__name__)
def test_each_perturbation_alone_keeps_a_copy_findable(change) -> None:
    doc = originals()[0]
    index = dedupe.DuplicateIndex()
    index.add(7, "", "", dedupe.fingerprint(doc.text))
    found = index.find("", "", dedupe.fingerprint(change(doc, random.Random(1)).text))
    assert found is not None and found.original_id == 7
