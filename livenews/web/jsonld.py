"""Structured data (JSON-LD) for pages."""

from __future__ import annotations

import json
from typing import Any


def json_ld(data: dict[str, Any]) -> str:
    """Return ``data`` as JSON safe inside a ``<script>`` element.

    "<" is escaped, so no text from outside can close the element.
    """
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def breadcrumb_list(trail: list[tuple[str, str]]) -> dict[str, Any]:
    """Return a schema.org ``BreadcrumbList`` for (name, absolute URL) pairs."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }
