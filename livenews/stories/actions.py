"""Place articles into stories, apply editors' decisions, and publish what changed.

The decisions are made by the pure modules (``articles.dedupe``,
``stories.clustering``, ``stories.lifecycle``); this module reads and writes
the rows around them. Editors' decisions are never undone: the algorithm only
adds new articles to open stories; it does not split, merge away, re-title a
story an editor titled, or reopen a merged story.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, QuerySet

from livenews.articles import dedupe
from livenews.articles.models import Article
from livenews.core.timeutil import now
from livenews.events.outbox import emit, emit_many
from livenews.events.types import (
    ArticleAdded,
    DomainEvent,
    StoryCreated,
    StoryUpdated,
)
from livenews.stories import (
    clustering,
    convergence,
    copies,
    divergence,
    lifecycle,
    openindex,
    ranking,
    summary,
    topics,
)
from livenews.stories.models import Story

SWEEP_EVERY = timedelta(minutes=1)
_last_sweep = [now() - SWEEP_EVERY]


PLACE_CHUNK = 50


def place_article(article: Article) -> Story:
    """Put a new article into its story (new or existing) and emit the events.

    A copy of an earlier article (same URL or text) joins its original's story
    and points to it. Call inside the transaction that created the article, so
    the article, its story and the outbox events commit together.
    """
    with openindex.open_index() as memory:
        _sweep_idle_stories()
        batch = _Batch(copies.Finder([article]))
        story = _place(memory, article, batch)
        _finish(memory, batch)
        return story


def place_waiting_articles(
    articles: Iterable[Article],
    on_placed: Callable[[Article], None] | None = None,
    chunk: int = PLACE_CHUNK,
) -> int:
    """Place articles stored in bulk (``awaits_story``); return how many were placed.

    They are placed ``chunk`` at a time, each chunk in one transaction: one
    ``UPDATE … RETURNING`` claims the chunk's articles still waiting (an
    article another worker claimed first is skipped; on PostgreSQL rows another
    worker holds are skipped, not waited for), each claimed article is placed,
    every story the chunk touched is recounted and saved once, and the events
    (one ``story.created``/``story.updated`` per touched story, then one
    ``article.added`` per article) are written in one insert. A crash loses at
    most the chunk's uncommitted work, which the next pass redoes; nothing is
    announced twice. Should a chunk fail (say, a deadlock between two workers
    on PostgreSQL), its articles are placed again one per transaction.
    ``on_placed`` is called with each article once its transaction has
    committed.
    """
    placed = 0
    pending = list(articles)
    with openindex.open_index() as memory:
        _sweep_idle_stories()
        for at in range(0, len(pending), max(1, chunk)):
            group = pending[at : at + max(1, chunk)]
            try:
                placed += _place_chunk(memory, group, on_placed)
            except DatabaseError:
                if len(group) == 1:
                    raise
                memory = _reopen_index()
                for article in _reloaded(group):
                    placed += _place_chunk(memory, [article], on_placed)
    return placed


def _place_chunk(
    memory: openindex.Memory,
    articles: list[Article],
    on_placed: Callable[[Article], None] | None,
) -> int:
    try:
        with transaction.atomic():
            claimed = _claim([a.pk for a in articles])
            mine = [a for a in articles if a.pk in claimed]
            batch = _Batch(copies.Finder(mine))
            for article in mine:
                article.awaits_story = False
                _place(memory, article, batch)
            _finish(memory, batch)
            if on_placed is not None and mine:
                transaction.on_commit(partial(_announce, on_placed, mine))
    except BaseException:
        # The index holds what the rolled-back chunk added: rebuild it.
        openindex.forget()
        raise
    return len(mine)


def _reopen_index() -> openindex.Memory:
    with openindex.open_index() as memory:
        return memory


def _reloaded(articles: list[Article]) -> list[Article]:
    ids = [a.pk for a in articles]
    return list(
        Article.objects.filter(pk__in=ids, awaits_story=True)
        .select_related("source")
        .order_by("id")
    )


def _announce(on_placed: Callable[[Article], None], articles: list[Article]) -> None:
    for article in articles:
        on_placed(article)


def _claim(ids: list[int]) -> set[int]:
    """Mark these articles as no longer waiting; return the ids this call claimed."""
    if not ids:
        return set()
    table = connection.ops.quote_name(Article._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    where = f"awaits_story = %s AND id IN ({marks})"
    if connection.features.has_select_for_update_skip_locked:
        # Rows another worker's open chunk holds are skipped, not waited for.
        where = f"id IN (SELECT id FROM {table} WHERE {where} FOR UPDATE SKIP LOCKED)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET awaits_story = %s WHERE {where} RETURNING id",  # noqa: S608
            [False, True, *ids],
        )
        return {row[0] for row in cursor.fetchall()}


@dataclass
class _Batch:
    """What one transaction's placements touched, finished once at its end."""

    finder: copies.Finder
    stories: dict[int, Story] = field(default_factory=dict)
    created: set[int] = field(default_factory=set)
    joined: dict[int, int] = field(default_factory=dict)
    first: dict[int, Article] = field(default_factory=dict)
    placed: list[tuple[Article, Story]] = field(default_factory=list)
    tags: topics.Tagger = field(default_factory=topics.Tagger)

    def touch(self, story: Story, created: bool, article: Article) -> None:
        self.stories[story.pk] = story
        self.joined[story.pk] = self.joined.get(story.pk, 0) + 1
        if created:
            self.created.add(story.pk)
            self.first[story.pk] = article
        self.placed.append((article, story))


