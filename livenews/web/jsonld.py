"""Structured data (JSON-LD) for pages."""

from __future__ import annotations

import json
from typing import Any


def json_ld(data: dict[str, Any]) -> str:
    """Return ``data`` as JSON safe inside a ``<script>`` element.

    "<" is escaped, so no text from outside can close the element.
    """
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
