"""Sanitize untrusted HTML (nh3 allow-list) and turn HTML into plain text."""

from __future__ import annotations

import html as htmllib
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        # Attribute-less containers: unwrapped, their text ran into the next block.
        "div",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "del",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
_SPACE = re.compile(r"\s+")
# Opening and closing block tags both end a line, so "Lead<p>Text" or
# "<td>a</td><td>b</td>" never glue two words into one.
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|li|h[1-6]|blockquote|tr|td|th|dt|dd|figure|figcaption|pre"
    r"|section|article|header|footer|aside|br)\b[^>]*>",
    re.IGNORECASE,
)


def sanitize_html(fragment: str) -> str:
    """Return ``fragment`` with only safe tags, attributes and URL schemes."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(fragment: str) -> str:
    """Return the visible text of ``fragment``, whitespace folded."""
    with_breaks = _BLOCK_TAG.sub(lambda m: "\n" + m.group(0) + "\n", fragment)
    text = htmllib.unescape(nh3.clean(with_breaks, tags=set()))
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def plain_line(fragment: str) -> str:
    """Return ``fragment`` as one line of plain text (for titles and names)."""
    return _SPACE.sub(" ", htmllib.unescape(nh3.clean(fragment, tags=set()))).strip()
