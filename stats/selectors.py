"""The outcome figures for a scope, read once for the API, the page and the Excel file."""

from dataclasses import asdict, dataclass, is_dataclass, replace
from typing import Any

from django.utils.translation import gettext as _

from accounts.scoping import is_national, role_grants
from assessment.outcomes import Gain, gain_summary
from stats.scopes import Scope, scoped_applications
from surveys.models import SurveyKind, SurveyResponse
from surveys.selectors import survey_results


def may_see_outcomes(user: Any) -> bool:
    """Staff with any role: each sees the figures of their own scope."""
    return bool(user.is_authenticated and (is_national(user) or role_grants(user)))


@dataclass(frozen=True)
class Report:
    scope: Scope
    enrollments: int  # 연인원: applications (one person in two classes counts twice)
    learners: int  # 실인원: distinct people
    competency: Gain
    satisfaction: Any | None
    follow_up: Any | None
    note: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": {**self.scope.as_dict(), "note": self.note},
            "enrollments": self.enrollments,
            "learners": self.learners,
            "competency": self.competency.as_dict(),
            "satisfaction": _plain(self.satisfaction),
            "follow_up": _plain(self.follow_up),
        }


def _plain(value: Any) -> Any:
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value


def _surveys(user: Any, applications: Any) -> tuple[Any | None, Any | None]:
    """Satisfaction and lasting use, as much as the small-cell rule lets `user` see
    (None: hidden; see surveys.selectors)."""
    responses = SurveyResponse.objects.filter(application__in=applications.values("pk"))
    return (
        survey_results(user=user, responses=responses, kind=SurveyKind.COURSE_END).satisfaction,
        survey_results(user=user, responses=responses, kind=SurveyKind.FOLLOW_UP).follow_up,
    )


def outcomes_report(*, user: Any, scope: Scope) -> Report:
    """Raises stats.scopes.OutOfScope for a place the user cannot see at all."""
    applications = scoped_applications(user, scope)
    satisfaction, follow_up = _surveys(user, applications)
    note = "" if is_national(user) else _(
        "Only learners within your own area of responsibility are counted.")
    return Report(
        scope=replace(scope, nationwide=is_national(user)),
        enrollments=applications.count(),
        learners=applications.values("learner_id").distinct().count(),
        competency=gain_summary(applications),
        satisfaction=satisfaction, follow_up=follow_up, note=note,
    )
