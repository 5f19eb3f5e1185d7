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
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Field, Q, QuerySet

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


PLACE_CHUNK = 100


def place_article(article: Article) -> Story:
    """Put a new article into its story (new or existing) and emit the events.

    A copy of an earlier article (same URL or text) joins its original's story
    and points to it. Call inside the transaction that created the article, so
    the article, its story and the outbox events commit together.
    """
    with openindex.open_index() as memory:
        _sweep_idle_stories()
        batch = _Batch([article])
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
    worker holds are skipped, not waited for), each claimed article is placed
    against the in-memory index, then the chunk's rows are written together:
    its new stories in one insert, its articles' stories in one statement,
    fingerprints, topic links, every other touched story recounted (two
    grouped queries) and saved once, and the events (one
    ``story.created``/``story.updated`` per touched story, then one
    ``article.added`` per article) in one insert. A crash loses at most the
    chunk's uncommitted work, which the next pass redoes; nothing is announced
    twice. Should a chunk fail (say, a deadlock between two workers on
    PostgreSQL), its articles are placed again one per transaction.
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
            if not mine:
                return 0
            batch = _Batch(mine)
            for article in mine:
                article.awaits_story = False
                _place(memory, article, batch)
            _finish(memory, batch)
            if on_placed is not None:
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


class _StoryIds:
    """Ids for the stories a transaction starts, known before their rows are written.

    The in-memory index files a new story under its id at once (later articles
    of the chunk may join it), while its row is inserted with the chunk's
    others at the end. On SQLite the transaction holds the write lock from its
    start (``BEGIN IMMEDIATE``), so the ids after the highest ever given
    (``sqlite_sequence``) are free until it commits; on PostgreSQL they come
    from the table's sequence (one query for up to ``most`` ids; unused ones
    are a gap, as a rolled-back insert leaves).
    """

    def __init__(self, most: int) -> None:
        self.most = max(1, most)
        self.free: list[int] = []
        self.last = 0

    def take(self) -> int:
        if not self.free:
            self.free = _reserve_story_ids(self.most, self.last)
        self.last = self.free.pop(0)
        return self.last

    def taken(self) -> bool:
        return self.last != 0


def _reserve_story_ids(count: int, after: int) -> list[int]:
    table = Story._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                "FROM generate_series(1, %s)",
                [table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"story ids on {connection.vendor}")
        quoted = connection.ops.quote_name(table)
        ever = "SELECT seq FROM sqlite_sequence WHERE name = %s"
        highest = f"SELECT MAX(id) FROM {quoted}"  # noqa: S608
        cursor.execute(
            f"SELECT MAX(COALESCE(({ever}), 0), COALESCE(({highest}), 0))", [table]
        )
        first = max(int(cursor.fetchone()[0]), after) + 1
    return list(range(first, first + count))


class _Batch:
    """What one transaction's placements touched, written once at its end.

    New stories live in memory (``members`` lists their articles) until
    ``_finish`` inserts them; the articles' new story (and original, for
    copies) are kept in ``moves`` and written together, earlier when a row is
    about to be read (``write_articles``).
    """

    def __init__(self, articles: list[Article]) -> None:
        self.stories: dict[int, Story] = {}
        self.members: dict[int, list[Article]] = {}
        self.states: dict[int, clustering.StoryState] = {}
        self.placed: list[tuple[Article, Story]] = []
        self.features: dict[int, clustering.Features] = {}
        self.moves: list[tuple[int, int]] = []
        self.copy_moves: list[tuple[int, int | None, int]] = []
        self.new_ids = _StoryIds(len(articles))
        self.tags = topics.Tagger()
        self.tags.prefetch(articles)
        self.finder = copies.Finder(articles, before_read=self.write_articles)

    def touch(self, story: Story, created: bool, article: Article) -> None:
        self.stories[story.pk] = story
        if created:
            self.members[story.pk] = []
        if story.pk in self.members:
            self.members[story.pk].append(article)
        self.placed.append((article, story))

    def write_articles(self) -> None:
        """Write the placed articles' stories (and originals) kept so far."""
        table = connection.ops.quote_name(Article._meta.db_table)
        with connection.cursor() as cursor:
            if self.moves:
                cursor.executemany(
                    f"UPDATE {table} SET story_id = %s WHERE id = %s",  # noqa: S608
                    self.moves,
                )
            if self.copy_moves:
                cursor.executemany(
                    f"UPDATE {table} SET story_id = %s, duplicate_of_id = %s "  # noqa: S608
                    "WHERE id = %s",
                    self.copy_moves,
                )
        self.moves, self.copy_moves = [], []

    def became_original(self, article: Article, former: Article) -> None:
        """``copies.become_original``, on the articles of the new stories in memory."""
        for members in self.members.values():
            for member in members:
                if member.pk == former.pk or member.duplicate_of_id == former.pk:
                    member.duplicate_of_id = article.pk