def _finish(memory: openindex.Memory, batch: _Batch) -> None:
    """Recount and save each touched story once, then write the events at once."""
    batch.finder.flush()
    events: list[DomainEvent] = []
    for story_id, story in batch.stories.items():
        created = story_id in batch.created
        if created and batch.joined[story_id] == 1:
            _count_first_article(story, batch.first[story_id])
        else:
            _refresh(story)
        # This process wrote the story's state: the next sync need not re-read it.
        memory.seen[story_id] = story.updated_at
        events.append(_story_event(story, created))
    events.extend(_article_event(article, story) for article, story in batch.placed)
    emit_many(events)


def _place(memory: openindex.Memory, article: Article, batch: _Batch) -> Story:
    sig = batch.finder.signature(article)
    found = batch.finder.find_original(article, sig)
    story = _story_of(found[0], batch) if found else None
    if found is not None and story is not None:
        _attach_copy(article, found[0], story, sig, batch.finder)
        created = False
    else:
        if sig is not None:
            batch.finder.record_fingerprint(article, sig)
        story, created = _assign(memory, article, batch)
    batch.touch(story, created, article)
    return story


def _story_of(original: Article, batch: _Batch) -> Story | None:
    story_id = original.story_id
    for _ in range(10):  # follow merges
        if story_id is None:
            return None
        if story_id in batch.stories:  # locked and up to date in this transaction
            return batch.stories[story_id]
        story = Story.objects.select_for_update().filter(pk=story_id).first()
        if story is None or story.merged_into_id is None:
            return story
        story_id = story.merged_into_id
    return None


def _attach_copy(
    article: Article,
    original: Article,
    story: Story,
    sig: dedupe.Signature | None,
    finder: copies.Finder,
) -> None:
    if article.published_at < original.published_at:
        copies.become_original(article, original)
        if sig is not None:
            finder.record_fingerprint(article, sig)
        article.duplicate_of = None
    else:
        article.duplicate_of = original
    article.story = story
    # An UPDATE, not save(): the search's triggers copy story_id themselves.
    Article.objects.filter(pk=article.pk).update(
        story=story, duplicate_of=article.duplicate_of
    )


def _assign(
    memory: openindex.Memory, article: Article, batch: _Batch
) -> tuple[Story, bool]:
    features = openindex.article_features(article)
    index = memory.index
    index.observe(features)
    when = now()
    story = _choose_open_story(index, features, when, batch)
    created = story is None
    if story is None:
        story = Story.objects.create(
            headline=article.title,
            summary=_summary_of(article),
            lead_image_url=article.lead_image_url,
            first_seen_at=article.published_at,
            headline_article=article,
        )
        index.remove(story.pk)  # an id a rolled-back story once had
        batch.tags.story_topics[story.pk] = set()  # a new story has no topics yet
    state = index.add(story.pk, features, when)
    article.story = story
    Article.objects.filter(pk=article.pk).update(story=story)
    story.cluster_state = openindex.dump_state(state)
    story.terms = " ".join(index.top_terms(story.pk))
    if not created:
        _pick_headline(index, story, article, features)
    batch.tags.tag_story(story, article)
    return story, created


