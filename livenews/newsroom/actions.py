"""Create newsroom users with a role."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from livenews.newsroom.roles import ROLES


class UserError(ValueError):
    """A user cannot be created; the message says why."""


def create_user(name: str, role: str, password: str) -> User:
    """Create a staff user in the group named ``role`` (admin: also superuser)."""
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if not name.strip():
        raise UserError("the user name is empty")
    if User.objects.filter(username=name).exists():
        raise UserError(f"a user named {name!r} already exists")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages)) from exc
    with transaction.atomic():
        user = User.objects.create_user(
            username=name,
            password=password,
            is_staff=True,
            is_superuser=role == "admin",
        )
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    return user
