"""A staff tablet handed to a learner: staff pages stay locked until the staff password."""

import pytest

from accounts.handover import HANDOVER_KEY
from accounts.testing import PASSWORD
from assessment.models import Diagnostic
from assessment.testing import fixed_form, small_bank
from attendance.testing import running_class
from surveys.testing import finished_class

pytestmark = pytest.mark.django_db

RETURN = "/handover/return/"
ANSWER_KEY = "/staff/assessment/forms/standard/answers.pdf"


@pytest.fixture
def handed_test(client, people):
    """The instructor started a pre-test on their tablet and handed it over."""
    fixed_form(small_bank(), key="standard", size=6)
    course_class, (first, *_rest) = running_class(people)
    client.force_login(people.instructor)
    started = client.post(
        f"/staff/assessment/classes/{course_class.pk}/start/{first.pk}/",
        {"purpose": "pre", "how": "adaptive"},
    )
    return course_class, started["Location"]


def test_it_sends_staff_pages_to_the_return_page_during_a_hand_over(client, handed_test):
    course_class, _take = handed_test
    for path in ("/staff/", ANSWER_KEY, f"/staff/assessment/classes/{course_class.pk}/",
                 "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == RETURN, path
    page = client.get(RETURN)
    assert page.status_code == 200 and 'type="password"' in page.content.decode()


def test_it_keeps_the_learners_sitting_working(client, handed_test):
    _class, take = handed_test
    page = client.get(take)
    assert page.status_code == 200
    diagnostic = Diagnostic.objects.get()
    assert f"/diagnostic/{diagnostic.pk}/" == take


def test_it_treats_other_requests_and_the_api_as_anonymous(client, handed_test, people):
    response = client.get("/api/v1/stats/outcomes?scope=nation")
    assert response.status_code == 401


def test_a_wrong_password_stays_locked(client, handed_test):
    wrong = client.post(RETURN, {"password": "not-the-password"})
    assert wrong.status_code == 422 and wrong.context["error"]
    assert client.session.get(HANDOVER_KEY)
    assert client.get(ANSWER_KEY)["Location"] == RETURN


def test_the_right_password_unlocks_and_goes_back_to_the_class(client, handed_test):
    course_class, _take = handed_test
    unlocked = client.post(RETURN, {"password": PASSWORD})
    assert unlocked.status_code == 302
    assert unlocked["Location"] == f"/staff/assessment/classes/{course_class.pk}/"
    assert HANDOVER_KEY not in client.session
    assert client.get(unlocked["Location"]).status_code == 200


def test_logging_out_ends_the_hand_over(client, handed_test):
    assert client.post("/staff/logout/").status_code == 302
    assert HANDOVER_KEY not in client.session
    assert client.get("/staff/")["Location"].startswith("/staff/login/")


def test_the_survey_tablet_keeps_only_its_own_page(client, people):
    course_class, (first, second, *_rest) = finished_class(people)
    client.force_login(people.instructor)
    tablet = f"/staff/surveys/classes/{course_class.pk}/{first.pk}/tablet/"
    assert client.get(tablet).status_code == 200
    assert client.get(tablet).status_code == 200  # the learner's page keeps working
    other = f"/staff/surveys/classes/{course_class.pk}/{second.pk}/tablet/"
    assert client.get(other)["Location"] == RETURN
    assert client.get(f"/staff/surveys/classes/{course_class.pk}/")["Location"] == RETURN
    unlocked = client.post(RETURN, {"password": PASSWORD})
    assert unlocked["Location"] == f"/staff/surveys/classes/{course_class.pk}/?kind=course_end"


def test_wrong_passwords_are_counted_and_lock_out_like_the_login(client, handed_test, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(RETURN, {"password": "guess"}).status_code == 422
    assert client.post(RETURN, {"password": "guess"}).status_code == 429
    assert client.post(RETURN, {"password": PASSWORD}).status_code == 429
    assert client.session.get(HANDOVER_KEY)
