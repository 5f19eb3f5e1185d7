"""Highlight a query's words in an article's text, as safe HTML.

Snippets are built here, in Python, rather than by FTS5's ``snippet()`` or
PostgreSQL's ``ts_headline``: the index holds folded words and CJK bigrams, not
the text a reader sees, and one builder gives the same snippet on both
backends (``ts_headline`` also re-parses whole documents, the slowest part of
a PostgreSQL search).

How: the text is folded character by character (``textfold.fold_char``), keeping
each folded character's position in the original. The folded text is cut into
words (the runs ``textfold`` indexes outside Chinese, Japanese and Korean),
and each word is stemmed in the article's language, as the index did. A query
phrase matches a run of consecutive words each of which is one of its tokens,
stemmed or as written (a prefix: starts with it), so ``strike`` marks
"strikes" and "striking" in an English article. A phrase with CJK tokens is
found with a pattern instead: its bigrams joined, or a token joined to the
next by "any run of non-word characters". The window of ``width`` characters
holding the most matches is cut at word boundaries; the original text in it is
HTML-escaped and each match wrapped in ``<mark>``. Only those tags are markup:
everything else is escaped text, whatever the article contains.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from html import escape

from livenews.search.query import Phrase
from livenews.search.textfold import (
    fold_char,
    is_unspaced,
    is_word_char,
    script_runs,
    stemmer,
)

ELLIPSIS = "…"
SCANNED_CHARS = 5000


_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """Return the folded text and, per folded character, its original index."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    positions: list[int] = []
    previous = ""
    at = 0
    for run in _ASCII_RUNS.finditer(text):
        start, end = run.span()
        previous = _fold_others(text, at, start, previous, out, positions)
        out.append(run.group().lower())
        positions.extend(range(start, end))
        previous = text[end - 1]
        at = end
    _fold_others(text, at, len(text), previous, out, positions)
    return "".join(out), positions


def _fold_others(
    text: str, start: int, end: int, previous: str, out: list[str], positions: list[int]
) -> str:
    """Fold ``text[start:end]`` (no ASCII) into ``out``; return the last base char."""
    for i in range(start, end):
        ch = text[i]
        folded = fold_char(ch, previous)
        out.append(folded)
        positions.extend([i] * len(folded))
        if not unicodedata.combining(ch):
            previous = ch
    return previous


def _pattern(phrase: Phrase) -> str:
    pieces = []
    for i, token in enumerate(phrase.tokens):
        # Bigram tokens of one CJK run overlap by a character.
        if i and is_unspaced(token[0]) and is_unspaced(phrase.tokens[i - 1][-1]):
            pieces.append(re.escape(token[1:]))
        else:
            pieces.append((r"[\W_]*" if i else "") + re.escape(token))
    body = "".join(pieces)
    if not is_unspaced(phrase.tokens[0][0]):
        body = r"(?<![^\W_])" + body
    if not phrase.prefix and not is_unspaced(phrase.tokens[-1][-1]):
        body += r"(?![^\W_])"
    return body


_ASCII_WORD = re.compile(r"[a-z0-9]+")


def word_spans(folded: str) -> list[tuple[int, int]]:
    """Return the (start, end) of each word of ``folded`` outside CJK runs."""
    if folded.isascii():
        return [m.span() for m in _ASCII_WORD.finditer(folded)]
    spans: list[tuple[int, int]] = []
    start = -1
    for i, ch in enumerate(f"{folded} "):
        if i < len(folded) and is_word_char(ch):
            if start < 0:
                start = i
            continue
        if start >= 0:
            at = start
            for run, unspaced in script_runs(folded[start:i]):
                if not unspaced:
                    spans.append((at, at + len(run)))
                at += len(run)
            start = -1
    return spans


def _token_matches(token: str, prefix: bool, word: str, stem: str) -> bool:
    if prefix:
        return word.startswith(token) or stem.startswith(token)
    return token in (word, stem)


