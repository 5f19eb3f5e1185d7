from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from livenews.api.models import SCOPES, ApiToken
from livenews.api.tokens import hash_token


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=SCOPES, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ApiToken
        fields = ["name", "owner", "scopes", "revoked_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["name", "prefix", "owner", "scopes", "created_at", "last_used_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: Any, change: bool
    ) -> None:
        if not change:
            # The secret is shown once, here; only its hash is stored.
            import secrets

            from livenews.api.tokens import PREFIX

            secret = PREFIX + secrets.token_urlsafe(32)
            obj.token_hash = hash_token(secret)
            obj.prefix = secret[:12]
            messages.warning(
                request,
                f"The token is {secret} — copy it now, it will not be shown again.",
            )
        super().save_model(request, obj, form, change)
