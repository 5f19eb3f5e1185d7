"""Map an entry's free-text feed categories and its source's default to one section.

Feeds label entries in their own words and languages ("World news",
"Politik", "Tech", "Football", "Économie"); the site has a short list of
sections (``SECTIONS``). The algorithm:

1. Each category is folded: case-folded (so "ß" becomes "ss"), accents
   stripped ("Économie" → "economie"), split into words at anything that is
   not a letter or digit ("News/World > Europe" → news, world, europe).
2. A category names a section when one of its words starts with one of the
   section's stems (``STEMS``). Stems are prefixes, so "politi" covers
   politics, political, Politik, politique and política at once. Sections are
   tried in ``STEMS`` order, most specific first, and the first hit wins: "World
   Cup" is sport, "Business & Tech" is technology, and "world" — the broadest
   word, found in many compound labels — is tried last.
3. Among the entry's categories, the section named most often wins; a tie
   goes to the one named first (feeds list the main category first).
4. When no category names a section, the source's default section (set by the
   operator, often from an OPML outline's ``category``) is read the same way;
   if it names none of ours, it is kept as its own section, slugified
   ("Local news" → ``local-news``), so an operator's custom section still gets
   a page.
5. Otherwise the article has no section (``""``).

Escape hatch: an editor's choice is the source's section; adding a word to
``STEMS`` is the way to teach the map a new label.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

# Slugs in the order the site lists them.
SECTIONS = (
    "world",
    "politics",
    "business",
    "technology",
    "science",
    "health",
    "environment",
    "sport",
    "culture",
)

# Tried in this order (most specific first; see the module docstring).
STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "sport",
        (
            "sport",
            "deportes",
            "deportiv",
            "football",
            "fussball",
            "futbol",
            "calcio",
            "soccer",
            "rugby",
            "cricket",
            "tennis",
            "golf",
            "cycling",
            "formula",
            "f1",
            "olympi",
            "athletic",
            "basketball",
            "baseball",
            "hockey",
            "nfl",
            "nba",
            "mlb",
            "nhl",
            "boxing",
            "cup",
            "league",
            "bundesliga",
            "liga",
            "ligue",
        ),
    ),
    (
        "technology",
        (
            "tech",
            "tecnolog",
            "digital",
            "computing",
            "computer",
            "internet",
            "gadget",
            "software",
            "ai",
            "cyber",
            "electronic",
            "netzwelt",
            "informatique",
        ),
    ),
    (
        "science",
        (
            "scien",
            "wissenschaft",
            "ciencia",
            "scienza",
            "wetenschap",
            "space",
            "astronom",
            "research",
            "forschung",
        ),
    ),
    (
        "health",
        (
            "health",
            "gesundheit",
            "sante",
            "salud",
            "saude",
            "salute",
            "medic",
            "wellbeing",
            "gezondheid",
        ),
    ),
    (
        "environment",
        (
            "environment",
            "climat",
            "klima",
            "umwelt",
            "ecolog",
            "medio",
            "ambiente",
            "milieu",
            "weather",
            "wetter",
        ),
    ),
    (
        "business",
        (
            "business",
            "econom",
            "oekonom",
            "okonom",
            "wirtschaft",
            "financ",
            "finanz",
            "market",
            "money",
            "negocio",
            "bourse",
            "boerse",
            "borse",
            "companies",
            "industr",
        ),
    ),
    (
        "politics",
        (
            "politi",
            "election",
            "elecci",
            "elezion",
            "electoral",
            "wahl",
            "government",
            "regierung",
            "parliament",
            "parlament",
            "congress",
            "senate",
        ),
    ),
    (
        "culture",
        (
            "cultur",
            "kultur",
            "arts",
            "art",
            "entertainment",
            "music",
            "musik",
            "musique",
            "film",
            "movie",
            "cinema",
            "kino",
            "book",
            "literat",
            "theat",
            "tv",
            "television",
            "feuilleton",
            "celebrit",
            "fashion",
        ),
    ),
    (
        "world",
        (
            "world",
            "international",
            "internacional",
            "internazional",
            "global",
            "ausland",
            "monde",
            "mundo",
            "esteri",
            "buitenland",
            "europe",
            "europa",
            "asia",
            "africa",
            "afrika",
            "americas",
            "middle",
            "welt",
        ),
    ),
)

# Short stems match whole words only: "ai" must not catch "aid", nor "art"
# "article", nor "tv" anything longer.
WHOLE_WORD_STEMS = frozenset(
    {"ai", "art", "arts", "cup", "f1", "tv", "nfl", "nba", "mlb", "nhl", "medio"}
)

MAX_SLUG = 40
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> list[str]:
    """Return the words of ``text`` case-folded and without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [word for word in _NON_WORD.split(plain) if word]


def _word_matches(word: str, stem: str) -> bool:
    if stem in WHOLE_WORD_STEMS:
        return word == stem
    return word.startswith(stem)


def section_of_label(label: str) -> str:
    """Return the section one category label names, or ``""``."""
    words = fold(label)
    for section, stems in STEMS:
        if any(_word_matches(word, stem) for word in words for stem in stems):
            return section
    return ""


def slugify(label: str) -> str:
    """Return ``label`` as a section slug ("Local news" → ``local-news``)."""
    return "-".join(fold(label))[:MAX_SLUG].strip("-")


def section_for(categories: Iterable[str], source_section: str = "") -> str:
    """Return the section slug for an entry's categories and its source's default."""
    named = [s for s in (section_of_label(c) for c in categories) if s]
    if named:
        counts = Counter(named)
        best = max(counts.values())
        return next(s for s in named if counts[s] == best)
    if not source_section.strip():
        return ""
    return section_of_label(source_section) or slugify(source_section)


def is_section_slug(slug: str) -> bool:
    """Return True when ``slug`` has the shape ``section_for`` produces."""
    return 0 < len(slug) <= MAX_SLUG and slugify(slug) == slug
