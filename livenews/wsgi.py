"""WSGI entry point (the edge in livenews.edge wraps it; plain WSGI servers may too)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livenews.settings")
application = get_wsgi_application()
