"""Parse a reader's search box into a query both backends run the same way.

The syntax is the familiar web one (that of PostgreSQL's
``websearch_to_tsquery``): words must all match, ``"quoted words"`` match as a
phrase, ``-word`` or ``-"a phrase"`` excludes, ``OR`` between two items accepts
either, ``word*`` is a prefix. Everything else, including FTS5's own operators
(``AND``, ``NOT``, ``NEAR(``, ``^``, ``:``, parentheses), is plain text: every
word goes through ``textfold`` and is emitted quoted, so no input can be a
syntax error on either backend. The input is cut at ``MAX_QUERY_CHARS`` and
``MAX_ITEMS`` items.

The parsed query compiles to an FTS5 ``MATCH`` expression and to a PostgreSQL
``to_tsquery`` expression; the two agree because both index ``textfold``'s
tokens. (``websearch_to_tsquery`` would parse the raw text its own way, which
FTS5 cannot copy, and it has no prefix search.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from livenews.search.textfold import query_tokens

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


def _phrase(text: str, quoted: bool) -> Phrase | None:
    star = not quoted and text.endswith("*")
    tokens, lone_cjk = query_tokens(text)
    if not tokens:
        return None
    prefix = lone_cjk or (star and len(tokens[-1]) >= MIN_PREFIX_CHARS)
    return Phrase(tuple(tokens), prefix)


def parse_query(text: str) -> SearchQuery:
    """Return the parsed query (empty when nothing searchable is left)."""
    query = SearchQuery()
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
            phrase = _phrase(bare[1:] if negated else bare, quoted=False)
        else:
            phrase = _phrase(quoted, quoted=True)
        if phrase is None:
            continue
        if negated:
            query.excluded.append(phrase)
        elif join_next:
            query.required[-1].append(phrase)
        else:
            query.required.append([phrase])
        join_next = False
        if len(query.required) + len(query.excluded) >= MAX_ITEMS:
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
