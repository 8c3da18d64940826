"""Scope strings: which applications a figure is about.

    nation                      everyone (the default)
    sido:<10-digit code>        classes held in a 시·도         sido:1100000000
    sigungu:<10-digit code>     classes held in a 시·군·구      sigungu:1168000000
    center:<id>                 classes of a centre            center:12
    class:<id>                  one class                      class:345
    course:<id>                 classes of a course            course:7
    target_group:<value>        learners in a target group     target_group:seniors
    age_band:<band>             age at the class's first session: under60, 60-69, 70-79, 80+

Parts combine with `&` (`sido:1100000000&age_band:70-79`) or by repeating
the `scope` parameter; every part must hold. Regions and centres are where
the class is held, as in accounts.scoping. The caller's own scope always
applies on top (`Application.objects.for_user`); a place, centre or class
the caller cannot see at all is refused (`OutOfScope`, a 403), so that "no
learners there" is never confused with "not yours to see". See docs/outcomes.md.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from accounts.scoping import is_national
from centers.models import Center
from classes.models import ClassStatus, CourseClass
from courses.models import Course, TargetGroup
from enrollment.models import Application, ApplicationStatus
from regions.models import Region

KINDS = ("nation", "sido", "sigungu", "center", "class", "course", "target_group", "age_band")
# band → (lowest age, highest age) inclusive; None is open.
AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "under60": (None, 59), "60-69": (60, 69), "70-79": (70, 79), "80+": (80, None),
}
MAX_PARTS = 8


class OutOfScope(Exception):
    """The scope names a place the user may not see at all."""


@dataclass(frozen=True)
class Part:
    kind: str
    value: str
    label: str
    filter: Q


@dataclass(frozen=True)
class Scope:
    parts: tuple[Part, ...]

    # False when the reader's own area bounds the figures (anyone not national).
    nationwide: bool = True

    @property
    def label(self) -> str:
        everything = _("Nationwide") if self.nationwide else _("All of your area")
        return " · ".join(part.label for part in self.parts) or everything

    @property
    def query(self) -> str:
        return "&".join(f"{p.kind}:{p.value}" for p in self.parts) or "nation"

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query, "label": self.label,
            "parts": [{"kind": p.kind, "value": p.value, "label": p.label} for p in self.parts],
        }


def _bad(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_scope")


def _region(kind: str, value: str) -> Part:
    region = Region.objects.filter(code=value, level=kind).first()
    if region is None:
        message = (_("No province or metropolitan city has the code %(code)s.") if kind == "sido"
                   else _("No city, county or district has the code %(code)s."))
        raise _bad(message % {"code": value})
    return Part(kind, value, region.full_name,
                Q(**{f"course_class__region__{kind}": region.pk}))


def _number(value: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise _bad(_("'%(value)s' is not a number.") % {"value": value})
    return int(value)


def _center(value: str) -> Part:
    center = Center.objects.filter(pk=_number(value)).first()
    if center is None:
        raise _bad(_("There is no centre number %(id)s.") % {"id": value})
    return Part("center", value, center.name, Q(course_class__center=center.pk))


def _class(value: str) -> Part:
    course_class = CourseClass.objects.select_related("course", "center").filter(
        pk=_number(value)).first()
    if course_class is None:
        raise _bad(_("There is no class number %(id)s.") % {"id": value})
    label = (f"{course_class.course.title} · {course_class.center.name} "
             f"({course_class.first_date:%Y-%m-%d})")
    return Part("class", value, label, Q(course_class=course_class.pk))


def _course(value: str) -> Part:
    course = Course.objects.filter(pk=_number(value)).first()
    if course is None:
        raise _bad(_("There is no course number %(id)s.") % {"id": value})
    return Part("course", value, course.title, Q(course_class__course=course.pk))


def _target_group(value: str) -> Part:
    if value not in TargetGroup.values:
        raise _bad(_("'%(value)s' is not a target group. Use one of: %(known)s") % {
            "value": value, "known": ", ".join(TargetGroup.values)})
    # The learner's groups are a JSON list: match the quoted value in its text
    # (works alike on SQLite and PostgreSQL, as classes.search does).
    return Part("target_group", value, str(TargetGroup(value).label),
                Q(learner__target_groups__icontains=f'"{value}"'))


def age_band_label(band: str) -> str:
    if band == "under60":
        return _("Under 60")
    if band == "80+":
        return _("80 and over")
    return _("Aged %(band)s") % {"band": band}


def _age_band(value: str) -> Part:
    if value not in AGE_BANDS:
        raise _bad(_("'%(value)s' is not an age band. Use one of: %(known)s") % {
            "value": value, "known": ", ".join(AGE_BANDS)})
    low, high = AGE_BANDS[value]
    condition = Q()
    if low is not None:
        condition &= Q(age_at_start__gte=low)
    if high is not None:
        condition &= Q(age_at_start__lte=high)
    return Part("age_band", value, age_band_label(value), condition)


PARSERS = {
    "center": _center, "class": _class, "course": _course,
    "target_group": _target_group, "age_band": _age_band,
}


def _part(text: str) -> Part | None:
    kind, _sep, value = text.strip().partition(":")
    kind, value = kind.strip(), value.strip()
    if kind == "nation" and not value:
        return None
    if kind in ("sido", "sigungu"):
        if not (value.isdigit() and len(value) == 10):
            raise _bad(_("A region code has 10 digits, like sido:1100000000."))
        return _region(kind, value)
    if kind in PARSERS:
        if not value:
            raise _bad(_("Give a value after '%(kind)s:'.") % {"kind": kind})
        return PARSERS[kind](value)
    raise _bad(_("'%(part)s' is not a scope. Use nation, sido:, sigungu:, center:, class:, "
                 "course:, target_group: or age_band:.") % {"part": text.strip()[:40]})


def scope_parse(values: Iterable[str] | str | None) -> Scope:
    """A Scope from one or more scope strings; ValidationError with a message if invalid."""
    texts = [values] if isinstance(values, str) else list(values or [])
    pieces = [piece for text in texts for piece in text.split("&") if piece.strip()]
    if len(pieces) > MAX_PARTS:
        raise _bad(_("Combine at most %(n)s scope parts.") % {"n": MAX_PARTS})
    parts = [part for part in (_part(piece) for piece in pieces) if part is not None]
    kinds = [part.kind for part in parts]
    if len(set(kinds)) != len(kinds):
        raise _bad(_("Each kind of scope may be given once."))
    return Scope(tuple(parts))


def _reaches(user: Any, part: Part) -> bool:
    """Whether the user may see any class of a place, centre or class."""
    if part.kind in ("sido", "sigungu"):
        return CourseClass.objects.for_user(user).filter(
            **{f"region__{part.kind}__code": part.value}).exists() or Center.objects.for_user(
            user).filter(**{f"region__{part.kind}__code": part.value}).exists()
    if part.kind == "center":
        return Center.objects.for_user(user).filter(pk=int(part.value)).exists()
    if part.kind == "class":
        return CourseClass.objects.for_user(user).filter(pk=int(part.value)).exists()
    return True


# Applications whose outcomes are measured: confirmed learners of classes
# that have started (running or finished). Cancelled and waiting ones never
# sat in the class, and a class yet to start has had no test.
MEASURED_CLASS_STATUSES = (ClassStatus.RUNNING, ClassStatus.FINISHED)


def scoped_applications(user: Any, scope: Scope) -> Any:
    """The measured applications in the scope, within what the user may see.

    Raises OutOfScope when a place, centre or class in the scope is wholly
    outside the user's reach.
    """
    if not is_national(user):
        for part in scope.parts:
            if not _reaches(user, part):
                raise OutOfScope(part.label)
    applications = Application.objects.for_user(user).filter(
        status=ApplicationStatus.CONFIRMED, course_class__status__in=MEASURED_CLASS_STATUSES,
    )
    if any(part.kind == "age_band" for part in scope.parts):
        applications = applications.alias(
            age_at_start=ExtractYear("course_class__first_date") - F("learner__birth_year"),
        )
    for part in scope.parts:
        applications = applications.filter(part.filter)
    return applications
