"""Shared reads over learners for the staff screens.

Staff see a learner through the classes the learner applied to
(`Learner.objects.for_user`, used as a subquery: its join through
applications repeats a learner once per application).
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from classes.models import CourseClass
from enrollment.models import Application
from learners.models import Consent, Learner
from learners.services import phone_index_of

SEARCH_LIMIT = 100


def learners_visible(user: User | AnonymousUser) -> QuerySet[Learner]:
    """Learners in scope, and the duplicates merged into them (their history stays readable:
    a merged record has no applications of its own left)."""
    direct = Learner.objects.for_user(user).values("pk")
    return Learner.objects.filter(Q(pk__in=direct) | Q(merged_into__in=direct))


def learner_search_phone(*, user: User | AnonymousUser, phone: str) -> QuerySet[Learner]:
    """Learners in the user's scope with this phone (digits only, normalised), merged ones too."""
    return learners_visible(user).filter(phone_index=phone_index_of(phone)).order_by("pk")


def learner_search_class(
    *, user: User | AnonymousUser, course_class: CourseClass,
) -> QuerySet[Learner]:
    """Learners who applied to the class (any status), when the class is in the user's scope."""
    if not CourseClass.objects.for_user(user).filter(pk=course_class.pk).exists():
        return Learner.objects.none()
    return (
        Learner.objects.filter(applications__course_class=course_class)
        .distinct().order_by("pk")
    )


def learner_get(*, user: User | AnonymousUser, pk: int) -> Learner | None:
    """A learner in scope, with consents, merged duplicates and residence."""
    return (
        learners_visible(user)
        .select_related("residence", "merged_into", "created_by")
        .prefetch_related(
            Prefetch("consents", queryset=Consent.objects.select_related("recorded_by")),
            "merged_from",
        )
        .filter(pk=pk)
        .first()
    )


def learner_applications(
    *, user: User | AnonymousUser, learner: Learner,
) -> tuple[list[Application], int]:
    """The learner's applications the user may see (newest first), and how many others exist."""
    visible = list(
        Application.objects.for_user(user)
        .filter(learner=learner)
        .select_related("course_class__course", "course_class__center", "created_by")
        .order_by("-created_at", "-id"),
    )
    total = Application.objects.filter(learner=learner).count()
    return visible, total - len(visible)
