from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from centers.services import outreach_preferred_start_validate
from courses.models import Topic
from regions.models import Region


def district_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """시·군·구 grouped under their 시·도, for a select that works without JavaScript."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for district in Region.objects.sigungus().active().select_related("sido").order_by("code"):
        province = district.sido.name if district.sido else ""
        groups.setdefault(province, []).append((district.pk, district.name))
    return list(groups.items())


class DateInput(forms.DateInput):
    input_type = "date"


class OutreachRequestForm(forms.Form):
    organisation = forms.CharField(
        label=_("Name of your organisation"), max_length=100,
        help_text=_("For example: 행복경로당, 한빛물산 or 우리아파트 관리사무소."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=20,
        help_text=_("We call this number to arrange the class."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    district = forms.TypedChoiceField(label=_("City, county or district"), coerce=int)
    road_address = forms.CharField(
        label=_("Address of the place for the class"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    topic = forms.ChoiceField(label=_("What should the class teach?"), choices=Topic.choices)
    preferred_start = forms.DateField(label=_("Preferred from"), widget=DateInput)
    preferred_end = forms.DateField(label=_("Preferred until"), widget=DateInput)
    expected_learners = forms.IntegerField(
        label=_("How many learners?"), min_value=1, max_value=500,
    )
    notes = forms.CharField(
        label=_("Anything we should know (optional)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: wheelchair users, preferred days or times."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the contact name and phone are used only to arrange this class "
            "and are deleted a year after it."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("Choose…")), *district_choices()]  # type: ignore[attr-defined]

    def clean_preferred_start(self) -> date:
        value: date = self.cleaned_data["preferred_start"]
        outreach_preferred_start_validate(value)  # early, beside the other fields' errors
        return value

    def clean_district(self) -> Region:
        region = Region.objects.sigungus().filter(pk=self.cleaned_data["district"]).first()
        if region is None:
            raise forms.ValidationError(_("Choose a city, county or district."))
        return region


class DecisionForm(forms.Form):
    ACCEPT, SCHEDULE, DECLINE = "accept", "schedule", "decline"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept")), (SCHEDULE, _("Schedule")), (DECLINE, _("Decline"))],
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you decline; the organisation is told."),
    )
