from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centers.models import (
    AccessibilityFeature,
    BusVehicle,
    BusVisit,
    Center,
    CenterClosure,
    OutreachRequest,
    OutreachSite,
)
from centers.transfer import (
    LAT_RANGE,
    LON_RANGE,
    UnknownFormat,
    center_regions_allowed,
    centers_export,
    centers_import,
    file_format,
)
from privacy.masking import mask_name, mask_phone


class ScopedAdmin(admin.ModelAdmin):
    """The admin goes through the same scoping as every other screen, choices included."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).for_user(request.user)  # type: ignore[attr-defined]

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any,
    ) -> Any:
        model = db_field.related_model
        if hasattr(model.objects, "for_user") and model._meta.app_label == "centers":
            kwargs["queryset"] = model.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CenterAdminForm(forms.ModelForm):
    accessibility = forms.TypedMultipleChoiceField(
        label=_("accessibility features"), required=False,
        choices=AccessibilityFeature.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    closed_weekdays = forms.TypedMultipleChoiceField(
        label=_("closed weekdays"), required=False, coerce=int,
        choices=[
            (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
            (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Center
        fields = [
            "name", "kind", "status", "region", "road_address", "lat", "lon", "phone",
            "opening_hours", "accessibility", "closed_weekdays",
        ]

    # Set by CenterAdmin.get_form: whose scope the region must lie in.
    actor: Any = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        region = data.get("region")
        if region is None:
            return data
        allowed = center_regions_allowed(self.actor)
        moved = self.instance.pk is None or self.instance.region_id != region.pk
        if moved and allowed is not None and region.pk not in allowed:
            self.add_error("region", gettext("You may not move centres to this 행정동."))
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            self.add_error("lat", gettext("Give both latitude and longitude, or neither."))
        elif lat is None or lon is None:
            # Like the import: a centre without a point of its own takes its 행정동's.
            data["lat"], data["lon"] = region.lat, region.lon
        else:
            for field, value, (low, high) in [("lat", lat, LAT_RANGE), ("lon", lon, LON_RANGE)]:
                if not low <= value <= high:
                    self.add_error(field, gettext(
                        "%(value)s is outside Korea (between %(low)s and %(high)s).",
                    ) % {"value": value, "low": low, "high": high})
        return data


class CenterClosureInline(admin.TabularInline):
    model = CenterClosure
    extra = 0


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("Excel (.xlsx) or CSV with the columns of an export."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.fmt = file_format(upload.name)
        except UnknownFormat as error:
            raise ValidationError(str(error)) from None
        return upload


def _export_response(queryset: QuerySet[Center], fmt: str) -> HttpResponse:
    content_type = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8",
    }[fmt]
    response = HttpResponse(content_type=content_type)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="centers-{stamp}.{fmt}"'
    centers_export(centers=queryset, stream=response, fmt=fmt)  # type: ignore[arg-type]
    return response


@admin.register(Center)
class CenterAdmin(ScopedAdmin):
    form = CenterAdminForm
    list_display = ["name", "kind", "region", "status", "phone"]
    list_filter = ["kind", "status", "region__sido"]
    search_fields = ["name", "region__full_name", "road_address"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]
    inlines = [CenterClosureInline]
    actions = ["export_xlsx", "export_csv"]
    change_list_template = "admin/centers/center/change_list.html"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user  # type: ignore[attr-defined]
        return form

    @admin.action(description=_("Export the selected centres (Excel)"), permissions=["view"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Center]) -> HttpResponse:
        return _export_response(queryset, "xlsx")

    @admin.action(description=_("Export the selected centres (CSV)"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Center]) -> HttpResponse:
        return _export_response(queryset, "csv")

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/", self.admin_site.admin_view(self.import_view),
                name="centers_center_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors: list[str] = []
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = centers_import(
                    stream=form.cleaned_data["file"], fmt=form.fmt, actor=request.user,
                )
            except ValidationError as error:
                errors = error.messages
            else:
                self.message_user(
                    request,
                    gettext("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                    % {"created": result.created, "updated": result.updated,
                       "unchanged": result.unchanged},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:centers_center_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import centres"),
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/centers/center/import.html", context)


@admin.register(OutreachSite)
class OutreachSiteAdmin(ScopedAdmin):
    list_display = ["name", "hub", "region"]
    search_fields = ["name", "hub__name", "region__full_name"]
    raw_id_fields = ["region"]
    list_select_related = ["hub", "region"]


@admin.register(OutreachRequest)
class OutreachRequestAdmin(ScopedAdmin):
    """Decisions go through the staff page (services); the admin only shows requests.

    The contact's name and phone are personal data: shown masked here, whole
    only on the staff page, where the viewing is logged.
    """

    list_display = ["organisation", "hub", "topic", "status", "contact", "created_at"]
    list_filter = ["status", "topic"]
    search_fields = ["organisation", "hub__name"]
    list_select_related = ["hub"]
    exclude = ["contact_name", "contact_phone"]
    readonly_fields = ["contact", "status", "decided_by", "decided_at", "site", "created_at"]
    raw_id_fields = ["region"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come in through the public form (the service)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # decisions and their rules live in centers.services

    @admin.display(description=_("contact"))
    def contact(self, obj: OutreachRequest) -> str:
        return f"{mask_name(obj.contact_name)} {mask_phone(obj.contact_phone)}"


class BusVisitInline(admin.TabularInline):
    model = BusVisit
    extra = 0
    raw_id_fields = ["region"]


@admin.register(BusVehicle)
class BusVehicleAdmin(ScopedAdmin):
    list_display = ["name", "plate_number", "base"]
    list_select_related = ["base"]
    inlines = [BusVisitInline]


@admin.register(BusVisit)
class BusVisitAdmin(ScopedAdmin):
    list_display = ["stop_name", "vehicle", "date", "starts_at", "ends_at", "region"]
    list_filter = ["vehicle"]
    date_hierarchy = "date"
    raw_id_fields = ["region"]
    list_select_related = ["vehicle", "region"]


@admin.register(CenterClosure)
class CenterClosureAdmin(ScopedAdmin):
    list_display = ["center", "date", "reason"]
    date_hierarchy = "date"
    list_select_related = ["center"]
