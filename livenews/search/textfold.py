"""Turn text into the search index's words, the same way for documents and queries.

Both backends index the *output* of this module, so SQLite FTS5 and PostgreSQL
see the same words and a query finds the same articles on either:

1. **Fold**: NFKD, then drop the accents of Latin, Greek and Cyrillic letters
   ("Zürich" → "zurich", "São" → "sao"), then casefold ("Straße" → "strasse"),
   then NFC. Marks of other scripts are kept: a Japanese voiced kana (が) or a
   Devanagari vowel sign changes the word, not just its accent.
2. **Words**: runs of letters, digits and marks; everything else separates.
   Words longer than ``MAX_WORD`` characters are dropped (base64 blobs, hashes;
   PostgreSQL refuses words over 2 KB anyway).
3. **Scripts written without spaces** (Chinese, Japanese kana and kanji,
   Korean Hangul): each run of such characters becomes its overlapping
   character *bigrams*, the scheme of Lucene's CJK analyzer. "在北京举行" is
   indexed as 在北 北京 京举 举行, so the query "北京" (one bigram) finds it
   without a dictionary. A document run also yields its last character alone,
   so every character starts some token and a one-character query can be a
   prefix search ("京" → 京*). A query run of two or more characters becomes the
   phrase of its bigrams ("北京举行" → "北京 京举 举行", adjacent).

4. **Stems**: a document's other words are reduced to their Snowball stem in
   the article's language (PyStemmer, the C Snowball library: "strikes",
   "striking" → strike; "Streiks" → streik; "élections" → elect), after
   folding, so a word typed with or without its accents still stems the same.
   Languages Snowball does not know (Ukrainian, Vietnamese, CJK, an unknown
   "") keep their folded words. A query word is stemmed in each of the
   languages it is searched in (``stem_tokens``), and keeps its folded form
   too, which is what an unstemmed document holds.

Stemming folded text costs some stems that lean on an accent or a letter the
fold merges (Russian "новый" → "новы" but "новая" → "нов"; French "journées"
→ "journe" against "journ" from the accented word); in exchange, accents and
case never change what a word finds, on documents and queries alike.

Known limit: a quoted phrase that crosses from a CJK run into a following
Latin word ("举行 news") does not match, because of the extra last-character
token between them.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Callable, Iterator

import Stemmer

MAX_WORD = 64

# Kana voicing marks (゙ ゚) are combining marks too, but change the kana.
_KEPT_MARKS = frozenset("\u3099\u309a")


def _has_droppable_accents(ch: str) -> bool:
    """Return True for Latin, Greek, Cyrillic (and Vietnamese) base letters."""
    if not ch:
        return False
    code = ord(ch)
    return code < 0x0530 or 0x1E00 <= code <= 0x1FFF


def fold_char(ch: str, previous: str) -> str:
    """Return the folded form of one character, given the previous original one.

    ``previous`` decides whether a lone combining mark is an accent to drop.
    """
    if unicodedata.combining(ch):
        if ch not in _KEPT_MARKS and _has_droppable_accents(previous):
            return ""
        return ch
    return _fold_base(ch)


@functools.lru_cache(maxsize=65536)
def _fold_base(ch: str) -> str:
    parts = unicodedata.normalize("NFKD", ch)
    if _has_droppable_accents(parts[0]):
        parts = "".join(p for p in parts if not unicodedata.combining(p))
    return unicodedata.normalize("NFC", parts.casefold())


def fold(text: str) -> str:
    """Return ``text`` without Latin-script accents, casefolded (see module doc)."""
    if text.isascii():
        return text.lower()
    out = []
    previous = ""
    for ch in text:
        out.append(ch.lower() if ch < "\x80" else fold_char(ch, previous))
        if not unicodedata.combining(ch):
            previous = ch
    return unicodedata.normalize("NFC", "".join(out))


def is_unspaced(ch: str) -> bool:
    """Return True for characters of scripts written without spaces between words."""
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0x31F0 <= code <= 0x31FF  # katakana phonetic extensions
        or 0x20000 <= code <= 0x3FFFF  # CJK extensions B and later
    )


def is_word_char(ch: str) -> bool:
    """Return True for letters, digits and marks (what words are made of)."""
    return unicodedata.category(ch)[0] in "LNM"


def words(folded: str) -> Iterator[str]:
    """Yield the words of already-folded text (runs of word characters)."""
    if folded.isascii():
        current = []
        for ch in folded:
            if ch.isalnum():
                current.append(ch)
            elif current:
                yield "".join(current)
                current = []
        if current:
            yield "".join(current)
        return
    start = -1
    for i, ch in enumerate(folded):
        if is_word_char(ch):
            if start < 0:
                start = i
        elif start >= 0:
            yield folded[start:i]
            start = -1
    if start >= 0:
        yield folded[start:]


def script_runs(word: str) -> Iterator[tuple[str, bool]]:
    """Yield (run, is_unspaced) for the runs of one word ("iphone发布" → 2 runs)."""
    if word.isascii():
        yield word, False
        return
    start = 0
    kind = is_unspaced(word[0])
    for i in range(1, len(word)):
        here = is_unspaced(word[i])
        if here != kind:
            yield word[start:i], kind
            start, kind = i, here
    yield word[start:], kind


def bigrams(run: str) -> list[str]:
    """Return the overlapping two-character pieces of ``run`` (at least one piece)."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


