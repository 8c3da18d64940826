"""The staff outcomes page: pick a scope, read the figures, take them to Excel."""

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font

from assessment.models import Area
from assessment.outcomes import Paired
from centers.models import Center
from courses.models import Course, TargetGroup
from regions.models import Region
from stats.scopes import AGE_BANDS, OutOfScope, age_band_label, scope_parse
from stats.selectors import Report, may_see_outcomes, outcomes_report

PICKERS = ("sido", "sigungu", "center", "course", "target_group", "age_band")
MAX_CENTERS = 400


@dataclass(frozen=True)
class Row:
    """One line of the table, numbers rounded as shown (the Excel file holds the same)."""

    name: str
    n_pairs: int
    mean_pre: float | None
    mean_post: float | None
    gain_pct: float | None
    mean_diff: float | None
    ci_low: float | None
    ci_high: float | None
    effect_size: float | None
    moved_up_pct: float | None


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _row(name: str, figures: Paired) -> Row:
    return Row(
        name=name, n_pairs=figures.n_pairs, mean_pre=_round(figures.mean_pre),
        mean_post=_round(figures.mean_post),
        gain_pct=_round(None if figures.gain_pct is None else 100 * figures.gain_pct),
        mean_diff=_round(figures.mean_diff), ci_low=_round(figures.ci_low),
        ci_high=_round(figures.ci_high), effect_size=_round(figures.effect_size, 2),
        moved_up_pct=_round(None if figures.moved_up_share is None
                            else 100 * figures.moved_up_share),
    )


def table_rows(report: Report) -> list[Row]:
    gain = report.competency
    return [_row(_("All areas"), gain)] + [
        _row(str(Area(area).label), gain.per_area[area]) for area in Area.values
    ]


def _scope_strings(request: HttpRequest) -> list[str]:
    chosen = [f"{name}:{request.GET[name].strip()}" for name in PICKERS
              if request.GET.get(name, "").strip()]
    return chosen + request.GET.getlist("scope")


def _choices(user: Any, selected: dict[str, str]) -> dict[str, Any]:
    """Only places and centres in the user's scope."""
    centers = Center.objects.for_user(user)
    sidos = Region.objects.filter(pk__in=centers.values("region__sido")).order_by("code")
    sigungus = Region.objects.filter(pk__in=centers.values("region__sigungu")).order_by("code")
    if selected.get("sido"):
        sigungus = sigungus.filter(sido__code=selected["sido"])
        centers = centers.filter(region__sido__code=selected["sido"])
    if selected.get("sigungu"):
        centers = centers.filter(region__sigungu__code=selected["sigungu"])
    centers = centers.order_by("name", "pk")
    return {
        "sidos": sidos, "sigungus": sigungus.select_related("sido"),
        "centers": centers[:MAX_CENTERS], "centers_cut": centers[MAX_CENTERS:].exists(),
        "courses": Course.objects.order_by("title"), "target_groups": TargetGroup.choices,
        "age_bands": [(band, age_band_label(band)) for band in AGE_BANDS],
    }


def _report(request: HttpRequest) -> tuple[Report | None, str, int]:
    """(report, problem, HTTP status): a scope that cannot be read is a 422, a place
    outside the user's scope a 403, both shown on the page with the picker."""
    try:
        scope = scope_parse(_scope_strings(request))
        return outcomes_report(user=request.user, scope=scope), "", 200
    except ValidationError as error:
        return None, error.messages[0], 422
    except OutOfScope as error:
        return None, _("%(scope)s is outside your area of responsibility.") % {
            "scope": error.args[0]}, 403


@login_required
@require_GET
def outcomes_view(request: HttpRequest) -> HttpResponse:
    if not may_see_outcomes(request.user):
        raise PermissionDenied
    report, problem, status = _report(request)
    if report is not None and request.GET.get("format") == "xlsx":
        return _xlsx_response(report)
    selected = {name: request.GET.get(name, "").strip() for name in PICKERS}
    return render(request, "stats/outcomes.html", {
        "report": report, "problem": problem, "selected": selected,
        "rows": table_rows(report) if report else [],
        "xlsx_query": request.GET.urlencode(),
        **_choices(request.user, selected),
    }, status=status)


def outcomes_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = _("Outcomes")[:31]
    gain = report.competency
    sheet.append([_("Competency gain"), report.scope.label])
    sheet["A1"].font = Font(bold=True)
    sheet.append([_("Enrollments"), report.enrollments, _("Learners"), report.learners])
    sheet.append([_("Excluded: pre-test only"), gain.n_pre_only,
                  _("post-test only"), gain.n_post_only, _("neither"), gain.n_neither])
    sheet.append([])
    sheet.append([
        _("Area"), _("Learners with both tests"), _("Mean before"), _("Mean after"),
        _("Gain (%)"), _("Mean change"), _("95% CI from"), _("95% CI to"), _("Effect size"),
        _("Moved up a level (%)"),
    ])
    for row in table_rows(report):
        sheet.append([
            row.name, row.n_pairs, row.mean_pre, row.mean_post, row.gain_pct, row.mean_diff,
            row.ci_low, row.ci_high, row.effect_size, row.moved_up_pct,
        ])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_response(report: Report) -> HttpResponse:
    response = HttpResponse(
        outcomes_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="outcomes.xlsx"'
    return response
