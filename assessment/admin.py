"""The item bank in the admin: national administrators revise items, everyone else only looks.

An edit never overwrites a version: the form's fields start from the current
version and saving calls `item_bank.item_revise`, which stores the next one.
Forms and calibrations are records of what was used and are read-only.
"""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.scoping import is_national
from assessment.item_bank import entry_problems, item_revise
from assessment.models import Calibration, Form, FormItem, Item, ItemVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_national(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_national(request.user) or super().has_module_permission(request)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ItemVersionInline(ReadOnlyInline):
    model = ItemVersion
    readonly_fields = [
        "version", "is_current", "stem", "answer", "a", "b", "c", "source", "created_at",
        "created_by",
    ]
    fields = readonly_fields  # type: ignore[assignment]


class ItemRevisionForm(forms.ModelForm):
    """The current version's content, edited; saved as a new version."""

    stem = forms.CharField(label=_("question"), widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.JSONField(
        label=_("options"),
        help_text=_('A list such as [{"key": "a", "text": "…"}, …]; 2 to 4 options.'),
    )
    answer = forms.CharField(label=_("correct option"), max_length=4)
    screen = forms.JSONField(
        label=_("screen shown"), required=False,
        help_text=_("A scenario screen (see docs/item-bank.md), or empty."),
    )
    a = forms.FloatField(label=_("discrimination (a)"))
    b = forms.FloatField(label=_("difficulty (b)"))
    c = forms.FloatField(label=_("guessing (c)"))

    class Meta:
        model = Item
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.versions.filter(is_current=True).first()
        if current is not None:
            for name in ("stem", "options", "answer", "screen", "a", "b", "c"):
                self.fields[name].initial = getattr(current, name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        entry = {**data, "irt": {name: data.get(name) for name in "abc"}}
        problems = entry_problems(entry)
        if problems:
            raise ValidationError(problems)
        return data


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    form = ItemRevisionForm
    list_display = ["key", "area", "level", "current_stem", "retired_at"]
    list_filter = ["area", "level", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "versions__stem"]
    readonly_fields = ["key", "area", "level", "retired_at"]
    fieldsets = [
        (None, {"fields": ["key", "area", "level", "retired_at"]}),
        (_("Current version (saving stores a new version)"), {
            "fields": ["stem", "options", "answer", "screen", "a", "b", "c"]}),
    ]
    inlines = [ItemVersionInline]

    @admin.display(description=_("question"))
    def current_stem(self, item: Item) -> str:
        current = next((v for v in item.versions.all() if v.is_current), None)
        return current.stem if current else ""

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("versions")

    # Items come from the bank files (assessment_load_items); removing one from
    # the files retires it. Only national administrators revise them here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_national(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_national(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_national(request.user) or super().has_module_permission(request)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if self.has_change_permission(request, obj):
            return self.fieldsets
        return [(None, {"fields": ["key", "area", "level", "retired_at"]})]

    def save_model(self, request: HttpRequest, obj: Item, form: Any, change: bool) -> None:
        data = form.cleaned_data
        item_revise(
            item=obj, by=request.user, stem=data["stem"], options=data["options"],
            answer=data["answer"], screen=data.get("screen") or None,
            a=data["a"], b=data["b"], c=data["c"],
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The versions inline is read-only: nothing to save besides the revision.
        return None


class FormItemInline(ReadOnlyInline):
    model = FormItem
    readonly_fields = ["position", "item_version"]
    fields = readonly_fields  # type: ignore[assignment]


@admin.register(Form)
class FormAdmin(ReadOnlyAdmin):
    list_display = ["key", "name", "created_at"]
    inlines = [FormItemInline]


@admin.register(Calibration)
class CalibrationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "model", "responses", "learners", "applied"]
    readonly_fields = ["created_at", "model", "responses", "learners", "applied", "report_text"]
    exclude = ["report"]

    @admin.display(description=_("report"))
    def report_text(self, calibration: Calibration) -> str:
        return json.dumps(calibration.report, ensure_ascii=False, indent=1)
