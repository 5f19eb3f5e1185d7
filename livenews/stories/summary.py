"""A story's summary: the lead sentences of its most representative article.

Extractive and pure: no model, nothing generated. The source is the article
the clusterer finds closest to the story's centroid (the headline article), so
the summary moves with the headline as the story grows, unless an editor wrote
one (``Story.summary_by_editor``).

* **Text.** The article's feed summary when it says something (at least
  ``MIN_CHARS``), else its body; HTML is reduced to plain text
  (``core.html.html_to_text``: sanitizer first, entities decoded), so a
  summary is never markup. A lead that repeats the headline drops it.
* **Sentences.** Split after ``.``, ``!`` or ``?`` followed by a space and a
  capital, digit or quote, except after one-letter initials and common
  abbreviations ("Mr.", "U.S.", "Jan."), which end no sentence.
* **Length.** Whole sentences while they fit in ``MAX_CHARS`` (a standfirst
  of two or three sentences); a first sentence longer than that is cut at a
  word and ends with "…".
"""

from __future__ import annotations

import re

from livenews.core.html import html_to_text

MAX_CHARS = 320
MIN_CHARS = 40
_SPACE = re.compile(r"\s+")
_BOUNDARY = re.compile(
    r"(?<=[.!?])([\"'\u201d\u2019)]?)\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])"
)
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st gen col lt sgt capt gov sen rep rev
    u.s u.k u.n e.u jan feb mar apr jun jul aug sep sept oct nov dec
    inc ltd corp co no vs etc approx""".split()
)


def lead_summary(title: str, summary: str, body: str, limit: int = MAX_CHARS) -> str:
    """Return the lead sentences (plain text, at most ``limit`` chars) of an article."""
    text = _plain(summary)
    if len(text) < MIN_CHARS:
        text = _plain(body) or text
    heading = _plain(title)
    if heading and text.startswith(heading) and len(text) > len(heading):
        text = text[len(heading) :].lstrip(" .:-\u2014\u2013")
    chosen = ""
    for sentence in split_sentences(text):
        candidate = f"{chosen} {sentence}".strip()
        if len(candidate) > limit:
            break
        chosen = candidate
    if chosen or not text:
        return chosen
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "…"


def split_sentences(text: str) -> list[str]:
    """Split plain text into sentences (see the module docstring for the rule)."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()].rsplit(" ", 1)[-1].rstrip(".").lower()
        if len(before) == 1 or before in ABBREVIATIONS:
            continue
        sentences.append(text[start : match.end(1)].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return [s for s in sentences if s]


def _plain(fragment: str) -> str:
    return _SPACE.sub(" ", html_to_text(fragment)).strip() if fragment else ""
