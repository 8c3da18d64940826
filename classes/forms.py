from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from centers.models import BusVisit, Center, OutreachSite
from classes.selectors import class_manageable_centers
from classes.services import ClassData
from courses.models import Course

WEEKDAY_CHOICES = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
]


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class ClassForm(forms.Form):
    """Offers only what the user may choose: their centres, those centres' venues and staff."""

    course = forms.ModelChoiceField(Course.objects.none(), label=_("Course"))
    center = forms.ModelChoiceField(Center.objects.none(), label=_("Organising centre"))
    outreach_site = forms.ModelChoiceField(
        OutreachSite.objects.none(), required=False, label=_("Outreach site"),
        help_text=_("Leave empty when the class meets at the centre."),
    )
    bus_visit = forms.ModelChoiceField(
        BusVisit.objects.none(), required=False, label=_("Learning bus visit"),
    )
    start_date = forms.DateField(label=_("First session on or after"), widget=DateInput)
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple,
        label=_("Weekdays"),
    )
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimeInput)
    ends_at = forms.TimeField(label=_("Ends at"), widget=TimeInput)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100)
    registration_opens = forms.DateField(label=_("Applications open"), widget=DateInput)
    registration_closes = forms.DateField(label=_("Applications close"), widget=DateInput)
    instructor = forms.ModelChoiceField(User.objects.none(), required=False, label=_("Instructor"))
    supporters = forms.ModelMultipleChoiceField(
        User.objects.none(), required=False, label=_("Supporters"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centers = class_manageable_centers(user)
        fields: Any = self.fields
        # A class keeps its course after the course is withdrawn from the catalogue.
        current = self.initial.get("course")
        fields["course"].queryset = Course.objects.filter(
            Q(is_active=True) | Q(pk=getattr(current, "pk", current)),
        )
        fields["center"].queryset = centers
        fields["outreach_site"].queryset = OutreachSite.objects.filter(hub__in=centers)
        fields["bus_visit"].queryset = BusVisit.objects.filter(
            vehicle__base__in=centers,
        ).select_related("vehicle")
        # One filter() call: the centre and the role must belong to the same grant.
        fields["instructor"].queryset = User.objects.filter(
            role_grants__center__in=centers, role_grants__role=Role.INSTRUCTOR,
        ).distinct()
        fields["supporters"].queryset = User.objects.filter(
            role_grants__center__in=centers,
            role_grants__role__in=[Role.SUPPORTER, Role.INSTRUCTOR],
        ).distinct()

    def class_data(self) -> ClassData:
        d = self.cleaned_data
        return ClassData(
            course=d["course"], center=d["center"], start_date=d["start_date"],
            weekdays=list(d["weekdays"]), starts_at=d["starts_at"], ends_at=d["ends_at"],
            capacity=d["capacity"], registration_opens=d["registration_opens"],
            registration_closes=d["registration_closes"], outreach_site=d["outreach_site"],
            bus_visit=d["bus_visit"], instructor=d["instructor"],
            supporters=list(d["supporters"]),
        )


class TransitionForm(forms.Form):
    # Any text: classes.services.class_transition names an unknown status.
    to = forms.CharField(label=_("Status"))
    reason = forms.CharField(required=False, max_length=500, label=_("Reason for cancelling"))
