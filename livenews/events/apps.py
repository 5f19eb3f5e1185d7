from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "livenews.events"
    verbose_name = "Events (outbox)"
