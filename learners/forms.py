from django import forms
from django.utils.translation import gettext_lazy as _

from enrollment.staff_forms import PhoneField


class PhoneSearchForm(forms.Form):
    phone = PhoneField(help_text=_(
        "The whole number: 010-1234-5678, 010 1234 5678 or +82 10-1234-5678.",
    ))


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(label=_("Record number of the duplicate"), min_value=1)
