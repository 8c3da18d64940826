"""Outcome figures through the API.

    GET /api/v1/stats/outcomes?scope=sido:1100000000&scope=age_band:70-79

Staff (Bearer token) only; the caller's own scope always applies on top of the
one asked for. A scope that cannot be read is a 422, a place wholly outside
the caller's scope a 403, each with `{"message": <Korean>}`. See docs/outcomes.md.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from api.auth import BearerToken
from enrollment.api import answer, refusal
from stats.scopes import OutOfScope, scope_parse
from stats.selectors import may_see_outcomes, outcomes_report

router = Router(tags=["stats"])


class ScopeQuery(Schema):
    scope: list[str] = []


@router.get("/outcomes", auth=BearerToken(), summary="Competency gain, satisfaction and use")
def outcomes(request: HttpRequest, filters: Query[ScopeQuery]) -> HttpResponse:
    """Gain from pre- to post-test (pairs, exclusions, 95 % CI, effect size, level moves,
    per area), with satisfaction and three-month follow-up, for a scope.

    `scope`: `nation`, `sido:<code>`, `sigungu:<code>`, `center:<id>`, `class:<id>`,
    `course:<id>`, `target_group:<value>`, `age_band:<under60|60-69|70-79|80+>`;
    combine with `&` or repeat the parameter.
    """
    user: Any = request.user
    if not may_see_outcomes(user):
        return refusal(_("Only staff with a role can read these figures."), 403)
    try:
        scope = scope_parse(filters.scope)
    except ValidationError as error:
        return refusal(error.messages[0], 422)
    try:
        report = outcomes_report(user=user, scope=scope)
    except OutOfScope as error:
        return refusal(
            _("%(scope)s is outside your area of responsibility.") % {"scope": error.args[0]},
            403,
        )
    return answer(report.as_dict(), 200)