def _finish(memory: openindex.Memory, batch: _Batch) -> None:
    """Write the chunk's rows, count each touched story once, write the events."""
    batch.write_articles()
    batch.finder.flush()
    at = now()
    new: list[Story] = []
    known: list[Story] = []
    for story_id, story in batch.stories.items():
        state = batch.states.get(story_id)
        if state is not None:
            story.cluster_state = openindex.dump_state(state)
        if story_id in batch.members:
            _count_members(story, batch.members[story_id], at)
            new.append(story)
        else:
            known.append(story)
    if new:
        _insert_new(new)
    if known:
        _recount(known, at)
        _save_placed(known)
    batch.tags.flush()
    events: list[DomainEvent] = []
    for story_id, story in batch.stories.items():
        # This process wrote the story's state: the next sync need not re-read it.
        memory.seen[story_id] = story.updated_at
        events.append(_story_event(story, story_id in batch.members))
    events.extend(_article_event(article, story) for article, story in batch.placed)
    emit_many(events)


def _place(memory: openindex.Memory, article: Article, batch: _Batch) -> Story:
    sig = batch.finder.signature(article)
    found = batch.finder.find_original(article, sig)
    story = _story_of(found[0], batch) if found else None
    if found is not None and story is not None:
        _attach_copy(article, found[0], story, sig, batch)
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
    batch: _Batch,
) -> None:
    if article.published_at < original.published_at:
        batch.write_articles()  # the update below reads the copies' rows
        copies.become_original(article, original)
        batch.became_original(article, original)
        if sig is not None:
            batch.finder.record_fingerprint(article, sig)
        article.duplicate_of = None
    else:
        article.duplicate_of = original
    article.story = story
    batch.copy_moves.append((story.pk, article.duplicate_of_id, article.pk))


def _assign(
    memory: openindex.Memory, article: Article, batch: _Batch
) -> tuple[Story, bool]:
    features = openindex.article_features(article)
    batch.features[article.pk] = features
    index = memory.index
    index.observe(features)
    when = now()
    story = _choose_open_story(index, features, when, batch)
    created = story is None
    if story is None:
        story = Story(
            pk=batch.new_ids.take(),
            headline=article.title,
            summary=_summary_of(article),
            lead_image_url=article.lead_image_url,
            first_seen_at=article.published_at,
            headline_article=article,
        )
        index.remove(story.pk)  # an id a rolled-back story once had
        batch.tags.story_topics[story.pk] = set()  # a new story has no topics yet
    batch.states[story.pk] = index.add(story.pk, features, when)
    article.story = story
    batch.moves.append((story.pk, article.pk))
    story.terms = " ".join(index.top_terms(story.pk))
    if not created:
        _pick_headline(index, story, article, features, batch.features)
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
    known: dict[int, clustering.Features] | None = None,
) -> None:
    """Make the article closest to the centroid the story's headline article.

    ``known`` holds features already extracted, by article id (and gets the
    current headline article's).
    """
    known = {} if known is None else known
    current_id = story.headline_article_id
    current_score = 0.0
    if current_id is not None:
        current = known.get(current_id)
        if current is None and story.headline_article is not None:
            current = openindex.article_features(story.headline_article)
            known[current_id] = current
        if current is not None:
            current_score = index.similarity(current, story.pk)
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
    recent = visible.filter(
        duplicate_of__isnull=True, stored_at__gte=at - lifecycle.VELOCITY_WINDOW
    ).count()
    story.velocity = lifecycle.velocity(recent)
    story.section = _most_common_section(visible)
    story.updated_at = at
    story.status = lifecycle.status(story.first_seen_at, at, story.velocity, at)
    story.save()


