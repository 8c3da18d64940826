"""The search as a GET form: where from (a region, a point or a centre) and the filters."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from classes.search import ClassQuery
from courses.models import Level, TargetGroup, Topic
from regions.models import Region
from regions.selectors import region_get_by_code


def _weekday_choices() -> list[tuple[str, str]]:
    from finder.formatting import weekday_name

    return [(str(day), weekday_name(day)) for day in range(7)]


class ClassSearchForm(forms.Form):
    # Where from: one of region, lat+lon, center. Hidden in the filter form.
    region = forms.CharField(required=False, widget=forms.HiddenInput, max_length=10)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-180, max_value=180,
    )
    center = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    in_region = forms.BooleanField(required=False, widget=forms.HiddenInput)

    topic = forms.ChoiceField(
        label=_("What to learn"), required=False,
        choices=[("", _("Anything")), *list(Topic.choices)],
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("Any level")), *list(Level.choices)],
    )
    weekday = forms.MultipleChoiceField(
        label=_("Days"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=_weekday_choices,
    )
    time_of_day = forms.ChoiceField(
        label=_("Time of day"), required=False, widget=forms.RadioSelect,
        choices=[
            ("", _("Any time")),
            ("morning", _("Morning (before noon)")),
            ("afternoon", _("Afternoon (from noon)")),
        ],
    )
    target_group = forms.ChoiceField(
        label=_("For"), required=False,
        choices=[("", _("Any group")), *list(TargetGroup.choices)],
    )
    wheelchair = forms.BooleanField(label=_("Wheelchair access"), required=False)
    has_seats = forms.BooleanField(label=_("Only classes with free seats"), required=False)

    FILTERS = (
        "topic", "level", "weekday", "time_of_day", "target_group", "wheelchair", "has_seats",
    )

    def filters_used(self) -> bool:
        """Whether the learner narrowed the list (then the filters stay open)."""
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in self.FILTERS)

    def clean_region(self) -> Region | None:
        code = self.cleaned_data.get("region") or ""
        if not code:
            return None
        region = region_get_by_code(code) if code.isdigit() else None
        if region is None:
            raise forms.ValidationError(_("There is no region with this code."))
        return region

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(_("The location is incomplete. Please choose again."))
        return data

    def query(self, center_point: tuple[float, float] | None = None) -> ClassQuery:
        data = self.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        if center_point is not None:
            lat, lon = center_point
        return ClassQuery(
            lat=lat, lon=lon, region=data.get("region"),
            within_region=bool(data.get("in_region")),
            center_id=None,
            topic=data.get("topic") or "", level=data.get("level") or "",
            weekdays=tuple(int(day) for day in data.get("weekday") or ()),
            time_of_day=data.get("time_of_day") or None,
            target_group=data.get("target_group") or "",
            wheelchair=bool(data.get("wheelchair")), has_seats=bool(data.get("has_seats")),
        )


class PlaceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Neighbourhood or centre name"), max_length=40, required=False,
        help_text=_("First consonants work too: ㅇㅅ for 역삼."),
    )
