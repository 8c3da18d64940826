"""Which survey results a user may see: the small-cell rule, in one place.

Used by the class's survey page, the outcomes page, its Excel file and the
stats API (docs/surveys.md, "Small cells"). National administrators, regional
officers and centre managers see every figure of the classes they oversee.
Everyone else who can see a class (its instructor and supporters):

- sees its results only once the survey has closed for that class (the last
  session + the days a link stays open), counting only answers given before
  then, so a new answer cannot be read off a moving mean;
- never sees a figure built from fewer than MIN_CELL answers, overall or for
  one question, nor the comments of fewer than MIN_CELL answers.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import is_national
from classes.models import CourseClass
from surveys.models import SurveyKind, SurveyResponse
from surveys.outcomes import FollowUp, Satisfaction, follow_up_summary, satisfaction_summary
from surveys.services import FOLLOW_UP_DAYS, LINK_DAYS

# Results of fewer answers than this are hidden from the class's instructor
# and supporters: with fewer, they could guess who said what.
MIN_CELL = 5
OVERSEEING = (Role.CENTER_MANAGER, Role.REGIONAL_OFFICER)


def results_open_on(course_class: CourseClass, kind: str) -> date | None:
    """The day the class's instructor and supporters may first see its results:
    the day after the last link sent by the daily run has closed."""
    if course_class.last_date is None:
        return None
    sent_after = 1 if kind == SurveyKind.COURSE_END else FOLLOW_UP_DAYS
    return course_class.last_date + timedelta(days=sent_after + LINK_DAYS[kind] + 1)


@dataclass(frozen=True)
class Results:
    n: int  # answers counted for this user
    satisfaction: Satisfaction | None  # None: nothing may be shown
    follow_up: FollowUp | None
    comments: list[str]
    full: bool  # overseer: every answer, no minimum
    opens_on: date | None = None  # a class whose results are not open yet: from when


def _overseen_class_ids(user: Any, class_ids: set[int]) -> set[int]:
    if is_national(user):
        return class_ids
    return set(
        CourseClass.objects.for_user(user, roles=OVERSEEING)
        .filter(pk__in=class_ids).values_list("pk", flat=True),
    )


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _closed(responses: Any, class_ids: set[int], kind: str) -> tuple[Q, date | None]:
    """Answers of closed classes given before they closed, and the latest day on
    which a class still open will open."""
    allowed = Q(pk__in=[])
    waiting: date | None = None
    today = timezone.localdate()
    for course_class in CourseClass.objects.filter(pk__in=class_ids):
        opens = results_open_on(course_class, kind)
        if opens is None or opens > today:
            waiting = max(filter(None, [waiting, opens]), default=None)
            continue
        allowed |= Q(application__course_class=course_class, submitted_at__lt=_midnight(opens))
    return allowed, waiting


def _without_small_questions(summary: Satisfaction) -> Satisfaction:
    return replace(summary, per_question={
        key: mean for key, mean in summary.per_question.items()
        if summary.per_question_n.get(key, 0) >= MIN_CELL
    })


def survey_results(*, user: Any, responses: Any, kind: str) -> Results:
    """What `user` may see of `responses` (SurveyResponse of one kind, already
    scoped to what the user may read)."""
    responses = responses.filter(kind=kind)
    class_ids = set(responses.values_list("application__course_class", flat=True))
    overseen = _overseen_class_ids(user, class_ids)
    full = overseen == class_ids
    opens_on = None
    if not full:
        allowed, opens_on = _closed(responses, class_ids - overseen, kind)
        responses = responses.filter(Q(application__course_class__in=overseen) | allowed)
    n = responses.count()
    shown = full or n >= MIN_CELL
    satisfaction = follow_up = None
    if shown and kind == SurveyKind.COURSE_END:
        satisfaction = satisfaction_summary(responses)
        if not full:
            satisfaction = _without_small_questions(satisfaction)
    if shown and kind == SurveyKind.FOLLOW_UP:
        follow_up = follow_up_summary(responses)
    comments = sorted(
        responses.exclude(comment="").values_list("comment", flat=True),
    ) if shown else []
    return Results(n=n, satisfaction=satisfaction, follow_up=follow_up, comments=comments,
                   full=full, opens_on=opens_on)


def class_survey_results(*, user: Any, course_class: CourseClass, kind: str) -> Results:
    """The class page's results; for a class still open, only when they open."""
    overseer = bool(_overseen_class_ids(user, {course_class.pk}))
    opens = results_open_on(course_class, kind)
    if not overseer and (opens is None or opens > timezone.localdate()):
        return Results(n=0, satisfaction=None, follow_up=None, comments=[], full=False,
                       opens_on=opens)
    responses = SurveyResponse.objects.filter(application__course_class=course_class)
    return replace(survey_results(user=user, responses=responses, kind=kind), full=overseer)
