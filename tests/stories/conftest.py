"""Each test starts with a cold open-story index, as a fresh process would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def cold_open_index() -> Iterator[None]:
    from livenews.stories import openindex

    openindex.forget()
    yield
    openindex.forget()
