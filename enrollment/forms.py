"""The learner's forms: the three application screens and the application page.

The forms only collect what was typed; the checks (and their Korean
messages) are the services' own (`learners.services`, `privacy.phone`), so an
online application is judged exactly as a phone or API one is.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courses.models import TargetGroup
from learners.models import DisabilityStatus, ProxyRelationship, Sex
from learners.services import clean_name, learner_data_clean
from privacy.phone import normalize_phone

WHO_SELF = "self"
WHO_PROXY = "proxy"


class WhoForm(forms.Form):
    """Screen 1: who applies, and who will attend."""

    who = forms.ChoiceField(
        label=_("Who is applying?"),
        choices=[(WHO_SELF, _("I am applying for myself")),
                 (WHO_PROXY, _("I am applying for someone else"))],
        widget=forms.RadioSelect, initial=WHO_SELF,
        error_messages={"required": _("Choose who is applying.")},
    )
    proxy_relationship = forms.ChoiceField(
        label=_("How are you related to the learner?"), required=False,
        choices=ProxyRelationship.choices, widget=forms.RadioSelect,
    )
    # No max_length here: the service's length rule and message apply.
    proxy_name = forms.CharField(label=_("Your name"), required=False)
    proxy_phone = forms.CharField(
        label=_("Your phone number"), required=False, max_length=40,
        help_text=_("We send you a text message when the application is made."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    learner_agreed = forms.BooleanField(
        label=_("The learner knows about this application and agrees to it."), required=False,
    )
    name = forms.CharField(
        label=_("Name of the person who will attend"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone number of the person who will attend"), required=False, max_length=40,
        help_text=_("For example 010-1234-5678. We send the class details here."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    birth_year = forms.CharField(
        label=_("Year of birth"), required=False, max_length=10,
        help_text=_("Four digits, for example 1952."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    sex = forms.ChoiceField(
        label=_("Sex (you may leave this out)"), required=False,
        choices=[("", _("I would rather not say")), *Sex.choices], widget=forms.RadioSelect,
    )

    target_groups = forms.MultipleChoiceField(
        label=_("Does any of these describe the person? (you may leave this out)"),
        help_text=_("Some classes keep places for these groups first."),
        required=False, widget=forms.CheckboxSelectMultiple,
        # Disability is asked apart, with its own agreement; "everyone" says nothing.
        choices=[(value, label) for value, label in TargetGroup.choices
                 if value not in (TargetGroup.DISABLED, TargetGroup.GENERAL)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "phone", "birth_year"):
            self.fields[name].widget.attrs["required"] = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            learner = learner_data_clean(
                name=data.get("name"), phone=data.get("phone"),
                birth_year=data.get("birth_year"), sex=data.get("sex") or "",
                target_groups=data.get("target_groups") or [],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            data["name"], data["phone"] = learner.name, learner.phone
            data["birth_year"], data["sex"] = learner.birth_year, learner.sex
            data["target_groups"] = learner.target_groups
        if data.get("who") == WHO_PROXY:
            self._clean_proxy(data)
        else:
            data.update(proxy_name="", proxy_phone="", proxy_relationship="",
                        learner_agreed=False)
        return data

    def _clean_proxy(self, data: dict[str, Any]) -> None:
        # The same rules and messages as learners.services.consent_clean.
        if data.get("proxy_relationship") not in ProxyRelationship.values:
            self.add_error("proxy_relationship", _("Choose how you are related to the learner."))
        if not (data.get("proxy_name") or "").strip():
            self.add_error("proxy_name", _("Enter the name of the person applying on behalf."))
        else:
            try:
                data["proxy_name"] = clean_name(data["proxy_name"])
            except ValidationError as error:
                self.add_error("proxy_name", error)
        if not (data.get("proxy_phone") or "").strip():
            self.add_error("proxy_phone", _("Enter your phone number."))
        else:
            try:
                data["proxy_phone"] = normalize_phone(data["proxy_phone"])
            except ValidationError as error:
                self.add_error("proxy_phone", error)
        if not data.get("learner_agreed"):
            self.add_error(
                "learner_agreed",
                _("Please ask the learner first: we sign them up only when they agree."),
            )


class ConsentForm(forms.Form):
    """Screen 2: agreement to the notice, and the optional disability question."""

    personal_info = forms.BooleanField(
        label=_("I agree to the use of this personal information as described above."),
        required=False,
    )
    sensitive_info = forms.BooleanField(
        label=_("I agree that the centre keeps the disability information below."),
        required=False,
    )
    disability = forms.ChoiceField(
        label=_("Disability (you may leave this out)"), required=False,
        choices=[("", _("I would rather not say")), *DisabilityStatus.choices],
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("personal_info"):
            self.add_error(
                "personal_info",
                _("We need your agreement to use your personal information to sign you up."),
            )
        if data.get("disability") and not data.get("sensitive_info"):
            self.add_error(
                "sensitive_info", _("Disability information is kept only with its own agreement."),
            )
        return data


class CodeForm(forms.Form):
    """Screen 3: the six-digit code from the text message."""

    code = forms.CharField(
        label=_("The 6-digit code in the text message"), max_length=20,
        error_messages={"required": _("Enter the code from the text message.")},
        widget=forms.TextInput(attrs={
            "inputmode": "numeric", "autocomplete": "one-time-code", "class": "code-input",
        }),
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split()).replace("-", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise ValidationError(_("The code has 6 digits. Please check the message."))
        return code


class ManageLoginForm(forms.Form):
    """The learner's application page: management code and phone, no account."""

    code = forms.CharField(
        label=_("Application code"), max_length=20,
        help_text=_("8 letters and digits, for example ABCD-2345. It is in the text message."),
        error_messages={"required": _("Enter the application code.")},
        widget=forms.TextInput(attrs={
            "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
            "class": "code-input",
        }),
    )
    phone = forms.CharField(
        label=_("Phone number given when applying"), max_length=40,
        error_messages={"required": _("Enter the phone number.")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you cancelling? (you may leave this out)"), required=False,
        max_length=200,
    )
