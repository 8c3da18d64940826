from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.scoping import is_national
from enrollment.models import Application
from notifications.models import OutboxMessage
from notifications.services import outbox_mark_failed, outbox_retry_now
from privacy.masking import mask_phone
from privacy.models import AccessLog
from privacy.phone import format_phone
from privacy.services import pii_access_record


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The outbox, for seeing what was sent and what failed, and nudging a message.

    Messages are never edited here: their text was written with the change
    that caused them. The list shows masked phone numbers and no text; the
    detail page shows both whole and logs that it did.
    """

    list_display = [
        "id", "kind", "status", "masked_phone", "attempts", "next_attempt_at", "sent_at",
        "short_error", "created_at",
    ]
    list_filter = ["status", "kind"]
    list_select_related = False
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry_now", "mark_failed"]
    fields = (
        "kind", "status", "application", "full_phone", "full_body", "attempts",
        "next_attempt_at", "claimed_until", "sent_at", "provider_message_id", "last_error",
        "dedupe_key", "created_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboxMessage]:
        queryset = super().get_queryset(request)
        if is_national(request.user):
            return queryset
        # Others see the messages of applications in their scope (no code messages).
        return queryset.filter(
            application__in=Application.objects.for_user(request.user),  # type: ignore[attr-defined]
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only notification_enqueue writes messages

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the record of what was sent to whom stays

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: OutboxMessage) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("phone"))
    def full_phone(self, obj: OutboxMessage) -> str:
        return format_phone(obj.phone)

    @admin.display(description=_("message"))
    def full_body(self, obj: OutboxMessage) -> str:
        return obj.body

    @admin.display(description=_("last error"))
    def short_error(self, obj: OutboxMessage) -> str:
        return Truncator(obj.last_error).chars(60)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and response.status_code == 200:
            # The page shows the phone number and the text (a name, a code) in full.
            subjects: list[Any] = [obj]
            if obj.application_id:
                subjects.append(obj.application.learner)  # type: ignore[union-attr]
            pii_access_record(request=request, subjects=subjects, action=AccessLog.Action.VIEW)
        return response

    @admin.action(description=_("Send again now"), permissions=["change"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = sum(outbox_retry_now(message=m, by=request.user) for m in queryset)
        self.message_user(
            request, _("Messages to be sent again now: %(count)d.") % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as failed"), permissions=["change"])
    def mark_failed(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = sum(outbox_mark_failed(message=m, by=request.user) for m in queryset)
        self.message_user(
            request, _("Messages marked as failed: %(count)d.") % {"count": count},
            messages.SUCCESS,
        )
