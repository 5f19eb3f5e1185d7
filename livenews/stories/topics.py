"""Tag stories with the topics of their articles (``entities.py`` finds them).

One person is one topic across articles too: a one-word name becomes the
existing topic of a full name ending with it ("Lukashenko" → "Aleksandr
Lukashenko"), and when a full name first appears, the one-word topic it
completes is renamed to it (its stories follow; its old address is lost, which
is the price of a clean topic list).
"""

from __future__ import annotations

from django.db.models.functions import Length
from django.utils.text import slugify

from livenews.articles.models import Article
from livenews.stories.entities import Entity, extract_entities, is_full_name
from livenews.stories.models import Story, Topic

MAX_STORY_TOPICS = 12


def tag_story(story: Story, article: Article) -> None:
    """Add the article's topics to its story (at most ``MAX_STORY_TOPICS``)."""
    tagger = Tagger()
    tagger.tag_story(story, article)
    tagger.flush()


class Tagger:
    """``tag_story`` for many articles in one transaction, with fewer queries.

    For the transaction it is used in, it remembers which topic each slug
    names (or that none does), looked up for all of an article's entities in
    one query (``prefetch``: for all the articles of a chunk in one), and each
    story's topic ids; so a topic or a story seen before costs no query. An
    entity without a topic goes through ``topic_for``'s choices as before
    (complete a surname, or create the topic: that is written at once, as the
    next entity's choice reads it). The story-topic links are written together
    by ``flush``, before the transaction commits.
    """

    def __init__(self) -> None:
        self.by_slug: dict[str, Topic | None] = {}
        self.story_topics: dict[int, set[int]] = {}
        self.entities: dict[int, list[Entity]] = {}
        self.links: list[tuple[int, int]] = []

    def prefetch(self, articles: list[Article]) -> None:
        """Find the entities of these articles and look all their slugs up at once.

        The slugs of the surnames of their longer names too: a new full name
        looks its surname's topic up (``_new_topic``).
        """
        slugs: set[str] = set()
        for article in articles:
            entities = _entities_of(article)
            self.entities[article.pk] = entities
            for entity in entities:
                slugs.add(slugify(entity.name)[:200])
                if " " in entity.name:
                    slugs.add(_surname_slug(entity.name))
        self._look_up_slugs(slugs)

    def flush(self) -> None:
        """Write the story-topic links added since the last flush (one insert)."""
        if not self.links:
            return
        link = Story.topics.through
        link.objects.bulk_create(
            [link(story_id=s, topic_id=t) for s, t in self.links],
            ignore_conflicts=True,
        )
        self.links = []

    def tag_story(self, story: Story, article: Article) -> None:
        """Add the article's topics to its story (at most ``MAX_STORY_TOPICS``)."""
        have = self.story_topics.get(story.pk)
        if have is None:
            have = set(story.topics.values_list("id", flat=True))
            self.story_topics[story.pk] = have
        room = MAX_STORY_TOPICS - len(have)
        if room <= 0:
            return
        entities = self.entities.pop(article.pk, None)
        if entities is None:
            entities = _entities_of(article)
        self._look_up(entities)
        found = [t for t in (self.topic_for(e) for e in entities) if t is not None]
        new = {t.pk for t in found[:room]} - have
        if new:
            self.links.extend((story.pk, pk) for pk in sorted(new))
            have |= new

    def topic_for(self, entity: Entity) -> Topic | None:
        """``topic_for``, answering from what this transaction already read."""
        slug = slugify(entity.name)[:200]
        if not slug:
            return None
        if slug not in self.by_slug:
            self._look_up([entity])
        topic = self.by_slug[slug]
        if topic is not None:
            return topic
        renamed: list[str] = []
        topic = _new_topic(entity, slug, renamed, self.by_slug)
        for old in renamed:
            self.by_slug[old] = None
        self.by_slug[topic.slug] = topic
        return topic

    def _look_up(self, entities: list[Entity]) -> None:
        self._look_up_slugs({slugify(e.name)[:200] for e in entities})

    def _look_up_slugs(self, slugs: set[str]) -> None:
        slugs = slugs - {""} - self.by_slug.keys()
        if not slugs:
            return
        found = {t.slug: t for t in Topic.objects.filter(slug__in=slugs)}
        for slug in slugs:
            self.by_slug[slug] = found.get(slug)


def _entities_of(article: Article) -> list[Entity]:
    return extract_entities(article.title, f"{article.summary}\n{article.body_text}")


def topic_for(entity: Entity) -> Topic | None:
    """Return the topic of an entity, creating it (or completing a surname) if new."""
    slug = slugify(entity.name)[:200]
    if not slug:
        return None
    topic = Topic.objects.filter(slug=slug).first()
    if topic is not None:
        return topic
    return _new_topic(entity, slug, [])


def _surname_slug(name: str) -> str:
    return slugify(name.split()[-1])


def _new_topic(
    entity: Entity,
    slug: str,
    renamed: list[str],
    known: dict[str, Topic | None] | None = None,
) -> Topic:
    """Return the topic for an entity no topic has ``slug`` for (see ``topic_for``).

    The slug of a one-word topic renamed to the full name is added to ``renamed``.
    ``known`` maps slugs already read in this transaction to their topic (or
    None): a surname found there costs no query.
    """
    if " " not in entity.name:
        longer = (
            Topic.objects.filter(name__endswith=" " + entity.name, kind="person")
            .order_by(Length("name").desc(), "id")
            .first()
        )
        if longer is not None:
            return longer
    elif is_full_name(entity.name, entity.kind):
        surname = _surname_slug(entity.name)
        if known is not None and surname in known:
            short = known[surname]
        else:
            short = Topic.objects.filter(slug=surname).first()
        if short is not None:
            renamed.append(short.slug)
            short.name, short.slug, short.kind = entity.name, slug, "person"
            short.save()
            return short
    return Topic.objects.create(name=entity.name[:200], slug=slug, kind=entity.kind)
