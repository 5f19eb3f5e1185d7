"""The sections readers see: their names, translatable, in the site's order."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from livenews.articles.sections import SECTIONS, is_section_slug

LABELS: dict[str, Promise] = {
    "world": _("World"),
    "politics": _("Politics"),
    "business": _("Business"),
    "technology": _("Technology"),
    "science": _("Science"),
    "health": _("Health"),
    "environment": _("Environment"),
    "sport": _("Sport"),
    "culture": _("Culture"),
}


def section_label(slug: str) -> str:
    """Return a section's name for readers (an operator's own slug, spelled out)."""
    label = LABELS.get(slug)
    if label is not None:
        return str(label)
    return slug.replace("-", " ").capitalize()


def nav_sections() -> list[tuple[str, str]]:
    """Return (slug, name) of the standard sections, in the site's order."""
    return [(slug, section_label(slug)) for slug in SECTIONS]


def is_standard(slug: str) -> bool:
    """Return True for a section the site always lists."""
    return slug in LABELS


__all__ = ["is_section_slug", "is_standard", "nav_sections", "section_label"]
