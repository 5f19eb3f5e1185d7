"""A story's timeline names each other outlet of a copy once."""

from __future__ import annotations

import re

import pytest

from livenews.sources.models import Source
from tests.support.articles import store_article

pytestmark = pytest.mark.django_db

TITLE = "Levee breaks at Brennick as river Ossel rises"


def test_also_published_by_names_each_other_outlet_once(client):
    alpha = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    beta = Source.objects.create(url="https://b.example.org/feed", name="Beta")
    original = store_article(alpha, "a1", TITLE)
    copies = [
        store_article(beta, "b1", TITLE),
        store_article(beta, "b2", TITLE),  # the outlet sent its copy again
        store_article(alpha, "a2", TITLE),  # the original's outlet, again
    ]
    assert {copy.duplicate_of_id for copy in copies} == {original.pk}

    text = client.get(original.story.get_absolute_url()).content.decode()
    also = re.search(r'<span class="also-published">(.*?)</span>', text, re.S)
    assert also is not None
    outlets = re.findall(r">([^<]+)</a>", also.group(1))
    assert outlets == ["Beta"]
    assert f'href="/article/{copies[0].pk}/"' in also.group(1)  # the first copy
