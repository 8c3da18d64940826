from django.contrib import admin

from courses.models import Course, LessonPlan


class LessonPlanInline(admin.TabularInline):
    model = LessonPlan
    extra = 0
    ordering = ["number"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "level", "topic", "session_count", "minutes_per_session", "is_active"]
    list_filter = ["level", "topic", "is_active"]
    search_fields = ["title", "summary"]
    inlines = [LessonPlanInline]
