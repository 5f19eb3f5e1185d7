"""Extract an article page's body and metadata with trafilatura.

Pure: HTML in, a dataclass out; fetching the page is the caller's job. Used by
``livenews extract`` to show what the portal makes of one page, and the step a
full-text fetch will run on pages whose feed carries only a summary. Where
extraction finds nothing, every field is empty and the caller keeps the feed's
data.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import asdict, dataclass
from typing import Any

import trafilatura

MAX_HTML = 5 * 1024 * 1024
# The page's declared language when trafilatura has no detector installed.
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.I)
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


@dataclass(frozen=True)
class ExtractedPage:
    url: str
    title: str
    authors: tuple[str, ...]
    date: str  # ISO 8601 as found on the page ("" when none)
    language: str
    lead_image: str
    body_text: str

    def as_json(self) -> dict[str, Any]:
        """Return the fields as JSON-ready values."""
        data = asdict(self)
        data["authors"] = list(self.authors)
        return data


def _authors(value: str | None) -> tuple[str, ...]:
    names = (n.strip() for n in re.split(r";|\band\b", value or ""))
    return tuple(n for n in names if n)


def extract_page(html: str, url: str = "") -> ExtractedPage:
    """Return the article in ``html`` (empty fields where nothing was found)."""
    html = html[:MAX_HTML]
    doc = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"outputformat": _DATE_FORMAT, "original_date": True},
    )
    lang = _HTML_LANG.search(html[:20000])
    declared = lang.group(1).lower() if lang else ""
    if doc is None:
        return ExtractedPage(url, "", (), "", declared, "", "")
    get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
    return ExtractedPage(
        url=str(get("url") or url),
        title=str(get("title") or ""),
        authors=_authors(get("author")),
        date=str(get("date") or ""),
        language=str(get("language") or declared),
        lead_image=str(get("image") or ""),
        body_text=str(get("text") or ""),
    )


def text_as_html(text: str) -> str:
    """Return extracted plain text as escaped HTML paragraphs."""
    paragraphs = (p.strip() for p in text.split("\n"))
    return "".join(f"<p>{htmllib.escape(p)}</p>" for p in paragraphs if p)
