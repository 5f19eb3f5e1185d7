"""Story cards and river items from cached fragments: same markup as the plain
template loop, never stale, relative times never frozen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Engine, Template

from livenews.articles.models import Article
from livenews.core.timeutil import now
from livenews.live import actions as live_actions
from livenews.sources.models import Source
from livenews.stories.models import Story
from livenews.web.fragments import FragmentCache, fragments
from livenews.web.templatetags.cachedlists import river_items, story_cards

pytestmark = pytest.mark.django_db

# The lists as plain template loops, as they were before the fragments: the
# reference the cached assembly must match byte for byte.
CARDS_LOOP = """{% load i18n pagetime %}{% for story in stories %}{% with image=story.lead_image_url|http_url %}<li class="story-card{% if image and with_image %} has-image{% endif %}" id="story-{{ story.pk }}">
  {% if with_image and image %}<img class="card-image" src="{{ image }}" alt="" width="640" height="360" {% if forloop.first and eager %}fetchpriority="high"{% else %}loading="lazy"{% endif %} decoding="async" referrerpolicy="no-referrer">{% endif %}
  <h{{ heading_level|default:3 }}><a href="{{ story.pk|path:'web:story' }}">{{ story.display_headline }}</a></h{{ heading_level|default:3 }}>
  {% if story.summary %}<p class="summary">{{ story.summary|truncatewords:40 }}</p>{% endif %}
  <p class="meta">{% if story.live_blog_id %}<a class="live-badge" href="{{ story.live_blog_id|path:'web:liveblog' }}">{% translate "Live" %}</a> · {% endif %}<span class="counts">{{ story.source_count|sources_count }} · {{ story.article_count|articles_count }}</span>
   · {% translate "updated" %} {{ story.updated_at|ago }}</p>
</li>{% endwith %}
{% empty %}{% if empty_text %}<li class="empty">{{ empty_text }}</li>{% endif %}{% endfor %}
"""  # noqa: E501
RIVER_LOOP = """{% load pagetime %}{% for article in articles %}<li class="river-item" id="article-{{ article.pk }}">
  <a href="{{ article.pk|path:'web:article' }}"{% if article.language %} lang="{{ article.language }}"{% endif %}>{{ article.title }}</a>
  <span class="meta"><a class="outlet" href="{{ article.source_id|path:'web:source' }}">{{ article.source }}</a> · {{ article.published_at|ago }}</span>
</li>{% endfor %}
"""  # noqa: E501


def render_string(source: str, **context: object) -> str:
    return Template(source, engine=Engine.get_default()).render(Context(context))


def make_stories() -> list[Story]:
    at = now()
    stories = [
        Story.objects.create(
            headline=f"Flood <b>{n}</b> & more",
            editor_headline="Edited: levee holds" if n == 2 else "",
            summary="Word " * 60 if n % 2 else "",
            lead_image_url="https://img.example.org/a.jpg" if n < 2 else "javascript:x",
            article_count=n + 1,
            source_count=1,
            updated_at=at - timedelta(minutes=7 * n, hours=20 * (n == 3)),
        )
        for n in range(4)
    ]
    blog = live_actions.start_liveblog("Flood: live", story=stories[1])
    stories[1].live_blog_id = blog.pk
    return stories


def test_cards_match_the_plain_template_loop_cold_and_warm():
    stories = make_stories()
    fragments.clear()
    for options in (
        {"with_image": True, "eager": True, "heading_level": 2},
        {"with_image": False, "eager": False, "heading_level": ""},
    ):
        expected = render_string(CARDS_LOOP, stories=stories, **options)
        page = render_string(
            "{% include 'web/_story_cards.html' %}", stories=stories, **options
        )
        warm = render_string(
            "{% include 'web/_story_cards.html' %}", stories=stories, **options
        )
        assert page == expected
        assert warm == expected
    assert len(fragments) == 8


def test_an_empty_list_shows_its_empty_text_like_the_loop():
    expected = render_string(CARDS_LOOP, stories=[], empty_text="None <yet>")
    page = render_string(
        "{% include 'web/_story_cards.html' %}", stories=[], empty_text="None <yet>"
    )
    assert page == expected
    assert "None &lt;yet&gt;" in page


def test_river_items_match_the_plain_template_loop():
    source = Source.objects.create(url="https://a.example.org/feed", name="A & B")
    nameless = Source.objects.create(url="https://b.example.org/feed")
    articles = [
        Article.objects.create(
            source=source if n % 2 else nameless,
            guid=f"g{n}",
            guid_hash=f"{n:064d}",
            title=f"Report <{n}>",
            language="en" if n else "",
            published_at=now() - timedelta(minutes=n * 50),
            content_hash=f"{n:064x}",
        )
        for n in range(3)
    ]
    fragments.clear()
    expected = render_string(RIVER_LOOP, articles=articles)
    for _ in range(2):
        assert (
            render_string("{% include 'web/_river_items.html' %}", articles=articles)
            == expected
        )


def test_a_changed_story_gets_a_new_card_not_the_cached_one(client):
    story = make_stories()[0]
    story.status = "developing"
    story.save()
    first = client.get("/").content.decode()
    assert "Flood &lt;b&gt;0&lt;/b&gt; &amp; more" in first

    story.editor_headline = "Levee breaks"
    story.article_count = 41
    story.save()
    blog = live_actions.start_liveblog("Live now", story=story)
    second = client.get("/").content.decode()

    assert "Levee breaks" in second and "Flood &lt;b&gt;0" not in second
    assert "41 articles" in second
    assert f'href="/liveblog/{blog.pk}/"' in second


def test_the_relative_time_is_rendered_at_each_page_not_cached():
    story = make_stories()[0]
    story.updated_at = now() - timedelta(minutes=5)
    fragments.clear()
    first = story_cards([story])
    story.updated_at = now() - timedelta(hours=3)  # not in the fragment's key
    second = story_cards([story])

    assert len(fragments) == 1
    assert "5 min ago" in first
    assert "3 h ago" in second and "5 min ago" not in second


def test_a_headline_cannot_forge_the_time_slot():
    story = make_stories()[0]
    story.headline = "<!--livenews:time--> trick"
    html = story_cards([story])
    assert html.count("<time ") == 1
    assert "&lt;!--livenews:time--&gt; trick" in html


def test_river_items_follow_a_renamed_outlet():
    source = Source.objects.create(url="https://a.example.org/feed", name="Old")
    article = Article.objects.create(
        source=source,
        guid="g",
        guid_hash="0" * 64,
        title="T",
        published_at=now(),
        content_hash="1" * 64,
    )
    assert ">Old</a>" in river_items([article])
    source.name = "New"
    assert ">New</a>" in river_items([article])


def test_the_fragment_cache_renders_once_per_key_and_forgets_the_oldest():
    cache = FragmentCache(max_entries=2)
    renders: list[str] = []

    def render(name: str):
        return lambda: renders.append(name) or name.upper()

    assert cache.get_or_render("a", render("a")) == "A"
    assert cache.get_or_render("a", render("a")) == "A"
    cache.get_or_render("b", render("b"))
    cache.get_or_render("a", render("a"))  # a is now the most recent
    cache.get_or_render("c", render("c"))  # evicts b
    cache.get_or_render("a", render("a"))
    cache.get_or_render("b", render("b"))

    assert renders == ["a", "b", "c", "b"]
    assert len(cache) == 2
