from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from centers.models import Center


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "status"]
    list_filter = ["kind", "status", "region__sido"]
    search_fields = ["name", "region__full_name"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Center]:
        # The admin goes through the same scoping as every other screen.
        return super().get_queryset(request).for_user(request.user)  # type: ignore[attr-defined]
