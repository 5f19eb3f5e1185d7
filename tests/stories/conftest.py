"""Each test starts with a cold open-story index, as a fresh process would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def cold_open_index() -> Iterator[None]:
    from livenews.stories import actions, openindex

    openindex.forget()
    actions._checked_sizes.clear()  # story ids repeat across tests
    yield
    openindex.forget()
