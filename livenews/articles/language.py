"""Tell the language of an article whose feed names none (lingua, offline).

Pure: text in, an ISO 639-1 code out ("" when unsure); no Django, no network.
lingua ships its language models inside its wheel, so nothing is downloaded.

The detector knows only ``LANGUAGES`` and runs in lingua's low-accuracy mode.
Measured here (2026-11-28, docs/design-notes.md), per text of one sentence:

* all 75 languages, high accuracy: 2.8 s to load, ~1 GB resident, ~11 ms;
* all 75 languages, low accuracy: 0.4 s, ~140 MB, ~560 µs;
* these 20 languages, low accuracy: 0.1 s, ~55 MB, ~120 µs.

The cost grows with the text (~160 µs for 100 characters, ~790 µs for 400 on
a loaded core), so only the first ``SAMPLE_CHARS`` of title and lead are
read: about a fifth of a core at 1,000 articles a second. Low accuracy reads
trigrams only, which tells languages apart on a headline and a sentence.
A language outside the set comes out as its nearest neighbour in the set
or, more often, as unsure (""). Feeds that declare their language
(``<language>``, ``xml:lang``, JSON Feed ``language``) skip detection, and
so does the rest of a feed whose first ``AGREEING`` entries were all detected
in one language (``agreed_language``): a feed is nearly always written in one
language, and this spares ~85 % of the detections on a 20-item feed, at the
price of an odd entry in another language inheriting its feed's.
"""

from __future__ import annotations

import threading

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# The languages of most of the world's news output in feeds.
LANGUAGES = (
    "ar de en es fa fr hi id it ja ko nl pl pt ru sv tr uk vi zh"  # ISO 639-1
).split()
SAMPLE_CHARS = 160
AGREEING = 3

_lock = threading.Lock()
_detector: list[LanguageDetector] = []


def _load() -> LanguageDetector:
    with _lock:
        if not _detector:
            languages = [
                Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
                for code in LANGUAGES
            ]
            _detector.append(
                LanguageDetectorBuilder.from_languages(*languages)
                .with_low_accuracy_mode()
                .build()
            )
        return _detector[0]


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of ``text``'s language, or "" when unsure."""
    sample = text[:SAMPLE_CHARS].strip()
    if not sample:
        return ""
    found = _load().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else ""


def agreed_language(detected: list[str]) -> str:
    """Return the language of a feed's first entries when they agree, else ""."""
    first = detected[:AGREEING]
    if len(first) == AGREEING and first[0] and all(c == first[0] for c in first):
        return first[0]
    return ""


def primary_subtag(tag: str) -> str:
    """Return the language of a declared tag ("en-US" → "en"; junk → "")."""
    code = tag.strip().replace("_", "-").split("-")[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() else ""