def _choose_open_story(
    index: clustering.StoryIndex,
    features: clustering.Features,
    when: Any,
    batch: _Batch,
) -> Story | None:
    tried: set[int] = set()
    for _ in range(5):
        match = index.choose(features, when, frozenset(tried))
        if match is None:
            return None
        story = batch.stories.get(match.story_id)
        if story is None:
            story = (
                Story.objects.select_for_update()
                .filter(pk=match.story_id, merged_into__isnull=True)
                .exclude(status="closed")
                .first()
            )
        elif story.status == "closed" or story.merged_into_id is not None:
            story = None
        if story is not None:
            return story
        index.remove(match.story_id)  # gone, closed or merged since we saw it
        tried.add(match.story_id)
    return None


def _pick_headline(
    index: clustering.StoryIndex,
    story: Story,
    article: Article,
    features: clustering.Features,
) -> None:
    """Make the article closest to the centroid the story's headline article."""
    current = story.headline_article
    current_score = (
        index.similarity(openindex.article_features(current), story.pk)
        if current is not None
        else 0.0
    )
    if index.similarity(features, story.pk) > current_score:
        story.headline_article = article
        story.headline = article.title
        if not story.summary_by_editor:
            story.summary = _summary_of(article)
    if not story.lead_image_url:
        story.lead_image_url = article.lead_image_url


def _refresh(story: Story) -> None:
    """Recount a story and update its pace and status."""
    at = now()
    visible = Article.objects.filter(story=story, hidden=False)
    counts = visible.aggregate(sources=Count("source", distinct=True))
    story.article_count = visible.filter(duplicate_of__isnull=True).count()
    story.source_count = counts["sources"]
    recent = Article.objects.filter(
        story=story, stored_at__gte=at - lifecycle.VELOCITY_WINDOW
    ).count()
    story.velocity = lifecycle.velocity(recent)
    story.section = _most_common_section(visible)
    story.updated_at = at
    story.status = lifecycle.status(story.first_seen_at, at, story.velocity, at)
    story.save()


def _count_first_article(story: Story, article: Article) -> None:
    """Do ``_refresh`` for a story just started by ``article``, without its queries.

    Its only article is an original from one source, so the counts are known
    (tests/test_pipeline.py checks they equal a full recount).
    """
    at = now()
    shown = int(not article.hidden)
    story.article_count = story.source_count = shown
    recent = int(article.stored_at >= at - lifecycle.VELOCITY_WINDOW)
    story.velocity = lifecycle.velocity(recent)
    story.section = article.section if shown else ""
    story.updated_at = at
    story.status = lifecycle.status(story.first_seen_at, at, story.velocity, at)
    story.save()


def _most_common_section(visible: QuerySet[Article]) -> str:
    """Return the section most of ``visible`` belong to (ties: alphabetical)."""
    top = (
        visible.exclude(section="")
        .values_list("section")
        .annotate(n=Count("id"))
        .order_by("-n", "section")
        .first()
    )
    return top[0] if top else ""


def _sweep_idle_stories() -> None:
    """Close stories idle beyond the window and calm those without recent articles.

    Runs at most once per ``SWEEP_EVERY`` per process; two indexed updates.
    Emits nothing: the front page reads status at render time.
    """
    at = now()
    previous = _last_sweep[0]
    if at - previous < SWEEP_EVERY:
        return
    _last_sweep[0] = at
    Story.objects.filter(
        status__in=openindex.OPEN, updated_at__lt=at - clustering.WINDOW
    ).update(status="closed", velocity=0.0)
    Story.objects.filter(
        status="developing", updated_at__lt=at - lifecycle.VELOCITY_WINDOW
    ).update(status="steady", velocity=0.0)
    copies.drop_old_fingerprints(at)
    split_diverged_stories(since=previous)
    merge_converging_stories(since=previous)


def _summary_of(article: Article) -> str:
    return summary.lead_summary(article.title, article.summary, article.body_text)


def merge_converging_stories(since: datetime) -> list[Story]:
    """Merge the open stories that converged (``stories.convergence``); return the kept.

    Only stories updated since ``since`` are checked. Editors' decisions stand:
    a story split off by an editor is never merged back, and the story an
    editor touched is the one kept.
    """
    grown = list(
        Story.objects.filter(
            updated_at__gte=since,
            status__in=openindex.OPEN,
            merged_into__isnull=True,
        ).values_list("id", flat=True)[:1000]
    )
    if not grown:
        return []
    with openindex.open_index() as memory:
        merges = convergence.find_merges(memory.index, grown, _may_merge)
    kept = []
    for merge in merges:
        pair = Story.objects.filter(pk__in=[merge.keep, merge.gone])
        one, other = sorted(pair, key=lambda s: (not _edited(s), s.pk))
        with transaction.atomic():
            kept.append(merge_stories(one, other))
    return kept


