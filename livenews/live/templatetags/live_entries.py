"""``{% live_entry entry controls_template %}``: an entry's HTML (``entry_markup``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from livenews.live.entry_markup import entry_html
from livenews.live.models import LiveEntry

register = template.Library()


@register.simple_tag(takes_context=True)
def live_entry(
    context: template.Context, entry: LiveEntry, controls_template: Any = ""
) -> SafeString:
    """Render ``entry``; ``controls_template`` (optional) renders inside it."""
    controls = ""
    if controls_template and context.template is not None:
        # As {% include %} does: the including template's engine, same context.
        engine = context.template.engine
        controls = engine.get_template(controls_template).render(context)
    return entry_html(entry, controls)