def _recount(stories: list[Story], at: datetime) -> None:
    """``_refresh``'s figures for several stories in two grouped queries (no save)."""
    ids = [s.pk for s in stories]
    visible = Q(hidden=False)
    counts = {
        row["story_id"]: row
        for row in Article.objects.filter(story_id__in=ids)
        .order_by()
        .values("story_id")
        .annotate(
            originals=Count("id", filter=visible & Q(duplicate_of__isnull=True)),
            sources=Count("source", distinct=True, filter=visible),
            recent=Count(
                "id",
                filter=visible
                & Q(duplicate_of__isnull=True)
                & Q(stored_at__gte=at - lifecycle.VELOCITY_WINDOW),
            ),
        )
    }
    sections: dict[int, dict[str, int]] = {}
    rows = (
        Article.objects.filter(story_id__in=ids, hidden=False)
        .exclude(section="")
        .order_by()
        .values_list("story_id", "section")
        .annotate(n=Count("id"))
    )
    for story_id, section, n in rows:
        sections.setdefault(story_id, {})[section] = n
    for story in stories:
        row = counts.get(story.pk, {})
        story.article_count = row.get("originals", 0)
        story.source_count = row.get("sources", 0)
        story.velocity = lifecycle.velocity(row.get("recent", 0))
        story.section = _top_section(sections.get(story.pk, {}))
        story.updated_at = at
        story.status = lifecycle.status(story.first_seen_at, at, story.velocity, at)


def _count_members(story: Story, members: list[Article], at: datetime) -> None:
    """``_refresh``'s figures for a story whose articles are all in memory (no save).

    A story started in this transaction has no other articles
    (tests/test_pipeline.py checks the figures equal a full recount).
    """
    visible = [a for a in members if not a.hidden]
    story.article_count = sum(1 for a in visible if a.duplicate_of_id is None)
    story.source_count = len({a.source_id for a in visible})
    since = at - lifecycle.VELOCITY_WINDOW
    story.velocity = lifecycle.velocity(
        sum(1 for a in visible if a.duplicate_of_id is None and a.stored_at >= since)
    )
    sections: dict[str, int] = {}
    for article in visible:
        if article.section:
            sections[article.section] = sections.get(article.section, 0) + 1
    story.section = _top_section(sections)
    story.updated_at = at
    story.status = lifecycle.status(story.first_seen_at, at, story.velocity, at)


def _top_section(counts: dict[str, int]) -> str:
    """Return the section with the most articles (ties: alphabetical), or ""."""
    if not counts:
        return ""
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]


# What placing changes on a story that already has its row.
_PLACED_FIELDS = (
    "headline",
    "summary",
    "lead_image_url",
    "headline_article",
    "cluster_state",
    "terms",
    "article_count",
    "source_count",
    "velocity",
    "section",
    "updated_at",
    "status",
)


def _concrete(name: str) -> Field[Any, Any]:
    field = Story._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _insert_new(stories: list[Story]) -> None:
    """Insert the rows of stories started in this transaction (ids reserved)."""
    fields = [f for f in Story._meta.concrete_fields if isinstance(f, Field)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    rows = [
        [f.get_db_prep_save(getattr(s, f.attname), connection) for f in fields]
        for s in stories
    ]
    table = quote(Story._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
            rows,
        )
    for story in stories:
        story._state.adding = False
        story._state.db = connection.alias


def _save_placed(stories: list[Story]) -> None:
    """Save what placing changed on these (locked) stories, in one statement."""
    fields = [_concrete(name) for name in _PLACED_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    rows = [
        [f.get_db_prep_save(getattr(s, f.attname), connection) for f in fields] + [s.pk]
        for s in stories
    ]
    table = quote(Story._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
            rows,
        )


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