_checked_sizes: dict[int, int] = {}


def split_diverged_stories(since: datetime) -> list[Story]:
    """Split the open stories that gathered two events (``stories.divergence``).

    Only stories updated since ``since`` and grown enough since their last
    check are looked at; never one an editor touched, merged into or split.
    Returns the new stories (each announced as ``story.created``, its origin
    as ``story.updated``).
    """
    rows = Story.objects.filter(
        updated_at__gte=since,
        status__in=openindex.OPEN,
        merged_into__isnull=True,
        article_count__gte=divergence.MIN_STORY,
        article_count__lte=divergence.MAX_MEMBERS,
        editor_headline="",
        pinned=False,
        summary_by_editor=False,
        boost=0.0,
        split_from__isnull=True,
    )[:200]
    if len(_checked_sizes) > 100_000:  # closed stories' entries: start afresh
        _checked_sizes.clear()
    due = [s for s in rows if divergence.is_due(s.article_count, _checked(s))]
    ids = [s.pk for s in due]
    curated = set(
        Story.objects.filter(merged_into__in=ids).values_list("merged_into", flat=True)
    ) | set(
        Story.objects.filter(split_from__in=ids).values_list("split_from", flat=True)
    )
    new_stories = []
    for story in due:
        _checked_sizes[story.pk] = story.article_count
        if story.pk in curated:
            continue
        originals = Article.objects.filter(
            story=story, duplicate_of__isnull=True, hidden=False
        ).order_by("published_at", "id")
        members = [(a.pk, openindex.article_features(a)) for a in originals]
        with openindex.open_index() as memory:
            split = divergence.find_split(memory.index, members)
        if split is not None:
            with transaction.atomic():
                new_stories.append(_split_off(story, split.move, split_from=None))
    return new_stories


def _checked(story: Story) -> int:
    return _checked_sizes.get(story.pk, 0)


def _may_merge(one_id: int, other_id: int) -> bool:
    pair = list(Story.objects.filter(pk__in=[one_id, other_id]))
    if len(pair) != 2:
        return False
    one, other = pair
    split_apart = (
        one.split_from_id == other.pk
        or other.split_from_id == one.pk
        or (one.split_from_id is not None and one.split_from_id == other.split_from_id)
    )
    both_titled = bool(one.editor_headline and other.editor_headline)
    still_open = all(
        s.status in openindex.OPEN and s.merged_into_id is None for s in pair
    )
    return still_open and not split_apart and not both_titled


def _edited(story: Story) -> bool:
    return bool(
        story.editor_headline or story.pinned or story.summary_by_editor or story.boost
    )


# --- editors' decisions -----------------------------------------------------------


def merge_stories(keep: Story, gone: Story) -> Story:
    """Move every article of ``gone`` into ``keep``; ``gone`` redirects to ``keep``."""
    if keep.pk == gone.pk:
        return keep
    with openindex.open_index() as memory:
        keep = Story.objects.select_for_update().get(pk=keep.pk)
        gone = Story.objects.select_for_update().get(pk=gone.pk)
        Article.objects.filter(story=gone).update(story=keep)
        Story.objects.filter(merged_into=gone).update(merged_into=keep)
        keep.topics.add(*gone.topics.all())
        keep.first_seen_at = min(keep.first_seen_at, gone.first_seen_at)
        keep.pinned = keep.pinned or gone.pinned
        gone.merged_into = keep
        gone.status = "closed"
        gone.updated_at = now()
        gone.save()
        _rebuild_state(memory.index, keep)
        _refresh(keep)
        _emit_story(keep, created=False)
        return keep


def split_story(story: Story, article_ids: Iterable[int]) -> Story:
    """Move the given articles (and their copies) of ``story`` into a new story."""
    return _split_off(story, article_ids, split_from=story)


