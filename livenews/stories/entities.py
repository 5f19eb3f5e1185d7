"""People, places, organisations and key phrases, found in an article's own text.

Pure, and no model is downloaded: names are runs of capitalised words. A run
may hold the connectors of names ("Bank *of* England", "Charles *de*
Gaulle"). A single capitalised word that opens a sentence is kept only when
the text also writes it capitalised mid-sentence ("Police said…" is not a
name). Leading titles and honorifics are stripped ("President Aleksandr
Lukashenko" → "Aleksandr Lukashenko"), and a name that is the last word of a
longer name in the same text becomes that name ("Lukashenko" → "Aleksandr
Lukashenko"), so one person is one topic. The same merge is applied across
articles by the caller (``topics.py``).

Kinds, from the words around a name: a title or honorific before it makes a
*person*; an organisation word in it (Union, Ministry, Bank…) an
*organisation*; "in", "at", "from", "near" before it a *place*; anything else
is a key *phrase*. An article's topics are the names it mentions at least
``MIN_MENTIONS`` times or in its title: a name said once in passing does not
make a topic.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

MIN_MENTIONS = 2
MAX_TOPICS = 8
MAX_WORDS = 5
TEXT_CHARS = 4000

TITLES = frozenset(
    """president prime minister mr mrs ms miss dr sir dame lord lady king queen
    prince princess pope sen senator rep gov governor mayor gen general
    colonel col lt captain capt chancellor chairman chairwoman chief ceo
    secretary judge justice ambassador commissioner deputy spokesman
    spokeswoman spokesperson coach striker union leader opposition
    foreign interior finance defence defense health vice former late
    archbishop bishop rev father sheikh emir""".split()
)
ORGANISATION_WORDS = frozenset(
    """union ministry bank company inc ltd plc corp corporation party council
    agency association systems university department committee court police
    army navy federation institute commission league club fc group
    authority board parliament congress senate government airlines
    rovers athletic united""".split()
)
PLACE_CUES = frozenset("in at from near to across outside into".split())
DEMONYM_ENDINGS = ("ian", "ese", "ish", "ean")
CONNECTORS = frozenset("of de del da di von van der al bin le la du".split())
NOT_NAMES = frozenset(
    """the a an this that these those it its he she they we i you his her
    their our my but and or if when while after before as at in on for of
    to by with from about there here what which who why how monday tuesday
    wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today
    yesterday tomorrow breaking update live watch read more photo video""".split()
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*", re.UNICODE)
_SENTENCE_END = frozenset('.!?:;"“”«»\n')


@dataclass(frozen=True)
class Entity:
    name: str
    kind: str  # person, place, organisation or phrase
    mentions: int


def extract_entities(title: str, text: str) -> list[Entity]:
    """Return an article's topics, most mentioned first."""
    runs = _runs(title) + _runs(text[:TEXT_CHARS])
    mid_sentence = {w for words, starts, _ in runs if not starts for w in words}
    counts: Counter[str] = Counter()
    kinds: dict[str, str] = {}
    for words, starts, before in runs:
        name_words, person = _strip_titles(words)
        if not name_words:
            continue
        lone = starts and not person and len(name_words) == 1
        if lone and name_words[0] not in mid_sentence:
            continue
        name = " ".join(name_words)
        counts[name] += 1
        kinds[name] = _kind(name_words, person, before, kinds.get(name))
    merged = merge_surnames(counts, kinds)
    for full in merged:
        if full not in counts or merged[full] > counts[full]:
            kinds[full] = "person"  # a name also said by its last word alone
    in_title = {" ".join(_strip_titles(w)[0]) for w, _, _ in _runs(title)}
    chosen = [
        Entity(full, kinds.get(full, "phrase"), total)
        for full, total in merged.items()
        if total >= MIN_MENTIONS or full in in_title
    ]
    chosen.sort(key=lambda e: (-e.mentions, e.name))
    return chosen[:MAX_TOPICS]


def is_full_name(name: str, kind: str) -> bool:
    """Return True for a name a lone surname may stand for (2 or 3 plain words)."""
    words = name.split()
    return (
        kind in ("person", "phrase")
        and 2 <= len(words) <= 3
        and not any(w in CONNECTORS for w in words)
    )


def merge_surnames(counts: Counter[str], kinds: dict[str, str]) -> Counter[str]:
    """Count a one-word name into the longest full name seen that ends with it."""
    merged: Counter[str] = Counter()
    names = sorted(counts, key=lambda n: -len(n.split()))
    for name in names:
        target = name
        if " " not in name:
            longer = [
                n
                for n in names
                if n.endswith(" " + name) and is_full_name(n, kinds.get(n, "phrase"))
            ]
            if longer:
                target = max(longer, key=lambda n: (len(n.split()), counts[n]))
        merged[target] += counts[name]
    return merged


def _runs(text: str) -> list[tuple[list[str], bool, str]]:
    """Return runs of capitalised words: (words, opens a sentence, word before)."""
    runs: list[tuple[list[str], bool, str]] = []
    current: list[str] = []
    starts = False
    before = ""
    previous = ""
    previous_end = 0
    for match in _WORD.finditer(text):
        word = match.group()
        gap = text[previous_end : match.start()]
        broken = any(ch in _SENTENCE_END or ch == "," for ch in gap)
        capital = word[0].isupper() and word.casefold() not in NOT_NAMES
        if current and not broken and (capital or word in CONNECTORS):
            current.append(word)
        else:
            _close(runs, current, starts, before)
            current = []
            if capital:
                current = [word]
                starts = previous_end == 0 or any(ch in _SENTENCE_END for ch in gap)
                before = previous.casefold()
        previous, previous_end = word, match.end()
    _close(runs, current, starts, before)
    return runs


def _close(
    runs: list[tuple[list[str], bool, str]], words: list[str], starts: bool, before: str
) -> None:
    while words and words[-1] in CONNECTORS:
        words = words[:-1]
    if words and len(words) <= MAX_WORDS:
        runs.append((words, starts, before))


def _strip_titles(words: list[str]) -> tuple[list[str], bool]:
    """Drop leading titles and honorifics; say whether there was one."""
    index = 0
    while index < len(words) and words[index].rstrip(".").casefold() in TITLES:
        index += 1
    return words[index:], index > 0


def _kind(words: list[str], person: bool, before: str, known: str | None) -> str:
    if any(w.casefold() in ORGANISATION_WORDS for w in words):
        return "organisation"
    if person or known == "person":
        return "person"
    if len(words) == 1 and words[0].endswith(DEMONYM_ENDINGS):
        return "phrase"  # "Belarusian", "Japanese": adjectives, not places
    if before in PLACE_CUES or known == "place":
        return "place"
    return known or "phrase"
