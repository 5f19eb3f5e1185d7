"""The ``signed_in`` fixture: a client signed in with a role, through the real views."""

from __future__ import annotations

import pytest


@pytest.fixture
def signed_in(db):
    from django.test import Client

    from tests.support.accounts import make_user, sign_in

    def make(role: str, name: str | None = None):
        user = make_user(name or role, role)
        return sign_in(Client(), user), user

    return make
