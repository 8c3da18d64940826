"""The small-cell rule (surveys.selectors) on the class page, the outcomes page and the API."""


import pytest
from django.urls import reverse

from accounts.services import api_token_create
from surveys.models import AnsweredVia, SurveyKind, SurveyResponse
from surveys.selectors import MIN_CELL, results_open_on, survey_results
from surveys.services import survey_submit
from surveys.testing import GOOD, backdate, closed_class, finished_class

pytestmark = pytest.mark.django_db


def answer(applications, by, comment="", **changes):
    for application in applications:
        survey_submit(
            application=application, kind=SurveyKind.COURSE_END, answers={**GOOD, **changes},
            comment=comment, answered_via=AnsweredVia.PAPER, by=by,
        )


def api_outcomes(client, user, course_class):
    token = api_token_create(user=user)[1]
    return client.get(
        f"/api/v1/stats/outcomes?scope=class:{course_class.pk}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()


def test_it_hides_one_learners_satisfaction_from_the_instructor_in_the_api(client, people):
    course_class, applications = closed_class(people, learners=1)
    answer(applications, people.manager, pace=1)
    backdate(course_class)
    assert api_outcomes(client, people.instructor, course_class)["satisfaction"] is None
    assert api_outcomes(client, people.manager, course_class)["satisfaction"]["n"] == 1


def test_it_hides_a_small_question_in_the_api_but_shows_five_answers(client, people):
    course_class, applications = closed_class(people, learners=MIN_CELL)
    answer(applications[:1], people.manager, pace=1)
    without_pace = {key: value for key, value in GOOD.items() if key != "pace"}
    for application in applications[1:]:
        survey_submit(application=application, kind=SurveyKind.COURSE_END,
                      answers=without_pace, comment="", answered_via=AnsweredVia.PAPER,
                      by=people.manager)
    backdate(course_class)
    satisfaction = api_outcomes(client, people.instructor, course_class)["satisfaction"]
    assert satisfaction["n"] == MIN_CELL
    assert "pace" not in satisfaction["per_question"]
    assert satisfaction["per_question"]["content"] == 5


def test_it_hides_results_from_the_instructor_until_the_survey_closes(client, people):
    course_class, applications = finished_class(people, learners=MIN_CELL + 1)
    answer(applications[:MIN_CELL], people.manager, comment="좋았어요")
    url = reverse("surveys-class", args=[course_class.pk])
    client.force_login(people.instructor)
    page = client.get(url)
    assert page.context["summary"] is None and page.context["comments"] == []
    opens = results_open_on(course_class, SurveyKind.COURSE_END)
    assert opens.strftime("%Y-%m-%d") in page.content.decode()
    assert api_outcomes(client, people.instructor, course_class)["satisfaction"] is None
    client.force_login(people.manager)
    assert client.get(url).context["summary"].n == MIN_CELL


def test_it_counts_for_the_instructor_only_answers_given_before_the_close(client, people):
    course_class, applications = closed_class(people, learners=MIN_CELL + 1)
    answer(applications[:MIN_CELL], people.manager)
    backdate(course_class)
    answer(applications[MIN_CELL:], people.manager, comment="늦은 의견", instructor=1)
    client.force_login(people.instructor)
    page = client.get(reverse("surveys-class", args=[course_class.pk]))
    assert page.context["summary"].n == MIN_CELL
    assert "늦은 의견" not in page.content.decode()
    client.force_login(people.manager)
    assert client.get(
        reverse("surveys-class", args=[course_class.pk])).context["summary"].n == MIN_CELL + 1


def test_it_hides_a_small_follow_up_from_the_instructor(client, people):
    _class, applications = finished_class(people, learners=1)
    survey_submit(application=applications[0], kind=SurveyKind.FOLLOW_UP,
                  answers={"still_use": 5}, comment="", answered_via=AnsweredVia.PAPER,
                  by=people.manager)
    responses = SurveyResponse.objects.all()
    assert survey_results(user=people.instructor, responses=responses,
                          kind=SurveyKind.FOLLOW_UP).follow_up is None
    assert survey_results(user=people.manager, responses=responses,
                          kind=SurveyKind.FOLLOW_UP).follow_up.n == 1
