"""The newsroom story page offers "Go live" only while no live blog runs on it.

It used to offer "Go live" next to a running blog (a second blog on the same
story); it now links to the running blog's console and reader's page, and
offers "Go live" again once that blog has ended.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from livenews.live import actions
from livenews.sources.models import Source
from tests.support.articles import store_article

pytestmark = pytest.mark.django_db


def test_story_with_a_running_blog_links_to_it_instead_of_go_live(signed_in):
    source = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    story = store_article(source, "a1", "Dockworkers strike halts cranes").story
    assert story is not None
    client, _ = signed_in("editor")
    url = reverse("newsroom:story", args=[story.pk])

    assert "Go live" in client.get(url).content.decode()

    blog = actions.start_liveblog("Strike: live", story=story)
    page = client.get(url).content.decode()
    assert "Go live" not in page
    assert reverse("newsroom:console", args=[blog.pk]) in page
    assert reverse("web:liveblog", args=[blog.pk]) in page
    assert client.get(reverse("newsroom:console", args=[blog.pk])).status_code == 200

    actions.end_liveblog(blog)
    page = client.get(url).content.decode()
    assert "Go live" in page
    assert reverse("newsroom:console", args=[blog.pk]) not in page
