"""Find the original an article copies, in the database (exact and MinHash LSH).

The decisions are ``articles.dedupe``'s; this module only reads and writes the
rows: canonical URL and content hash are indexed columns of ``Article``, and
the LSH band keys of original articles are rows of ``FingerprintBand`` (an
index on ``key``), so a lookup reads only the articles sharing a band with the
new one, whatever the number of stored articles.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Field, Q

from livenews.articles import dedupe
from livenews.articles.models import Article
from livenews.core.timeutil import now
from livenews.stories.models import ArticleFingerprint, FingerprintBand

MAX_CANDIDATES = 200
BAND_KEYS_PER_QUERY = 5000
KEEP_FINGERPRINTS = timedelta(days=7)


def text_of(article: Article) -> str:
    """Return the text compared for near-duplicates (never the title)."""
    return article.body_text or article.summary


def find_original(
    article: Article, sig: dedupe.Signature | None
) -> tuple[Article, dedupe.Copy] | None:
    """Return the original ``article`` copies (the root of its copies), or None."""
    exact = Q()
    if article.canonical_url:
        exact |= Q(canonical_url=article.canonical_url)
    if article.content_hash:
        exact |= Q(content_hash=article.content_hash)
    if exact:
        same = (
            Article.objects.filter(exact)
            .exclude(pk=article.pk)
            .order_by("published_at", "id")
            .first()
        )
        if same is not None:
            return root_of(same), dedupe.Copy(same.pk, 1.0, True)
    if sig is None:
        return None
    near = _nearest(article, sig)
    if near is None:
        return None
    original = Article.objects.filter(pk=near.original_id).first()
    return (root_of(original), near) if original is not None else None


def _nearest(article: Article, sig: dedupe.Signature) -> dedupe.Copy | None:
    ids = list(
        FingerprintBand.objects.filter(key__in=dedupe.band_keys(sig))
        .exclude(article_id=article.pk)
        .values_list("article_id", flat=True)
        .distinct()[:MAX_CANDIDATES]
    )
    best: dedupe.Copy | None = None
    rows = ArticleFingerprint.objects.filter(article_id__in=ids).values_list(
        "article_id", "signature"
    )
    for article_id, text in sorted(rows):
        score = dedupe.similarity(sig, dedupe.decode(text))
        if score >= dedupe.THRESHOLD and (best is None or score > best.similarity):
            best = dedupe.Copy(article_id, score, False)
    return best


def root_of(article: Article) -> Article:
    """Return the original an article points to (itself when it is one)."""
    if article.duplicate_of_id is None:
        return article
    return Article.objects.get(pk=article.duplicate_of_id)


def record_fingerprint(article: Article, sig: dedupe.Signature) -> None:
    """Store an original's signature and band keys so later copies find it."""
    ArticleFingerprint.objects.create(article=article, signature=dedupe.encode(sig))
    FingerprintBand.objects.bulk_create(
        FingerprintBand(key=key, article=article) for key in dedupe.band_keys(sig)
    )


def become_original(article: Article, former: Article) -> None:
    """Make ``article`` (published earlier) the original of ``former``'s group."""
    Article.objects.filter(Q(pk=former.pk) | Q(duplicate_of=former)).update(
        duplicate_of=article
    )


def drop_old_fingerprints(at: datetime) -> None:
    """Forget the signatures of articles older than ``KEEP_FINGERPRINTS``.

    Copies are republished within days; keeping a week bounds the table.
    """
    old = ArticleFingerprint.objects.filter(created_at__lt=at - KEEP_FINGERPRINTS)
    ids = list(old.values_list("article_id", flat=True)[:10_000])
    FingerprintBand.objects.filter(article_id__in=ids).delete()
    ArticleFingerprint.objects.filter(article_id__in=ids).delete()


