from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from livenews.events.queries import get_latest_event_id
from livenews.live.queries import get_active_alert
from livenews.web.pagemeta import absolute_url
from livenews.web.sectionnames import nav_sections


def site(request: HttpRequest) -> dict[str, object]:
    """Put the site's name, sections, the page's canonical URL, the breaking
    alert and the live horizon into templates.

    ``last_event_id`` is the newest event the page already reflects: the
    browser resumes the live stream from it, so nothing committed between the
    render and the stream's start is lost.
    """
    return {
        "site_name": settings.LIVENEWS["SITE_NAME"],
        "active_alert": SimpleLazyObject(get_active_alert),
        "last_event_id": SimpleLazyObject(get_latest_event_id),
        "canonical_url": absolute_url(request, request.path),
        "nav_sections": nav_sections(),
    }
