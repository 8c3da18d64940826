"""Which course test is due when, and who may continue a sitting."""

from datetime import timedelta

import pytest
from django.test import RequestFactory

from assessment.models import DiagnosticStatus, Mode, Purpose
from assessment.selectors import course_test_due, pre_test_of, session_allow, session_may_take
from assessment.services import diagnostic_start
from assessment.testing import small_bank
from enrollment.models import ApplicationStatus
from enrollment.testing import apply, recruiting_class

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(people):
    applied = apply(recruiting_class(people)).application
    assert applied.status == ApplicationStatus.CONFIRMED
    return applied


def session_dates(application):
    return list(application.course_class.sessions.order_by("number").values_list("date", flat=True))


def completed(application, purpose):
    diagnostic = diagnostic_start(
        application=application, purpose=purpose, mode=Mode.ADAPTIVE,
    ).diagnostic
    diagnostic.status = DiagnosticStatus.COMPLETED
    diagnostic.save(update_fields=["status"])
    return diagnostic


def test_it_offers_the_pre_test_from_confirmation_to_the_second_session(application):
    dates = session_dates(application)
    assert len(dates) >= 3
    assert course_test_due(application, today=dates[0] - timedelta(days=10)) == Purpose.PRE
    assert course_test_due(application, today=dates[1]) == Purpose.PRE
    assert course_test_due(application, today=dates[1] + timedelta(days=1)) is None


def test_it_stops_offering_the_pre_test_once_completed(application):
    completed(application, Purpose.PRE)
    dates = session_dates(application)
    assert course_test_due(application, today=dates[0]) is None


def test_it_offers_the_post_test_for_21_days_from_the_last_session(application):
    last = session_dates(application)[-1]
    assert course_test_due(application, today=last - timedelta(days=1)) is None
    assert course_test_due(application, today=last) == Purpose.POST
    assert course_test_due(application, today=last + timedelta(days=20)) == Purpose.POST
    assert course_test_due(application, today=last + timedelta(days=21)) is None


def test_it_offers_the_post_test_without_a_pre_test_and_not_twice(application):
    last = session_dates(application)[-1]
    assert course_test_due(application, today=last) == Purpose.POST
    completed(application, Purpose.POST)
    assert course_test_due(application, today=last) is None


def test_it_offers_nothing_to_an_application_not_confirmed(people, application):
    course_class = recruiting_class(people, capacity=1)
    apply(course_class)
    waiting = apply(course_class).application
    assert waiting.status != ApplicationStatus.CONFIRMED
    dates = session_dates(waiting)
    assert course_test_due(waiting, today=dates[0]) is None


def test_it_gives_a_one_session_class_the_pre_test_first_then_the_post_test(application):
    course_class = application.course_class
    first = course_class.sessions.order_by("number").first()
    course_class.sessions.exclude(pk=first.pk).delete()
    assert course_test_due(application, today=first.date) == Purpose.PRE
    completed(application, Purpose.PRE)
    assert course_test_due(application, today=first.date) == Purpose.POST


def test_it_finds_the_completed_pre_test_of_a_post_test(application):
    small_bank()
    pre = completed(application, Purpose.PRE)
    post = diagnostic_start(application=application, purpose=Purpose.POST, mode=Mode.ADAPTIVE)
    assert pre_test_of(post.diagnostic) == pre
    assert pre_test_of(pre) is None


def test_it_lets_the_allowed_browser_continue_and_nobody_else(people, application, client):
    diagnostic = diagnostic_start(
        application=application, purpose=Purpose.PRE, mode=Mode.ADAPTIVE,
    ).diagnostic
    factory = RequestFactory()

    def request_as(user, session):
        request = factory.get("/")
        request.session = session
        request.user = user
        return request

    allowed = request_as(people.outsider, {})
    session_allow(allowed, diagnostic)
    assert session_may_take(allowed, diagnostic)
    assert not session_may_take(request_as(people.outsider, {}), diagnostic)
    assert session_may_take(request_as(people.manager, {}), diagnostic)
