"""Word-level differences between two versions of a text, for readers.

Pure: strings in, a list of (kind, text) runs out, where kind is ``same``,
``removed`` or ``added``. Long unchanged runs are shortened to their ends so a
correction of one figure in a long article reads as a few lines.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

CONTEXT_WORDS = 12
_TOKEN = re.compile(r"\S+|\s+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Return the runs that turn ``old`` into ``new``."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("same", _shorten(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("added", "".join(b[j1:j2])))
    return runs


def _shorten(tokens: list[str]) -> str:
    limit = CONTEXT_WORDS * 2  # words and the spaces between them
    if len(tokens) <= 2 * limit:
        return "".join(tokens)
    return "".join(tokens[:limit]) + " … " + "".join(tokens[-limit:])
