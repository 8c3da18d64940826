from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from classes.models import ClassSession, CourseClass
from lib.admin import ReadOnlyAdmin


class ClassSessionInline(admin.TabularInline):
    model = ClassSession
    extra = 0
    # Sessions come from classes.services (holidays, closed days): read-only here.
    readonly_fields = ["number", "date", "starts_at", "ends_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CourseClass)
class CourseClassAdmin(ReadOnlyAdmin):
    list_display = ["course", "center", "first_date", "last_date", "status", "capacity"]
    list_filter = ["status", "course__level", "course__topic"]
    search_fields = ["course__title", "center__name"]
    raw_id_fields = ["course", "center", "outreach_site", "bus_visit", "region", "instructor"]
    filter_horizontal = ["supporters"]
    list_select_related = ["course", "center"]
    inlines = [ClassSessionInline]

    # Read-only: opening, editing and cancelling go through classes.services (sessions
    # planned around holidays, the rules, the audit trail) on the staff pages.

    def get_queryset(self, request: HttpRequest) -> QuerySet[CourseClass]:
        # The admin goes through the same scoping as every other screen.
        return super().get_queryset(request).for_user(request.user)  # type: ignore[attr-defined]
