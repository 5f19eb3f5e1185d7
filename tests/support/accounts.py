"""Newsroom accounts for tests, signed in through the real login and TOTP views."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"


def make_user(name: str, role: str, with_device: bool = True) -> User:
    user = User.objects.create_user(
        name, password=PASSWORD, is_staff=True, is_superuser=role == "admin"
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if with_device and role in ("admin", "editor"):
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key):06d}"


def sign_in(client: Client, user: User) -> Client:
    answer = client.post(
        "/newsroom/login/", {"username": user.username, "password": PASSWORD}
    )
    assert answer.status_code == 302, answer.content[:300]
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        verified = client.post("/newsroom/2fa/", {"token": current_code(user)})
        assert verified.status_code == 302
    return client
