"""Find the original an article copies, in the database (exact and MinHash LSH).

The decisions are ``articles.dedupe``'s; this module only reads and writes the
rows: canonical URL and content hash are indexed columns of ``Article``, and
the LSH band keys of original articles are rows of ``FingerprintBand`` (an
index on ``key``), so a lookup reads only the articles sharing a band with the
new one, whatever the number of stored articles.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from livenews.articles import dedupe
from livenews.articles.models import Article
from livenews.stories.models import ArticleFingerprint, FingerprintBand

MAX_CANDIDATES = 200
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
