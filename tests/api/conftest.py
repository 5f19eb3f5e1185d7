"""API fixtures: the syndication newsroom, tokens, and fresh rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.syndication.conftest import Newsroom, newsroom  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def fresh_buckets() -> Iterator[None]:
    from livenews.api.ratelimit import BUCKETS

    BUCKETS.clear()
    yield
    BUCKETS.clear()


@pytest.fixture
def issue(db: None) -> Any:
    """Return ``issue(*scopes) -> secret`` for a token owned by a new editor."""
    from django.contrib.auth import get_user_model

    from livenews.api.tokens import issue_token

    owner = get_user_model().objects.create_user("api-owner", first_name="Api")

    def make(*scopes: str) -> str:
        _, secret = issue_token(owner, "test", list(scopes))
        return secret

    return make


__all__ = ["Newsroom"]
