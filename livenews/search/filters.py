"""The filters a search can carry: section, source, language, date range."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


@dataclass(frozen=True)
class SearchFilters:
    section: str = ""
    source_id: int | None = None
    language: str = ""
    # Publication dates, both inclusive (whole UTC days).
    since: date | None = None
    until: date | None = None

    def published_range(self) -> tuple[datetime | None, datetime | None]:
        """Return [start, end) instants of the date range (None: open)."""
        start = datetime.combine(self.since, time(), UTC) if self.since else None
        end = (
            datetime.combine(self.until + timedelta(days=1), time(), UTC)
            if self.until
            else None
        )
        return start, end

    def as_params(self) -> dict[str, str]:
        """Return the filters as query-string parameters (empty ones left out)."""
        params = {
            "section": self.section,
            "source": str(self.source_id or ""),
            "lang": self.language,
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
        }
        return {key: value for key, value in params.items() if value}


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) < 19


def _short(value: str, limit: int) -> str:
    return value.strip()[:limit]


def filters_from_params(params: Mapping[str, str]) -> SearchFilters:
    """Return the filters of a query string; malformed values are ignored."""
    source = params.get("source", "").strip()
    return SearchFilters(
        section=_short(params.get("section", ""), 40),
        source_id=int(source) if _is_id(source) else None,
        language=_short(params.get("lang", ""), 16),
        since=_date(params.get("from", "")),
        until=_date(params.get("to", "")),
    )
