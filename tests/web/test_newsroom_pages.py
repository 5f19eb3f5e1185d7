"""Newsroom pages a signed-in user reaches by the menu read as part of the newsroom."""

from __future__ import annotations

import pytest

from tests.support.accounts import make_user, sign_in

pytestmark = pytest.mark.django_db


def test_a_page_the_role_may_not_open_says_why_in_the_newsroom_layout(client):
    sign_in(client, make_user("eda", "editor"))
    refused = client.get("/newsroom/sources/")
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "Your role may not manage sources." in page
    assert 'href="/newsroom/"' in page  # the way back to the desk
    assert "Sign out eda" in page  # the newsroom's own menu, not a bare error
