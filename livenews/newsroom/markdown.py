"""Render the newsroom's Markdown to HTML (sanitized later by the actions)."""

from __future__ import annotations

from markdown_it import MarkdownIt

# CommonMark with tables and strikethrough; raw HTML in the source is escaped,
# not passed through, so an entry's markup comes only from Markdown.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def render_markdown(text: str) -> str:
    """Return the HTML of ``text``."""
    return str(_renderer.render(text))