class Finder:
    """``find_original`` and ``record_fingerprint`` for the articles of one transaction.

    Built for a chunk of stored articles, it reads in bulk what single lookups
    would read one article at a time, with the same answers:

    * the stored articles sharing a canonical URL or content hash with any of
      them (one query: these columns do not change while placing), so an
      article without an exact twin costs no query; the twin found is read
      afresh, as its story may have changed earlier in the chunk;
    * the articles sharing a band key with any of them (one query), to which
      the originals recorded during the chunk are added in memory; their
      fingerprint rows are written together by ``flush`` at the chunk's end,
      before it commits.

    ``before_read`` is called before an article row is read (a twin or a near
    copy was found): the caller writes then what it kept back, so the row read
    is current (its story, its original).
    """

    def __init__(
        self, articles: list[Article], before_read: Callable[[], None] | None = None
    ) -> None:
        self.before_read = before_read
        self.signatures = {a.pk: dedupe.fingerprint(text_of(a)) for a in articles}
        self.twins: dict[tuple[str, str], list[tuple[datetime, int]]] = {}
        urls = {a.canonical_url for a in articles if a.canonical_url}
        hashes = {a.content_hash for a in articles if a.content_hash}
        if urls or hashes:
            rows = Article.objects.filter(
                Q(canonical_url__in=urls) | Q(content_hash__in=hashes)
            ).values_list("id", "canonical_url", "content_hash", "published_at")
            for pk, url, content_hash, published_at in rows:
                for twin in (("url", url), ("hash", content_hash)):
                    if twin[1]:
                        self.twins.setdefault(twin, []).append((published_at, pk))
        self.band_keys = {
            s: dedupe.band_keys(s) for s in self.signatures.values() if s is not None
        }
        self.bands: dict[int, set[int]] = {}
        keys = sorted({k for ks in self.band_keys.values() for k in ks})
        quote = connection.ops.quote_name
        table = quote(FingerprintBand._meta.db_table)
        with connection.cursor() as cursor:
            for at in range(0, len(keys), BAND_KEYS_PER_QUERY):
                part = keys[at : at + BAND_KEYS_PER_QUERY]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f"SELECT {quote('key')}, {quote('article_id')} FROM {table} "  # noqa: S608
                    f"WHERE {quote('key')} IN ({marks})",
                    part,
                )
                for key, article_id in cursor.fetchall():
                    self.bands.setdefault(key, set()).add(article_id)
        self.recorded: dict[int, dedupe.Signature] = {}

    def signature(self, article: Article) -> dedupe.Signature | None:
        if article.pk in self.signatures:
            return self.signatures[article.pk]
        return dedupe.fingerprint(text_of(article))

    def find_original(
        self, article: Article, sig: dedupe.Signature | None
    ) -> tuple[Article, dedupe.Copy] | None:
        """``find_original``, answered from the chunk's bulk reads."""
        twins = set(self.twins.get(("url", article.canonical_url), ()))
        twins |= set(self.twins.get(("hash", article.content_hash), ()))
        twins = {t for t in twins if t[1] != article.pk}
        if twins and (article.canonical_url or article.content_hash):
            self._before_read()
            same = Article.objects.get(pk=min(twins)[1])
            return root_of(same), dedupe.Copy(same.pk, 1.0, True)
        if sig is None:
            return None
        near = self._nearest(article, sig)
        if near is None:
            return None
        self._before_read()
        original = Article.objects.filter(pk=near.original_id).first()
        return (root_of(original), near) if original is not None else None

    def _before_read(self) -> None:
        if self.before_read is not None:
            self.before_read()

    def _keys(self, sig: dedupe.Signature) -> list[int]:
        keys = self.band_keys.get(sig)
        if keys is None:
            keys = self.band_keys[sig] = dedupe.band_keys(sig)
        return keys

    def _nearest(self, article: Article, sig: dedupe.Signature) -> dedupe.Copy | None:
        ids: set[int] = set()
        for key in self._keys(sig):
            ids |= self.bands.get(key, set())
        ids.discard(article.pk)
        chosen = sorted(ids)[:MAX_CANDIDATES]
        signatures = {i: self.recorded[i] for i in chosen if i in self.recorded}
        stored = [i for i in chosen if i not in self.recorded]
        if stored:
            rows = ArticleFingerprint.objects.filter(article_id__in=stored)
            for article_id, text in rows.values_list("article_id", "signature"):
                signatures[article_id] = dedupe.decode(text)
        best: dedupe.Copy | None = None
        for article_id, other in sorted(signatures.items()):
            score = dedupe.similarity(sig, other)
            if score >= dedupe.THRESHOLD and (best is None or score > best.similarity):
                best = dedupe.Copy(article_id, score, False)
        return best

    def record_fingerprint(self, article: Article, sig: dedupe.Signature) -> None:
        """``record_fingerprint``, written at ``flush``; later lookups see it now."""
        self.recorded[article.pk] = sig
        for key in self._keys(sig):
            self.bands.setdefault(key, set()).add(article.pk)

    def flush(self) -> None:
        """Write the fingerprints recorded since the last flush (two inserts)."""
        if not self.recorded:
            return
        # One executemany per table, without building models: 32 band rows
        # per original.
        quote = connection.ops.quote_name
        prints = quote(ArticleFingerprint._meta.db_table)
        created_at = ArticleFingerprint._meta.get_field("created_at")
        assert isinstance(created_at, Field)
        stamp = created_at.get_db_prep_save(now(), connection)
        bands = quote(FingerprintBand._meta.db_table)
        columns = f"{quote('key')}, {quote('article_id')}"
        rows = [
            (key, pk) for pk, sig in self.recorded.items() for key in self._keys(sig)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {prints} ({quote('article_id')}, {quote('signature')}, "  # noqa: S608
                f"{quote('created_at')}) VALUES (%s, %s, %s)",
                [(pk, dedupe.encode(sig), stamp) for pk, sig in self.recorded.items()],
            )
            cursor.executemany(
                f"INSERT INTO {bands} ({columns}) VALUES (%s, %s)",  # noqa: S608
                rows,
            )
        self.recorded = {}
