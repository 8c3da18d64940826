"""Forms of the staff enrollment screens: phone and walk-in intake, roster actions."""

from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from classes.models import CourseClass
from courses.models import TargetGroup
from enrollment.selectors import INTAKE_CLASS_LIMIT, enrollment_manageable_classes, intake_classes
from learners.models import Channel, DisabilityStatus, Learner, Sex
from learners.services import ConsentGiven, LearnerData, learner_data_clean, learners_with_phone
from privacy.phone import normalize_phone

NEW_LEARNER = "new"
OUT_OF_SCOPE = _("You can only handle applications for classes of your own centres or region.")
STAFF_CHANNELS = [(Channel.PHONE.value, Channel.PHONE.label),
                  (Channel.WALK_IN.value, Channel.WALK_IN.label)]
# Disability is asked separately, with its own consent (learners.services).
TARGET_GROUP_CHOICES = [(g.value, g.label) for g in TargetGroup if g != TargetGroup.DISABLED]


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("label", _("Phone number"))
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "type": "tel", "inputmode": "tel", "autocomplete": "off",
        }))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return normalize_phone(super().clean(value))


class PhoneLookupForm(forms.Form):
    """Step 1: the phone number the learner gives."""

    phone = PhoneField(help_text=_("For example 010-1234-5678. Spaces and hyphens do not matter."))
    course_class = forms.IntegerField(required=False, widget=forms.HiddenInput)


class IntakeForm(forms.Form):
    """Step 2: who (an existing learner with that phone, or a new one), which class, consent."""

    phone = PhoneField(widget=forms.HiddenInput)
    learner = forms.ChoiceField(label=_("Who is applying?"), widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    sex = forms.ChoiceField(label=_("Sex"), required=False, widget=forms.RadioSelect,
                            choices=[("", _("Not given")), *Sex.choices])
    course_class = forms.IntegerField(label=_("Class"))
    channel = forms.ChoiceField(label=_("How did the learner apply?"), choices=STAFF_CHANNELS,
                                widget=forms.RadioSelect, initial=Channel.PHONE.value)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups (optional)"), choices=TARGET_GROUP_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_personal_info = forms.BooleanField(
        label=_("I read the notice on personal information aloud, and the learner agreed."),
        required=False,
    )
    consent_sensitive_info = forms.BooleanField(
        label=_("I read the notice on disability information aloud, and the learner agreed "
                "(only if the learner wants to tell us)."),
        required=False,
    )
    disability = forms.ChoiceField(
        label=_("Disability"), required=False,
        choices=[("", _("Not asked")), *DisabilityStatus.choices],
    )

    def __init__(self, *args: Any, user: User | AnonymousUser, matches: list[Learner],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.matches = matches
        self.existing: Learner | None = None
        self.new_data: LearnerData | None = None
        fields: Any = self.fields
        fields["learner"].choices = [
            *((str(m.pk), str(m.pk)) for m in matches),
            (NEW_LEARNER, _("Someone else: a new learner")),
        ]
        if not matches:
            fields["learner"].initial = NEW_LEARNER
            # Nobody to pick: the name is the next thing to type.
            fields["name"].widget.attrs["autofocus"] = True
        classes = list(intake_classes(user)[:INTAKE_CLASS_LIMIT])
        chosen = self.data.get("course_class") or self.initial.get("course_class")
        choices = [("", _("Choose a class"))] + [(c.pk, class_label(c)) for c in classes]
        if chosen and str(chosen) not in {str(c.pk) for c in classes}:
            # A preselected class beyond the list (or one that stopped taking
            # applications): offered anyway, and the service says why if it must.
            extra = enrollment_manageable_classes(user).select_related("course", "center")
            found = extra.filter(pk=int(chosen)).first() if str(chosen).isdigit() else None
            if found is not None:
                choices.append((found.pk, class_label(found)))
        fields["course_class"].widget = forms.Select(choices=choices)

    def clean_course_class(self) -> CourseClass:
        pk = self.cleaned_data["course_class"]
        found = enrollment_manageable_classes(self.user).filter(pk=pk).first()
        if found is None:
            raise ValidationError(OUT_OF_SCOPE, code="out_of_scope")
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "phone" not in data or "learner" not in data:
            return data
        if data["learner"] == NEW_LEARNER:
            self._clean_new(data)
        else:
            self.existing = learners_with_phone(data["phone"]).filter(pk=data["learner"]).first()
            if self.existing is None:
                self.add_error("learner", _("Choose the learner again."))
        if not data.get("consent_personal_info"):
            self.add_error("consent_personal_info", _(
                "Read the notice aloud and tick the box when the learner agrees: "
                "without it we cannot sign the learner up.",
            ))
        if data.get("disability") and not data.get("consent_sensitive_info"):
            self.add_error("disability", _(
                "Disability information is kept only with its own agreement.",
            ))
        return data

    def _clean_new(self, data: dict[str, Any]) -> None:
        try:
            self.new_data = learner_data_clean(
                name=data.get("name"), phone=data["phone"], birth_year=data.get("birth_year"),
                sex=data.get("sex", ""), target_groups=data.get("target_groups"),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)

    def learner_data(self) -> LearnerData:
        if self.existing is None:
            assert self.new_data is not None, "call after is_valid()"
            return self.new_data
        learner = self.existing
        return LearnerData(
            name=learner.name, phone=learner.phone, birth_year=learner.birth_year,
            sex=learner.sex, target_groups=self.cleaned_data["target_groups"]
            or list(learner.target_groups), residence=learner.residence,
        )

    def consent(self) -> ConsentGiven:
        data = self.cleaned_data
        return ConsentGiven(
            personal_info=data["consent_personal_info"],
            sensitive_info=data["consent_sensitive_info"],
            disability=data["disability"] if data["consent_sensitive_info"] else "",
        )


def class_label(course_class: CourseClass) -> str:
    return (
        f"{course_class.course.title} · {course_class.center.name} · "
        f"{course_class.first_date:%Y-%m-%d} {course_class.starts_at:%H:%M}"
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling the application"), max_length=200, required=False,
        help_text=_("For example: the learner called to cancel."),
    )


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("New capacity"), min_value=1, max_value=1000)
