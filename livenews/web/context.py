from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Put the site's name into every template."""
    return {"site_name": settings.LIVENEWS["SITE_NAME"]}
