"""Parse a reader's search box into a query both backends run the same way.

The syntax is the familiar web one (that of PostgreSQL's
``websearch_to_tsquery``): words must all match, ``"quoted words"`` match as a
phrase, ``-word`` or ``-"a phrase"`` excludes, ``OR`` between two items accepts
either, ``word*`` is a prefix. Everything else, including FTS5's own operators
(``AND``, ``NOT``, ``NEAR(``, ``^``, ``:``, parentheses), is plain text: every
word goes through ``textfold`` and is emitted quoted, so no input can be a
syntax error on either backend. The input is cut at ``MAX_QUERY_CHARS`` and
``MAX_ITEMS`` items.

**Word forms.** The index holds Snowball stems (see ``textfold``), so each
item becomes a choice of phrases: its folded words as typed (what an
unstemmed document holds) and, per language the query is searched in, their
stems; the distinct ones are OR-ed. "strikes" in English becomes
``"strikes" OR "strike"``, which finds "strike", "strikes" and "striking".
A quoted phrase is stemmed word by word, so it matches the word forms in that
order ("strikes continue" finds "strike continues"); the index has no exact
forms left to keep a phrase exact with. A negated item excludes all its forms.
``word*`` is a prefix of the *indexed* form (a stem, or an unstemmed word),
and also matches the forms of the word itself: "elections*" is
``"elections"* OR "elect"``, "protest*" finds "protesters" and "protesting".

The parsed query compiles to an FTS5 ``MATCH`` expression and to a PostgreSQL
``to_tsquery`` expression; the two agree because both index ``textfold``'s
tokens. (``websearch_to_tsquery`` would parse the raw text its own way, which
FTS5 cannot copy, and it has no prefix search.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from livenews.search.textfold import query_tokens, stem_tokens

MAX_QUERY_CHARS = 200
MAX_ITEMS = 12
MIN_PREFIX_CHARS = 2

_ITEM = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Phrase:
    """Tokens that must appear in this order, adjacent; the last maybe a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass
class SearchQuery:
    """All of ``required`` (each a choice of phrases), none of ``excluded``."""

    required: list[list[Phrase]] = field(default_factory=list)
    excluded: list[Phrase] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.required

    def phrases(self) -> list[Phrase]:
        """Return every phrase a result matches (for highlighting)."""
        return [phrase for choice in self.required for phrase in choice]


def _forms(text: str, quoted: bool, languages: Sequence[str]) -> list[Phrase]:
    """Return the phrases one item matches: as typed, then stemmed per language."""
    star = not quoted and text.endswith("*")
    tokens, lone_cjk = query_tokens(text)
    if not tokens:
        return []
    prefix = lone_cjk or (star and len(tokens[-1]) >= MIN_PREFIX_CHARS)
    typed = Phrase(tuple(tokens), prefix)
    forms = {typed: None}
    for language in languages:
        stemmed = Phrase(tuple(stem_tokens(tokens, language)))
        # A prefix already matches its own stem when the stem starts with it.
        if not (
            prefix
            and stemmed.tokens[:-1] == typed.tokens[:-1]
            and stemmed.tokens[-1].startswith(typed.tokens[-1])
        ):
            forms.setdefault(stemmed, None)
    return list(forms)


def parse_query(text: str, languages: Sequence[str] = ()) -> SearchQuery:
    """Return the parsed query (empty when nothing searchable is left).

    Each word also matches its stems in ``languages`` (ISO 639 codes; none:
    only the folded words as typed).
    """
    query = SearchQuery()
    items = 0
    join_next = False
    for match in _ITEM.finditer(text[:MAX_QUERY_CHARS]):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare == "OR":
                join_next = bool(query.required)
                continue
            if bare == "AND":
                continue
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            forms = _forms(bare[1:] if negated else bare, False, languages)
        else:
            forms = _forms(quoted, True, languages)
        if not forms:
            continue
        if negated:
            query.excluded.extend(forms)
        elif join_next:
            query.required[-1].extend(f for f in forms if f not in query.required[-1])
        else:
            query.required.append(forms)
        join_next = False
        items += 1
        if items >= MAX_ITEMS:
            break
    return query


def _fts5_phrase(phrase: Phrase) -> str:
    body = " ".join(token.replace('"', '""') for token in phrase.tokens)
    return f'"{body}"' + ("*" if phrase.prefix else "")


def to_fts5(query: SearchQuery) -> str:
    """Return the FTS5 ``MATCH`` expression of a non-empty query."""
    parts = []
    for choice in query.required:
        alternatives = " OR ".join(_fts5_phrase(p) for p in choice)
        parts.append(f"({alternatives})" if len(choice) > 1 else alternatives)
    expression = " AND ".join(parts)
    for phrase in query.excluded:
        expression = f"({expression}) NOT {_fts5_phrase(phrase)}"
    return expression


def _lexeme(token: str, prefix: bool) -> str:
    escaped = token.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'" + (":*" if prefix else "")


def _tsquery_phrase(phrase: Phrase) -> str:
    last = len(phrase.tokens) - 1
    lexemes = [
        _lexeme(token, phrase.prefix and i == last)
        for i, token in enumerate(phrase.tokens)
    ]
    return "(" + " <-> ".join(lexemes) + ")"


def to_tsquery(query: SearchQuery) -> str:
    """Return the ``to_tsquery('simple', …)`` text of a non-empty query."""
    parts = []
    for choice in query.required:
        parts.append("(" + " | ".join(_tsquery_phrase(p) for p in choice) + ")")
    parts.extend("!" + _tsquery_phrase(p) for p in query.excluded)
    return " & ".join(parts)
