"""Finding a class: 시·도 → 시·군·구 → 동네, or a name, or "my location"; results; a class page.

Every step is a plain link or a GET form, so it all works without JavaScript;
finder.js only adds "find from my location" and the map.
"""

import json
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from centers.models import AccessibilityFeature, Center
from classes.api import venue_name
from classes.search import (
    ClassHit,
    class_search,
    load_hits,
    place_search,
    public_classes,
    region_from_point,
)
from enrollment.services import application_refusal
from enrollment.views import apply_who
from finder.formatting import time_range, weekly_pattern
from finder.forms import ClassSearchForm, PlaceSearchForm
from regions.models import Region, RegionBoundary
from regions.selectors import region_get_by_code, region_list

PAGE_SIZE = 10


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: a 시·도, or a typed name (초성 works), or the learner's location."""
    form = PlaceSearchForm(request.GET or None)
    matches = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        matches = place_search(form.cleaned_data["q"], limit=30)
    return render(request, "finder/start.html", {
        "form": form,
        "matches": matches,
        "sidos": region_list(level=Region.Level.SIDO),
    })


@require_GET
def region_step(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2 and 3: the 시·군·구 of a 시·도, or the 동네 of a 시·군·구."""
    region = region_get_by_code(code)
    if region is None:
        raise Http404
    if region.code != code:
        return redirect("finder-region", code=region.code)
    if region.level == Region.Level.EUPMYEONDONG:
        return redirect(f"{reverse('finder-results')}?{urlencode({'region': region.code})}")
    children = region_list(parent_code=region.code)
    ancestors = [r for r in (region.sido,) if r is not None and r.pk != region.pk]
    return render(request, "finder/region.html", {
        "region": region,
        "ancestors": ancestors,
        "children": children,
        "step": 2 if region.level == Region.Level.SIDO else 3,
        "whole_url": f"{reverse('finder-results')}?"
        + urlencode({"region": region.code, "in_region": "on"}),
    })


def _search_context(request: HttpRequest) -> dict[str, Any]:
    form = ClassSearchForm(request.GET)
    if not form.is_valid():
        return {"form": form, "invalid": True}
    data = form.cleaned_data
    center = None
    if data.get("center"):
        center = Center.objects.select_related("region").filter(pk=data["center"]).first()
        if center is None:
            raise Http404
    center_point = None
    if center is not None:
        center_point = (
            (center.lat, center.lon) if center.lat is not None and center.lon is not None
            else (center.region.lat, center.region.lon)
        )
    query = form.query(center_point)
    if query.origin() is None:
        return {"form": form, "no_origin": True}
    place = _place_name(data.get("region"), center, query.lat, query.lon, data)
    search = class_search(query)
    paginator: Paginator[Any] = Paginator(search, PAGE_SIZE)  # type: ignore[arg-type]
    page = paginator.get_page(request.GET.get("page"))
    hits: list[ClassHit] = list(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "form": form,
        "place": place,
        "page": page,
        "hits": [_card(hit) for hit in hits],
        "query_string": params.urlencode(),
        "origin": query.origin(),
        "region": data.get("region") or (center.region if center else None),
    }


def _place_name(
    region: Region | None, center: Center | None, lat: float | None, lon: float | None,
    data: dict[str, Any],
) -> str:
    if center is not None:
        return center.name
    if region is not None:
        return region.full_name
    if lat is not None and lon is not None:
        near = region_from_point(lat, lon)
        if near is not None:
            return _("my location (near %(place)s)") % {"place": near.full_name}
    return _("my location")


def _card(hit: ClassHit) -> dict[str, Any]:
    course_class = hit.course_class
    at_center = not course_class.outreach_site_id and not course_class.bus_visit_id
    return {
        "hit": hit,
        "class": course_class,
        "pattern": weekly_pattern(course_class.weekdays, course_class.starts_at, len(hit.sessions)),
        "times": time_range(course_class.starts_at, course_class.ends_at),
        "venue": venue_name(course_class),
        "accessibility": _features(course_class.center) if at_center else [],
    }


ICONS = {
    "elevator": "⇅", "wheelchair": "♿", "disabled_parking": "P", "braille_voice": "⠿",
    "accessible_toilet": "WC", "hearing_loop": "◎",
}


def _features(center: Center) -> list[dict[str, str]]:
    labels = dict(AccessibilityFeature.choices)
    return [
        {"code": code, "icon": ICONS.get(code, "•"), "label": str(labels[code])}
        for code in center.accessibility if code in labels
    ]


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """Upcoming classes nearest first, with filters and pages."""
    context = _search_context(request)
    status = 400 if context.get("invalid") else 200
    if context.get("no_origin"):
        return redirect("finder-start")
    return render(request, "finder/results.html", context, status=status)


@require_GET
def class_map(request: HttpRequest) -> HttpResponse:
    """The same results on a map (JavaScript), with the list below it."""
    context = _search_context(request)
    if context.get("no_origin"):
        return redirect("finder-start")
    if context.get("invalid"):
        return render(request, "finder/results.html", context, status=400)
    origin = context["origin"]
    near = context["region"] or region_from_point(*origin)
    district = _district(near)
    api_params = request.GET.copy()
    api_params.pop("page", None)
    center = api_params.pop("center", None)
    if center:
        api_params["lat"], api_params["lon"] = str(origin[0]), str(origin[1])
    api_params["limit"] = "100"
    context.update({
        "map_data": {
            "lat": origin[0], "lon": origin[1],
            "boundaries": reverse("finder-boundaries", args=[district.code]) if district else "",
            "classes": f"{reverse('api-v1:classes')}?{api_params.urlencode()}",
            "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "class_url": reverse("finder-class", args=[0]).replace("/0/", "/{id}/"),
        },
    })
    return render(request, "finder/map.html", context)


def _district(region: Region | None) -> Region | None:
    if region is None:
        return None
    if region.level == Region.Level.EUPMYEONDONG:
        return region.sigungu
    return region


@require_GET
def boundaries(request: HttpRequest, code: str) -> HttpResponse:
    """GeoJSON of the areas inside a 시·도 (its 시·군·구) or a 시·군·구 (its 동네)."""
    region = get_object_or_404(Region, code=code)
    if region.level == Region.Level.EUPMYEONDONG:
        raise Http404
    rows = RegionBoundary.objects.filter(region__parent=region, region__is_active=True).values_list(
        "region__code", "region__name", "geojson",
    )
    # The geometries are stored as GeoJSON text: spliced in, not parsed and re-encoded.
    features = ",".join(
        '{"type": "Feature", "properties": '
        + json.dumps({"code": code, "name": name}, ensure_ascii=False)
        + ', "geometry": ' + geometry + "}"
        for code, name, geometry in rows
    )
    response = HttpResponse(
        '{"type": "FeatureCollection", "features": [' + features + "]}",
        content_type="application/geo+json",
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything a learner or their family needs about one class."""
    course_class = get_object_or_404(public_classes(), pk=pk)
    hit = load_hits([(course_class.pk, None)])[0]
    course_class = hit.course_class
    at_center = not course_class.outreach_site_id and not course_class.bus_visit_id
    address = course_class.center.road_address
    if course_class.outreach_site_id:
        address = course_class.outreach_site.road_address  # type: ignore[union-attr]
    return render(request, "finder/class_detail.html", {
        "card": _card(hit),
        "class": course_class,
        "course": course_class.course,
        "lessons": course_class.course.lesson_plans.all(),
        "sessions": hit.sessions,
        # Then the table leaves out a time column that would repeat one time
        # on every row and squeeze the dates on a narrow phone.
        "same_times": all(
            (s.starts_at, s.ends_at) == (course_class.starts_at, course_class.ends_at)
            for s in hit.sessions
        ),
        "address": address,
        "center": course_class.center,
        "accessibility": _features(course_class.center) if at_center else [],
        "target_groups": course_class.course.target_group_labels(),
        "refusal": application_refusal(course_class),
    })


def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """The first screen of the online application (enrollment.views)."""
    return apply_who(request, pk)
