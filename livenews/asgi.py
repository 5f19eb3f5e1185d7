"""ASGI entry point: ``uvicorn livenews.asgi:application`` serves web without ingest."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livenews.settings")
django.setup()

from livenews.edge.app import create_app  # noqa: E402 - needs django.setup()

application = create_app(ingest=False)
