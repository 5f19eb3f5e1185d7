from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from livenews.webhooks.actions import (
    WebhookError,
    ensure_cursor,
    known_event_types,
    refuse_private_url,
    resume_subscriber,
)
from livenews.webhooks.models import Delivery, DeliveryAttempt, Subscriber


class SubscriberForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Subscriber
        fields = ["name", "url", "secret", "event_types", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["event_types"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(t, t) for t in sorted(known_event_types())]

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"])
        try:
            refuse_private_url(url)
        except WebhookError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return url


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    form = SubscriberForm
    list_display = [
        "__str__",
        "active",
        "paused_at",
        "failing_since",
        "last_success_at",
    ]
    list_filter = ["active", "paused_at"]
    readonly_fields = ["paused_at", "pause_reason", "failing_since", "last_success_at"]
    actions = ["resume"]

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        ensure_cursor()
        super().save_model(request, obj, form, change)

    @admin.action(description="Resume the selected (paused) subscribers")
    def resume(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        for subscriber in queryset:
            resume_subscriber(subscriber)
        messages.info(request, f"Resumed {queryset.count()} subscribers.")


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["attempted_at", "status_code", "error", "duration_ms"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    inlines = [AttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
