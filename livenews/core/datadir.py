"""Locate the data directory and the secret key that lives in it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULT_DATA_DIR = "var"


def data_dir() -> Path:
    """Return the data directory (``LIVENEWS_DATA_DIR``, default ``./var``), created."""
    path = Path(os.environ.get("LIVENEWS_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """Return ``LIVENEWS_SECRET_KEY`` or a key generated once into the data dir."""
    configured = os.environ.get("LIVENEWS_SECRET_KEY")
    if configured:
        return configured
    key_file = directory / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
