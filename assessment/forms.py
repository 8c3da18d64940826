"""Staff forms: starting a sitting on a tablet, and entering a paper answer sheet.

On paper, answers are numbers: 1 to 4 for the options in the order printed
(①②③④), 0 for "no answer". The paper form turns them into option keys.
"""

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessment.models import Form, FormItem, Mode, Purpose

NO_ANSWER = "0"
CIRCLED = "①②③④"
ADAPTIVE = "adaptive"


class StartForm(forms.Form):
    """Which test, and how: adaptive, or one of the fixed forms (by key)."""

    purpose = forms.ChoiceField(
        label=_("Which test"),
        choices=[(Purpose.PRE, Purpose.PRE.label), (Purpose.POST, Purpose.POST.label)],
    )
    how = forms.ChoiceField(label=_("Kind of test"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["how"].choices = how_choices()  # type: ignore[attr-defined]

    def mode_and_form(self) -> tuple[str, Form | None]:
        how = self.cleaned_data["how"]
        if how == ADAPTIVE:
            return Mode.ADAPTIVE, None
        return Mode.FIXED, Form.objects.get(key=how)


def how_choices() -> list[tuple[str, str]]:
    fixed = [
        (form.key, str(_("Fixed form: %(name)s") % {"name": form.name}))
        for form in Form.objects.all()
    ]
    return [(ADAPTIVE, str(_("Adaptive (fewer questions)"))), *fixed]


@dataclass(frozen=True)
class PaperQuestion:
    position: int
    field_name: str
    stem: str
    # (number as written on paper, its circled form, option key, option text)
    options: list[tuple[str, str, str, str]]


def paper_questions(form: Form) -> list[PaperQuestion]:
    rows = form.form_items.select_related("item_version").order_by("position")
    return [_question(row) for row in rows]


def _question(row: FormItem) -> PaperQuestion:
    options = [
        (str(number), CIRCLED[number - 1], option["key"], option["text"])
        for number, option in enumerate(row.item_version.options, start=1)
    ]
    return PaperQuestion(
        position=row.position, field_name=f"q{row.position}", stem=row.item_version.stem,
        options=options,
    )


class PaperForm(forms.Form):
    """One radio group per question (1–4 or 0), or all answers typed in one line."""

    quick = forms.CharField(
        label=_("Or type the answers as numbers, in order: 1 3 2 4 0 …"),
        help_text=_("1 to 4 for ① to ④, 0 for no answer. Fills every question at once."),
        required=False, max_length=1000,
    )

    def __init__(self, *args: Any, questions: list[PaperQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            numbers = [number for number, *_rest in question.options]
            self.fields[question.field_name] = forms.ChoiceField(
                choices=[(n, n) for n in [*numbers, NO_ANSWER]], required=False,
                widget=forms.RadioSelect,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        quick = (cleaned.get("quick") or "").strip()
        numbers = self._quick_numbers(quick) if quick else self._radio_numbers(cleaned)
        cleaned["choices"] = {
            question.position: self._key(question, number)
            for question, number in zip(self.questions, numbers, strict=True)
        }
        return cleaned

    def _radio_numbers(self, cleaned: dict[str, Any]) -> list[str]:
        missing = [str(q.position) for q in self.questions if not cleaned.get(q.field_name)]
        if missing:
            raise ValidationError(
                _("Mark an answer (or 'no answer') for every question. Missing: %(positions)s"),
                params={"positions": ", ".join(missing)}, code="incomplete",
            )
        return [cleaned[q.field_name] for q in self.questions]

    def _quick_numbers(self, quick: str) -> list[str]:
        tokens = re.findall(r"\d", quick) if re.fullmatch(r"[\d\s,.]*", quick) else None
        if tokens is None:
            raise ValidationError(
                _("Type only numbers from 0 to 4, separated by spaces."), code="quick_invalid",
            )
        if len(tokens) != len(self.questions):
            raise ValidationError(
                _(
                    "The test has %(expected)s questions, but %(given)s answers were typed. "
                    "Type one number for each question, and 0 where the learner gave no answer.",
                ),
                params={"expected": len(self.questions), "given": len(tokens)},
                code="quick_count",
            )
        wrong = [
            str(q.position) for q, n in zip(self.questions, tokens, strict=True)
            if n != NO_ANSWER and int(n) > len(q.options)
        ]
        if wrong:
            raise ValidationError(
                _("These questions have fewer options than the number typed: %(positions)s"),
                params={"positions": ", ".join(wrong)}, code="quick_option",
            )
        return tokens

    @staticmethod
    def _key(question: PaperQuestion, number: str) -> str:
        if number == NO_ANSWER:
            return ""
        return question.options[int(number) - 1][2]
