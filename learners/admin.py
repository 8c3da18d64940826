"""Learners in the admin: masked lists, search by phone through the blind index, read-only.

Learners and consents are written only by learners.services (the blind
indexes, the audit trail); the admin shows them. Opening a learner's page
shows the record in full and is logged; a phone search is logged too.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from learners.models import Consent, Learner
from learners.services import phone_index_of
from privacy.masking import mask_name, mask_phone
from privacy.models import AccessLog
from privacy.phone import format_phone, normalize_phone
from privacy.services import pii_access_record


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Learner)
class LearnerAdmin(ReadOnlyAdmin):
    list_display = ["id", "masked_name", "masked_phone", "birth_year", "sex", "created_at",
                    "created_channel", "merged_into"]
    list_filter = ["created_channel", "sex"]
    # Searched by hand in get_search_results (phone through the blind index, or the id).
    search_fields = ["id"]
    search_help_text = _("A whole phone number (any format) or a record number.")
    show_full_result_count = False
    fields = readonly_fields = (
        "id", "name", "full_phone", "birth_year", "sex", "residence", "target_groups",
        "disability", "created_at", "created_channel", "created_by", "merged_into", "merged_at",
    )

    @admin.display(description=_("name"))
    def masked_name(self, obj: Learner) -> str:
        return mask_name(obj.name)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Learner) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("phone"))
    def full_phone(self, obj: Learner) -> str:
        return format_phone(obj.phone)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Learner]:
        return Learner.objects.for_user(request.user).distinct()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str,
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            phone = normalize_phone(term)
        except ValidationError:
            if term.isdigit():
                return queryset.filter(pk=int(term)), False
            return queryset.none(), False
        results = queryset.filter(phone_index=phone_index_of(phone))
        # Finding who holds a phone number is itself a look-up of personal data.
        pii_access_record(request=request, subjects=results, action=AccessLog.Action.SEARCH)
        return results, False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            learner = self.get_object(request, unquote(object_id))
            if learner is not None:
                pii_access_record(request=request, subjects=learner, action=AccessLog.Action.VIEW)
        return response


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["id", "learner", "kind", "notice_version", "given_at", "channel",
                    "recorded_by", "withdrawn_at"]
    list_filter = ["kind", "channel", "notice_version"]
    list_select_related = ["learner", "recorded_by"]
    # The proxy's name and phone are personal data: not shown here.
    fields = readonly_fields = (
        "learner", "kind", "notice_version", "given_at", "channel", "recorded_by",
        "proxy_relationship", "withdrawn_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Consent]:
        visible = Learner.objects.for_user(request.user).values("pk")
        return super().get_queryset(request).filter(learner__in=visible)
