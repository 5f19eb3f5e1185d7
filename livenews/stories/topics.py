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
    Tagger().tag_story(story, article)


class Tagger:
    """``tag_story`` for many articles in one transaction, with fewer queries.

    It remembers, for the transaction it is used in, each entity's topic and
    each story's topic ids, so a topic or a story seen before costs no query
    (the choices are ``topic_for``'s, made once per entity).
    """

    def __init__(self) -> None:
        self.topics: dict[tuple[str, str], Topic | None] = {}
        self.story_topics: dict[int, set[int]] = {}

    def tag_story(self, story: Story, article: Article) -> None:
        """Add the article's topics to its story (at most ``MAX_STORY_TOPICS``)."""
        have = self.story_topics.get(story.pk)
        if have is None:
            have = set(story.topics.values_list("id", flat=True))
            self.story_topics[story.pk] = have
        room = MAX_STORY_TOPICS - len(have)
        if room <= 0:
            return
        entities = extract_entities(
            article.title, f"{article.summary}\n{article.body_text}"
        )
        found = [t for t in (self.topic_for(e) for e in entities) if t is not None]
        new = {t.pk for t in found[:room]} - have
        if new:
            link = Story.topics.through
            link.objects.bulk_create(
                [link(story_id=story.pk, topic_id=pk) for pk in sorted(new)],
                ignore_conflicts=True,
            )
            have |= new

    def topic_for(self, entity: Entity) -> Topic | None:
        key = (entity.name, entity.kind)
        if key not in self.topics:
            self.topics[key] = topic_for(entity)
        return self.topics[key]


def topic_for(entity: Entity) -> Topic | None:
    """Return the topic of an entity, creating it (or completing a surname) if new."""
    slug = slugify(entity.name)[:200]
    if not slug:
        return None
    topic = Topic.objects.filter(slug=slug).first()
    if topic is not None:
        return topic
    if " " not in entity.name:
        longer = (
            Topic.objects.filter(name__endswith=" " + entity.name, kind="person")
            .order_by(Length("name").desc(), "id")
            .first()
        )
        if longer is not None:
            return longer
    elif is_full_name(entity.name, entity.kind):
        surname = entity.name.split()[-1]
        short = Topic.objects.filter(slug=slugify(surname)).first()
        if short is not None:
            short.name, short.slug, short.kind = entity.name, slug, "person"
            short.save()
            return short
    return Topic.objects.create(name=entity.name[:200], slug=slug, kind=entity.kind)