def _split_off(
    story: Story, article_ids: Iterable[int], split_from: Story | None
) -> Story:
    with openindex.open_index() as memory:
        moved = list(
            Article.objects.filter(story=story, pk__in=list(article_ids)).order_by(
                "published_at", "id"
            )
        )
        if not moved:
            raise ValueError("none of those articles is in the story")
        first = moved[0]
        new = Story.objects.create(
            headline=first.title,
            summary=_summary_of(first),
            lead_image_url=first.lead_image_url,
            first_seen_at=first.published_at,
            headline_article=first,
            split_from=split_from,
        )
        memory.index.remove(new.pk)
        ids = [a.pk for a in moved]
        Article.objects.filter(pk__in=ids).update(story=new)
        Article.objects.filter(duplicate_of_id__in=ids).update(story=new)
        if story.headline_article_id in ids:
            _pick_remaining_headline(story)
        for changed in (story, new):
            _rebuild_state(memory.index, changed)
            _refresh(changed)
        _emit_story(new, created=True)
        _emit_story(story, created=False)
        return new


def _pick_remaining_headline(story: Story) -> None:
    """Give a story whose headline article left it its earliest remaining one."""
    article = (
        Article.objects.filter(story=story, duplicate_of__isnull=True, hidden=False)
        .order_by("published_at", "id")
        .first()
    )
    story.headline_article = article
    if article is not None:
        story.headline = article.title
        if not story.summary_by_editor:
            story.summary = _summary_of(article)


def set_editor_headline(story: Story, headline: str) -> Story:
    """Set (or, with "", clear) the editor's headline; the algorithm keeps off it."""
    story.editor_headline = headline.strip()[:1000]
    story.save(update_fields=["editor_headline"])
    _emit_story(story, created=False)
    return story


def set_editor_summary(story: Story, text: str) -> Story:
    """Set the editor's summary (plain text); "" hands it back to the algorithm."""
    text = " ".join(text.split())[:2000]
    story.summary_by_editor = bool(text)
    if text:
        story.summary = text
    elif story.headline_article is not None:
        story.summary = _summary_of(story.headline_article)
    story.save(update_fields=["summary", "summary_by_editor"])
    _emit_story(story, created=False)
    return story


def set_boost(story: Story, boost: float) -> Story:
    """Set an editor's boost (``ranking.BOOST_LIMIT`` either way; 0 = none)."""
    if not math.isfinite(boost):
        raise ValueError("the boost must be a number")
    limit = ranking.BOOST_LIMIT
    story.boost = max(-limit, min(limit, float(boost)))
    story.save(update_fields=["boost"])
    _emit_story(story, created=False)
    return story


def set_pinned(story: Story, pinned: bool) -> Story:
    """Pin a story to the top of the front page (or unpin it)."""
    story.pinned = pinned
    story.save(update_fields=["pinned"])
    _emit_story(story, created=False)
    return story


def _rebuild_state(index: clustering.StoryIndex, story: Story) -> None:
    """Recompute a story's clusterer state from its original articles."""
    index.remove(story.pk)
    when = now()
    originals = Article.objects.filter(story=story, duplicate_of__isnull=True)
    state = None
    for article in originals.order_by("published_at", "id"):
        state = index.add(story.pk, openindex.article_features(article), when)
    if state is not None:
        story.cluster_state = openindex.dump_state(state)
        story.terms = " ".join(index.top_terms(story.pk))
    if story.status == "closed" or story.merged_into_id is not None:
        index.remove(story.pk)


def _emit_story(story: Story, created: bool) -> None:
    emit(_story_event(story, created))


def _story_event(story: Story, created: bool) -> DomainEvent:
    fields: dict[str, Any] = {
        "story_id": story.pk,
        "headline": story.display_headline,
        "url": story.get_absolute_url(),
        "article_count": story.article_count,
        "source_count": story.source_count,
        "updated_at": story.updated_at.isoformat(),
        "section": story.section,
    }
    return StoryCreated(**fields) if created else StoryUpdated(**fields)


def _article_event(article: Article, story: Story) -> DomainEvent:
    return ArticleAdded(
        article_id=article.pk,
        title=article.title,
        url=article.get_absolute_url(),
        source_name=article.source.name or article.source.url,
        story_id=story.pk,
        published_at=article.published_at.isoformat(),
        section=article.section,
    )


def set_article_hidden(article: Article, hidden: bool) -> Article:
    """Hide an article from every page (or show it again); its story is updated."""
    with transaction.atomic():
        article.hidden = hidden
        article.save(update_fields=["hidden"])
        if article.story_id:
            story = Story.objects.select_for_update().get(pk=article.story_id)
            _refresh(story)
            _emit_story(story, created=False)
    return article