# Snowball knows Norwegian as "no" (Bokmål and Nynorsk alike).
_STEMMER_ALIASES = {"nb": "no", "nn": "no"}
# Stemmer objects keep state while they work: one per thread and language.
_stemmers = threading.local()
# Stems remembered per thread and language (news reuses words: a dict lookup
# is ~4x cheaper than Snowball, whose own cache measured slower than none).
MEMO_WORDS = 50_000


def _remembering_stemmer(code: str) -> Callable[[str], str]:
    """Return one language's stem function, remembering recent words."""
    stem_word = Stemmer.Stemmer(code, 0).stemWord
    memo: dict[str, str] = {}
    remembered = memo.get

    def stem(word: str) -> str:
        found = remembered(word)
        if found is None:
            if len(memo) >= MEMO_WORDS:
                memo.clear()
            found = memo[word] = stem_word(word) or word
        return found

    return stem


def language_code(language: str) -> str:
    """Return the primary subtag of a language tag ("en-GB" → "en")."""
    code = language.strip().replace("_", "-").split("-")[0].lower()
    return _STEMMER_ALIASES.get(code, code)


def stemmer(language: str) -> Callable[[str], str] | None:
    """Return the Snowball stem function of a language (ISO 639), or None."""
    code = language_code(language)
    if not code:
        return None
    cache: dict[str, Callable[[str], str] | None] | None = getattr(
        _stemmers, "by_code", None
    )
    if cache is None:
        cache = _stemmers.by_code = {}
    if code not in cache:
        try:
            cache[code] = _remembering_stemmer(code)
        except KeyError:
            cache[code] = None
    return cache[code]


def stems(language: str) -> bool:
    """Return True when Snowball has a stemmer for ``language``."""
    return stemmer(language) is not None


def _stemmed(stem: Callable[[str], str] | None, token: str) -> str:
    if stem is None or is_unspaced(token[0]):
        return token
    return stem(token)


def document_tokens(text: str, language: str = "") -> list[str]:
    """Return the index tokens of a document's text in ``language`` (ISO 639)."""
    stem = stemmer(language)
    tokens: list[str] = []
    for word in words(fold(text)):
        if len(word) > MAX_WORD:
            continue
        for run, unspaced in script_runs(word):
            if unspaced and len(run) > 1:
                tokens.extend(bigrams(run))
                tokens.append(run[-1])
            elif stem is not None and not unspaced:
                tokens.append(stem(run))
            else:
                tokens.append(run)
    return tokens


def document_text(text: str, language: str = "") -> str:
    """Return the index text of a document: its tokens, space-separated."""
    return " ".join(document_tokens(text, language))


def stem_tokens(tokens: list[str], language: str) -> list[str]:
    """Return query tokens as a document in ``language`` indexes them (CJK kept)."""
    stem = stemmer(language)
    return [_stemmed(stem, token) for token in tokens]


def query_tokens(word: str) -> tuple[list[str], bool]:
    """Return the tokens one query word must match as a phrase, and whether the
    last one is a prefix (a lone CJK character)."""
    tokens: list[str] = []
    for piece in words(fold(word)):
        if len(piece) > MAX_WORD:
            continue
        for run, unspaced in script_runs(piece):
            tokens.extend(bigrams(run) if unspaced else [run])
    lone_cjk = len(tokens) == 1 and len(tokens[0]) == 1 and is_unspaced(tokens[0])
    return tokens, lone_cjk
