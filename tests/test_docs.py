"""Meta tests: what the code offers is documented; the schema has its migrations."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from livenews.events.types import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[1]


def code_settings() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "livenews").rglob("*.py"):
        names |= set(re.findall(r"\bLIVENEWS_[A-Z][A-Z_]+\b", path.read_text("utf-8")))
    return names


def test_every_setting_is_documented():
    documented = set(
        re.findall(r"`(LIVENEWS_[A-Z_]+)`", (ROOT / "docs/settings.md").read_text())
    )
    assert code_settings() - documented == set()
    assert documented - code_settings() == set()


def test_every_event_type_is_documented():
    text = (ROOT / "docs/events.md").read_text()
    for name in EVENT_TYPES:
        assert f"`{name}`" in text, name


def test_readme_names_the_front_door():
    readme = (ROOT / "README.md").read_text()
    for command in ("make run", "make test", "make demo", "make lint", "make bench"):
        assert command in readme


@pytest.mark.django_db
def test_no_migrations_are_missing():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
