"""Sign-in: argon2, lockout per account and per address, TOTP for editors."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from livenews.newsroom.models import AuditEntry
from tests.support.accounts import PASSWORD, current_code, make_user, sign_in

pytestmark = pytest.mark.django_db


def attempt(username: str, password: str, address: str) -> int:
    return (
        Client(REMOTE_ADDR=address)
        .post("/newsroom/login/", {"username": username, "password": password})
        .status_code
    )


def test_passwords_are_hashed_with_argon2():
    assert make_user("rita", "reporter").password.startswith("argon2$")


def test_anonymous_users_get_the_login_page():
    answer = Client().get("/newsroom/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/newsroom/login/?next=/newsroom/")
    assert Client().get("/newsroom/login/").status_code == 200


def test_an_account_locks_after_repeated_failures_from_any_address():
    make_user("rita", "reporter")
    for n in range(4):
        assert attempt("rita", "wrong", f"10.0.0.{n}") == 200  # the form again
    assert attempt("rita", "wrong", "10.0.0.4") == 429  # the fifth failure locks
    assert attempt("rita", PASSWORD, "10.0.0.99") == 429


def test_an_address_locks_after_repeated_failures_on_any_account():
    make_user("rita", "reporter")
    for n in range(5):
        attempt(f"nobody{n}", "wrong", "10.1.1.1")
    assert attempt("rita", PASSWORD, "10.1.1.1") == 429
    assert attempt("rita", PASSWORD, "10.1.1.2") == 302


def test_editors_need_the_second_factor():
    editor = make_user("eve", "editor")
    client = Client()
    client.post("/newsroom/login/", {"username": "eve", "password": PASSWORD})

    assert client.get("/newsroom/")["Location"].startswith("/newsroom/2fa/")
    wrong = client.post("/newsroom/2fa/", {"token": "000000"})
    assert wrong.status_code == 400
    assert client.get("/newsroom/")["Location"].startswith("/newsroom/2fa/")
    # A wrong code throttles the device: the next try waits 2^(n-1) seconds.
    assert (
        client.post("/newsroom/2fa/", {"token": current_code(editor)}).status_code
        == 400
    )
    time.sleep(1.1)
    assert (
        client.post("/newsroom/2fa/", {"token": current_code(editor)}).status_code
        == 302
    )
    assert client.get("/newsroom/").status_code == 200


def test_a_first_sign_in_enrols_an_authenticator():
    editor = make_user("eve", "editor", with_device=False)
    client = Client()
    client.post("/newsroom/login/", {"username": "eve", "password": PASSWORD})
    page = client.get("/newsroom/2fa/").content.decode()
    assert 'id="totp-secret"' in page and "data:image/svg+xml;base64," in page

    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert (
        client.post("/newsroom/2fa/", {"token": current_code(editor)}).status_code
        == 302
    )
    assert TOTPDevice.objects.get(user=editor).confirmed
    assert client.get("/newsroom/").status_code == 200


def test_reporters_sign_in_without_a_second_factor():
    reporter = make_user("rita", "reporter")
    client = sign_in(Client(), reporter)
    assert client.get("/newsroom/").status_code == 200


def test_accounts_without_a_newsroom_role_are_refused():
    from django.contrib.auth.models import User

    User.objects.create_user("reader", password=PASSWORD)
    client = Client()
    client.post("/newsroom/login/", {"username": "reader", "password": PASSWORD})
    assert client.get("/newsroom/").status_code == 403


def test_sign_in_and_out_are_audited():
    reporter = make_user("rita", "reporter")
    client = sign_in(Client(), reporter)
    client.post("/newsroom/logout/")
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "login",
        "logout",
    ]