def _word_matches(
    folded: str, phrases: Sequence[Phrase], language: str
) -> list[tuple[int, int]]:
    spans = word_spans(folded)
    texts = [folded[start:end] for start, end in spans]
    stem = stemmer(language)
    stems = [stem(text) for text in texts] if stem else texts
    found: list[tuple[int, int]] = []
    for phrase in phrases:
        size = len(phrase.tokens)
        last = size - 1
        for i in range(len(spans) - last):
            if all(
                _token_matches(
                    token, phrase.prefix and j == last, texts[i + j], stems[i + j]
                )
                for j, token in enumerate(phrase.tokens)
            ):
                found.append((spans[i][0], spans[i + last][1]))
    return found


def _has_cjk(phrase: Phrase) -> bool:
    return any(is_unspaced(token[0]) for token in phrase.tokens)


def find_matches(
    folded: str, phrases: Sequence[Phrase], language: str = ""
) -> list[tuple[int, int]]:
    """Return sorted, non-overlapping (start, end) spans of ``phrases`` in
    ``folded``, a text in ``language``."""
    if not phrases:
        return []
    cjk = [p for p in phrases if _has_cjk(p)]
    found = _word_matches(folded, [p for p in phrases if not _has_cjk(p)], language)
    if cjk:
        pattern = re.compile("|".join(f"(?:{_pattern(p)})" for p in cjk))
        found += [m.span() for m in pattern.finditer(folded) if m.end() > m.start()]
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
        if end > start and (not spans or start >= spans[-1][1]):
            spans.append((start, end))
    return spans


def _original_spans(
    spans: list[tuple[int, int]], positions: list[int]
) -> list[tuple[int, int]]:
    return [(positions[start], positions[end - 1] + 1) for start, end in spans]


def _best_window(spans: list[tuple[int, int]], width: int) -> int:
    """Return the start of the ``width`` window covering the most spans."""
    best_start, best_count = spans[0][0], 0
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    return best_start


def _cut(text: str, start: int, width: int) -> tuple[int, int]:
    """Return a window of about ``width`` around ``start``, at word boundaries."""
    begin = max(0, start - width // 4)
    if begin:
        space = text.rfind(" ", max(0, begin - 20), begin + 1)
        begin = space + 1 if space >= 0 else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.find(" ", end - 20, end)
        end = space if space > begin else end
    return begin, end


def _marked(text: str, spans: list[tuple[int, int]], begin: int, end: int) -> str:
    parts: list[str] = []
    at = begin
    for start, stop in spans:
        if start < at or stop > end:
            continue
        parts.append(escape(text[at:start]))
        parts.append("<mark>" + escape(text[start:stop]) + "</mark>")
        at = stop
    parts.append(escape(text[at:end]))
    return "".join(parts)


def _spans(
    text: str, phrases: Sequence[Phrase], language: str
) -> list[tuple[int, int]]:
    folded, positions = fold_with_positions(text)
    return _original_spans(find_matches(folded, phrases, language), positions)


def highlight(text: str, phrases: Sequence[Phrase], language: str = "") -> str:
    """Return all of ``text`` (in ``language``) escaped, its matches in ``<mark>``."""
    return _marked(text, _spans(text, phrases, language), 0, len(text))


def _snippet_of(text: str, spans: list[tuple[int, int]], width: int) -> str:
    start = _best_window(spans, width) if spans else 0
    begin, end = _cut(text, start, width)
    html = _marked(text, spans, begin, end)
    if begin > 0:
        html = ELLIPSIS + html
    if end < len(text):
        html += ELLIPSIS
    return html


def snippet(
    text: str, phrases: Sequence[Phrase], width: int = 240, language: str = ""
) -> str:
    """Return escaped HTML of the best ``width``-character window of ``text``."""
    text = " ".join(text[:SCANNED_CHARS].split())
    return _snippet_of(text, _spans(text, phrases, language), width)


def best_snippet(
    texts: Sequence[str],
    phrases: Sequence[Phrase],
    width: int = 240,
    language: str = "",
) -> str:
    """Return the snippet of the first of ``texts`` that matches (else the first).

    Only the first ``SCANNED_CHARS`` of each text are searched, which bounds
    the work per result whatever an article's length.
    """
    present = [" ".join(t[:SCANNED_CHARS].split()) for t in texts if t.strip()]
    for text in present:
        spans = _spans(text, phrases, language)
        if spans:
            return _snippet_of(text, spans, width)
    return _snippet_of(present[0], [], width) if present else ""
