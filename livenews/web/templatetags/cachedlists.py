"""``{% story_cards %}`` and ``{% river_items %}``: lists of the front and
section pages assembled from cached fragments (livenews.web.fragments).

Each item is one small template (``web/_story_card.html``,
``web/_river_item.html``) rendered from plain values, and those values (with
the template, the language and the script prefix) are its fragment key: the
template reads nothing the key does not hold, so a changed story, a live blog
that starts or a renamed outlet makes a new fragment, and an unchanged one is
reused. The item's relative time ("5 min ago") is rendered at every page
render and put in the place the fragment leaves for it (``{{ time }}``), so it
is never older than the page.

Why: the front page shows ~50 cards and 30 river items; through the template
engine they were two thirds of its uncached render, and under a publish storm
every event forced that render again for items that had not changed
(``python -m bench render`` / ``storm``, figures in docs/design-notes.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any

from django import template
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from livenews.web.fragments import fragments
from livenews.web.templatetags.pagetime import ago, http_url

register = template.Library()

CARD_TEMPLATE = "web/_story_card.html"
RIVER_ITEM_TEMPLATE = "web/_river_item.html"
# Where an item's relative time goes: escaped text can hold no "<".
_TIME_SLOT = mark_safe("<!--livenews:time-->")


def _render_parts(template_name: str, values: dict[str, Any]) -> tuple[str, str]:
    html = get_template(template_name).render({**values, "time": _TIME_SLOT})
    before, _slot, after = html.partition(_TIME_SLOT)
    return before, after


def assemble(
    template_name: str, items: Iterable[tuple[dict[str, Any], datetime | None]]
) -> SafeString:
    """Render each (values, time) item from its cached fragment, filling in its time."""
    context_key = (template_name, get_language(), get_script_prefix())
    parts = []
    for values, when in items:
        key = (context_key, *values.values())
        before, after = fragments.get_or_render(
            key, partial(_render_parts, template_name, values)
        )
        parts.append(f"{before}{ago(when)}{after}")
    return mark_safe("".join(parts))  # noqa: S308


def card_values(
    story: Any, with_image: bool, eager_image: bool, heading_level: object
) -> dict[str, Any]:
    """Return every value the card template reads for ``story``."""
    return {
        "pk": story.pk,
        "headline": story.display_headline,
        "summary": story.summary,
        "image": http_url(story.lead_image_url),
        "live_blog_id": getattr(story, "live_blog_id", None),
        "source_count": story.source_count,
        "article_count": story.article_count,
        "with_image": bool(with_image),
        "eager_image": bool(eager_image),
        "heading_level": heading_level or 3,
    }


@register.simple_tag
def story_cards(
    stories: list[Any],
    with_image: bool = False,
    eager: bool = False,
    heading_level: object = None,
) -> SafeString:
    """Render the ``<li>`` card of each story, each followed by a newline."""
    return assemble(
        CARD_TEMPLATE,
        (
            (
                card_values(story, with_image, eager and n == 0, heading_level),
                story.updated_at,
            )
            for n, story in enumerate(stories)
        ),
    )


def river_values(article: Any) -> dict[str, Any]:
    """Return every value the river item template reads for ``article``."""
    return {
        "pk": article.pk,
        "title": article.title,
        "language": article.language,
        "source_id": article.source_id,
        "source": str(article.source),
    }


@register.simple_tag
def river_items(articles: list[Any]) -> SafeString:
    """Render the ``<li>`` of each article of a river."""
    return assemble(
        RIVER_ITEM_TEMPLATE,
        ((river_values(article), article.published_at) for article in articles),
    )
