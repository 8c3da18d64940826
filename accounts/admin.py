from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import ApiToken, Role, RoleGrant, User
from accounts.selectors import user_find_by_phone
from accounts.services import (
    api_token_revoke,
    role_grant_create,
    role_grant_delete,
    user_phone_set,
)
from lib.admin import ReadOnlyAdmin
from privacy.fields import format_phone, normalize_phone
from privacy.masking import mask_phone
from privacy.models import AccessLog
from privacy.services import pii_access_record
from regions.models import Region

# --- Users -------------------------------------------------------------------


class PhoneFormMixin(forms.Form):
    """The phone as a plain form field: saving goes through user_phone_set,
    which keeps the encrypted number and its blind index together."""

    phone_number = forms.CharField(
        label=_("Phone"), required=False, max_length=30,
        help_text=_("Mobile or landline, such as 010-1234-5678."),
    )

    def clean_phone_number(self) -> str:
        value: str = self.cleaned_data.get("phone_number", "").strip()
        return normalize_phone(value) if value else ""


class UserPhoneChangeForm(PhoneFormMixin, UserChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone_number"].initial = format_phone(self.instance.phone or "")


class UserPhoneCreationForm(PhoneFormMixin, AdminUserCreationForm):
    pass


class GrantRegionChoicesMixin:
    """Only a province or a city, county or district can be a regional officer's reach."""

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any,
    ) -> Any:
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(
                level__in=[Region.Level.SIDO, Region.Level.SIGUNGU],
            ).order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class RoleGrantInline(GrantRegionChoicesMixin, admin.TabularInline):
    """Grants are added or removed, never edited: change one by removing and adding."""

    model = RoleGrant
    extra = 0
    fields = ["role", "region", "center", "granted_at"]
    readonly_fields = ["granted_at"]
    raw_id_fields = ["center"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserPhoneChangeForm
    add_form = UserPhoneCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone_number")}),
        *DjangoUserAdmin.fieldsets[2:],  # type: ignore[index]
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username", "usable_password", "password1", "password2", "phone_number",
                ),
            },
        ),
    )
    list_display = ["username", "email", "first_name", "last_name", "masked_phone", "is_staff"]
    inlines = [RoleGrantInline]

    @admin.display(description=_("Phone"))
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone)

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        # A grant needs a saved user: add the account first, then its roles.
        return self.inlines if obj is not None else []

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str,
    ) -> tuple[QuerySet[Any], bool]:
        """Also find users by phone number, through the blind index."""
        results, may_have_duplicates = super().get_search_results(
            request, queryset, search_term,
        )
        by_phone = user_find_by_phone(search_term.strip()) if search_term else None
        if by_phone is not None and by_phone.exists():
            results = results | queryset.filter(pk__in=by_phone.values("pk"))
            # Finding who owns a phone number is itself a look-up of personal data.
            pii_access_record(
                request=request, subjects=by_phone, action=AccessLog.Action.SEARCH,
            )
        return results, may_have_duplicates

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        # A rendered page (not a redirect after saving, not a refusal) shows
        # the user's personal data in full: log it.
        if response.status_code == 200:
            user = self.get_object(request, unquote(object_id))
            if user is not None:
                pii_access_record(request=request, subjects=user, action=AccessLog.Action.VIEW)
        return response

    def save_model(self, request: HttpRequest, obj: User, form: forms.Form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "phone_number" in form.changed_data:
            user_phone_set(
                user=obj, phone=form.cleaned_data["phone_number"],
                changed_by=request.user,  # type: ignore[arg-type]
            )

    def save_formset(
        self, request: HttpRequest, form: forms.Form, formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        if formset.model is not RoleGrant:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)  # sorts the rows into new and deleted ones
        for grant in formset.deleted_objects:
            role_grant_delete(grant=grant, deleted_by=request.user)
        for grant in formset.new_objects:
            try:
                role_grant_create(
                    user=formset.instance, role=Role(grant.role), region=grant.region,
                    center=grant.center, granted_by=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)


# --- Role grants -------------------------------------------------------------


@admin.register(RoleGrant)
class RoleGrantAdmin(GrantRegionChoicesMixin, admin.ModelAdmin):
    list_display = ["user", "role", "region", "center", "granted_at"]
    list_filter = ["role", "granted_at", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "region__full_name", "center__name"]
    list_select_related = ["user", "region", "center"]
    raw_id_fields = ["user", "center"]
    date_hierarchy = "granted_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Never edited in place; a new grant goes through role_grant_create.
        return ["granted_at"] if obj is None else ["user", "role", "region", "center", "granted_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: RoleGrant, form: forms.Form, change: bool,
    ) -> None:
        grant = role_grant_create(
            user=obj.user, role=Role(obj.role), region=obj.region, center=obj.center,
            granted_by=request.user,  # type: ignore[arg-type]
        )
        obj.pk, obj.granted_at = grant.pk, grant.granted_at

    def delete_model(self, request: HttpRequest, obj: RoleGrant) -> None:
        role_grant_delete(grant=obj, deleted_by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        for grant in queryset:
            role_grant_delete(grant=grant, deleted_by=request.user)


# --- API tokens --------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Read-only: tokens are made with `manage.py api_token`; here they can be revoked.

    The hash is never shown: the prefix is enough to tell tokens apart.
    """

    list_display = ["prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["user__username", "prefix"]
    list_select_related = ["user"]
    fields = ["prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token, revoked_by=request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
