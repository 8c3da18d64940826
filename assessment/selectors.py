"""Reads shared by the learner's test pages, the staff pages and "my application".

Who may continue a sitting: a self-taken sitting has no account behind it,
so the browser that started it (or was handed it by staff, or typed its
resume code) is remembered in the session. Staff who run the class's tests
may always open it.

When a course test is due (`course_test_due`):

- the pre-test, from the moment the place is confirmed until the day of the
  class's 2nd session (its 1st if it has only one), unless a pre-test is
  completed — a learner who missed the first meeting still gets a baseline;
- the post-test, for 21 days counting the day of the last session, unless a
  post-test is completed. A missing pre-test does not stop it: a post-test
  without a pre-test still counts as a post-test (the learner is excluded
  from gain figures, not from the test).

On a day when both are open (a class of one or two sessions), the pre-test
comes first and the post-test after it.
"""

import datetime
from typing import Any

from django.http import HttpRequest

from assessment.models import Diagnostic, DiagnosticStatus, Form, Purpose
from assessment.services import may_run_diagnostics
from enrollment.models import Application, ApplicationStatus

SESSION_KEY = "assessment-allowed"
# How many sittings a browser remembers (a centre's shared tablet hands out many).
SESSION_REMEMBERS = 20
PRE_UNTIL_SESSION = 2
POST_OPEN_DAYS = 21


def session_allow(request: HttpRequest, diagnostic: Diagnostic) -> None:
    """Remember that this browser may continue (and see the result of) `diagnostic`."""
    allowed = [pk for pk in request.session.get(SESSION_KEY, []) if pk != diagnostic.pk]
    allowed.append(diagnostic.pk)
    request.session[SESSION_KEY] = allowed[-SESSION_REMEMBERS:]


def session_may_take(request: HttpRequest, diagnostic: Diagnostic) -> bool:
    """This browser was allowed, or the signed-in user runs the tests of its class."""
    if diagnostic.pk in request.session.get(SESSION_KEY, []):
        return True
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated or diagnostic.application is None:
        return False
    return may_run_diagnostics(user, diagnostic.application)


def _completed(application: Application, purpose: str) -> bool:
    return Diagnostic.objects.filter(
        application=application, purpose=purpose, status=DiagnosticStatus.COMPLETED,
    ).exists()


def course_test_due(application: Application, *, today: datetime.date) -> Purpose | None:
    """The course test (pre or post) the learner may take today, or None (rules above)."""
    if application.status != ApplicationStatus.CONFIRMED:
        return None
    dates = list(
        application.course_class.sessions.order_by("number").values_list("date", flat=True)
    )
    if not dates:
        return None
    pre_until = dates[min(PRE_UNTIL_SESSION, len(dates)) - 1]
    if today <= pre_until and not _completed(application, Purpose.PRE):
        return Purpose.PRE
    post_from = dates[-1]
    post_open = post_from <= today < post_from + datetime.timedelta(days=POST_OPEN_DAYS)
    if post_open and not _completed(application, Purpose.POST):
        return Purpose.POST
    return None


def pre_test_of(diagnostic: Diagnostic) -> Diagnostic | None:
    """The completed pre-test a post-test is compared with, if there is one."""
    if diagnostic.purpose != Purpose.POST or diagnostic.application_id is None:
        return None
    return Diagnostic.objects.filter(
        application_id=diagnostic.application_id, purpose=Purpose.PRE,
        status=DiagnosticStatus.COMPLETED,
    ).first()


def form_by_key(key: str) -> Form | None:
    """The fixed form with this key, or None (also for a key with a NUL character,
    which PostgreSQL cannot even compare)."""
    if not key or "\x00" in key:
        return None
    return Form.objects.filter(key=key).first()
