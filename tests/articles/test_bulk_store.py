"""A feed's new entries are stored in one bulk insert; a race with another writer
keeps everything the other did not store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from livenews.articles import actions
from livenews.articles.models import Article
from livenews.articles.normalize import normalize_entry
from livenews.sources.models import Source
from livenews.sources.parsers import ParsedEntry

pytestmark = pytest.mark.django_db(transaction=True)

FETCHED = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def items(count: int) -> list[tuple]:
    entries = [
        ParsedEntry(
            guid=f"g-{n}", url=f"https://e.example/{n}", title=f"Report number {n}"
        )
        for n in range(count)
    ]
    return [(normalize_entry(e, FETCHED), "world") for e in entries]


def test_new_items_are_stored_once_and_wait_for_their_story():
    source = Source.objects.create(url="https://e.example/feed.xml")

    first = actions.store_new_articles(source, items(3), FETCHED)
    again = actions.store_new_articles(source, items(5), FETCHED)

    assert [a.guid for a in first] == ["g-0", "g-1", "g-2"]
    assert [a.guid for a in again] == ["g-3", "g-4"]
    assert all(a.pk for a in first + again)
    stored = Article.objects.filter(source=source)
    assert stored.count() == 5
    assert set(stored.values_list("awaits_story", "section")) == {(True, "world")}


def test_an_item_another_writer_stored_meanwhile_is_skipped_not_the_rest(
    monkeypatch,
):
    source = Source.objects.create(url="https://e.example/feed.xml")
    batch = items(4)
    real_new_article = actions.new_article

    def new_article_racing(*args, **kwargs):
        article = real_new_article(*args, **kwargs)
        if article.guid == "g-2":  # a WebSub push commits it just now
            real_new_article(*args, **kwargs).save(force_insert=True)
        return article

    monkeypatch.setattr(actions, "new_article", new_article_racing)

    stored = actions.store_new_articles(source, batch, FETCHED)

    assert sorted(a.guid for a in stored) == ["g-0", "g-1", "g-3"]
    assert Article.objects.filter(source=source).count() == 4
