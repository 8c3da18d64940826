from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import AnsweredVia, SurveyInvitation, SurveyKind, SurveyResponse
from surveys.selectors import MIN_CELL
from surveys.services import survey_invite, survey_submit
from surveys.testing import GOOD, backdate, closed_class, finished_class

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)


def class_url(course_class, kind=SurveyKind.COURSE_END):
    return reverse("surveys-class", args=[course_class.pk]) + f"?kind={kind}"


def answer_all(applications, by, comment=""):
    for application in applications:
        survey_submit(
            application=application, kind=SurveyKind.COURSE_END, answers=GOOD,
            comment=comment, answered_via=AnsweredVia.PAPER, by=by,
        )


# --- The learner's link -------------------------------------------------------------


def test_the_link_shows_every_question_with_large_choices(client, people):
    course_class, (application, *_) = finished_class(people)
    token = survey_invite(application=application, kind=SurveyKind.COURSE_END)
    page = client.get(f"/survey/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('type="radio" name="instructor"') == 5
    assert 'name="comment"' in html
    assert course_class.course.title in html
    assert application.learner.name not in html


def test_answering_on_the_link_saves_and_thanks(client, people):
    _, (application, *_) = finished_class(people)
    token = survey_invite(application=application, kind=SurveyKind.COURSE_END)
    answered = client.post(f"/survey/{token}/", {**GOOD, "comment": "최고예요"})
    assert answered.status_code == 302
    response = SurveyResponse.objects.get()
    assert response.answered_via == AnsweredVia.PHONE
    assert response.answers == GOOD and response.comment == "최고예요"
    thanks = client.get(f"/survey/{token}/")
    assert b'name="instructor"' not in thanks.content
    again = client.post(f"/survey/{token}/", {**GOOD, "pace": "1"})
    assert again.status_code == 200  # the thank-you page; nothing changed
    assert SurveyResponse.objects.get().answers == GOOD


def test_an_invalid_post_keeps_the_choices_and_says_why(client, people):
    _, (application, *_) = finished_class(people)
    token = survey_invite(application=application, kind=SurveyKind.COURSE_END)
    page = client.post(f"/survey/{token}/", {"instructor": "4", "pace": "9"})
    assert page.status_code == 422
    assert b'role="alert"' in page.content
    assert b'name="instructor" value="4" checked' in page.content
    assert not SurveyResponse.objects.exists()


def test_an_unknown_or_expired_link_gets_a_kind_page(client, people):
    _, (application, *_) = finished_class(people)
    assert client.get("/survey/nonsense-token/").status_code == 404
    token = survey_invite(application=application, kind=SurveyKind.COURSE_END)
    SurveyInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.get(f"/survey/{token}/")
    assert expired.status_code == 410
    assert client.post(f"/survey/{token}/", GOOD).status_code == 410
    assert not SurveyResponse.objects.exists()


# --- Staff ------------------------------------------------------------------------------


def test_the_class_page_lists_who_answered_but_not_what(client, people):
    course_class, applications = finished_class(people)
    answer_all(applications[:1], people.manager, comment="강사님 고맙습니다")
    login(client, people.manager)
    page = client.get(class_url(course_class))
    html = page.content.decode()
    assert page.status_code == 200
    assert applications[0].learner.name not in html  # masked
    assert html.count(reverse("surveys-paper", args=[course_class.pk, applications[1].pk])) == 1
    assert reverse("surveys-paper", args=[course_class.pk, applications[0].pk]) not in html
    assert "강사님 고맙습니다" in html  # the manager sees comments, without names


def test_outsiders_get_nothing(client, people):
    course_class, (application, *_) = finished_class(people)
    login(client, people.outsider)
    for url in (
        class_url(course_class),
        reverse("surveys-paper", args=[course_class.pk, application.pk]),
        reverse("surveys-tablet", args=[course_class.pk, application.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(
        reverse("surveys-send", args=[course_class.pk, application.pk]),
    ).status_code == 404
    assert client.post(
        reverse("surveys-paper", args=[course_class.pk, application.pk]), GOOD,
    ).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_an_instructor_sees_results_only_from_five_answers(client, people):
    course_class, applications = closed_class(people, learners=MIN_CELL)
    answer_all(applications[: MIN_CELL - 1], people.manager, comment="비밀 의견")
    backdate(course_class)
    login(client, people.instructor)
    hidden = client.get(class_url(course_class)).content.decode()
    assert "비밀 의견" not in hidden and "/ 100" not in hidden
    answer_all(applications[MIN_CELL - 1:], people.manager)
    backdate(course_class)
    shown = client.get(class_url(course_class)).content.decode()
    assert "비밀 의견" in shown and "/ 100" in shown


def test_an_instructor_sees_no_question_mean_of_fewer_than_five_answers(client, people):
    course_class, applications = closed_class(people, learners=MIN_CELL)
    without_pace = {key: value for key, value in GOOD.items() if key != "pace"}
    for application in applications[1:]:
        survey_submit(application=application, kind=SurveyKind.COURSE_END,
                      answers=without_pace, comment="", answered_via=AnsweredVia.PAPER,
                      by=people.manager)
    # Only one learner answered "pace": its mean would be that learner's answer.
    survey_submit(application=applications[0], kind=SurveyKind.COURSE_END,
                  answers={**GOOD, "pace": 1}, comment="", answered_via=AnsweredVia.PAPER,
                  by=people.manager)
    backdate(course_class)

    def means(user):
        login(client, user)
        rows = client.get(class_url(course_class)).context["per_question"]
        return {question.key: mean for question, mean, _count in rows}

    assert means(people.instructor)["content"] == 5

    assert means(people.instructor)["pace"] is None
    assert means(people.instructor)["content"] == 5
    assert means(people.manager)["pace"] == 1


def test_paper_entry_is_all_or_nothing_and_goes_to_the_next_learner(client, people):
    course_class, (first, second, *_) = finished_class(people)
    login(client, people.instructor)
    url = reverse("surveys-paper", args=[course_class.pk, first.pk])
    refused = client.post(url, {**GOOD, "recommend": "7", "kind": "course_end"})
    assert refused.status_code == 422 and not SurveyResponse.objects.exists()
    saved = client.post(url, {**GOOD, "kind": "course_end", "next": "1"})
    assert saved["Location"].startswith(
        reverse("surveys-paper", args=[course_class.pk, second.pk]),
    )
    response = SurveyResponse.objects.get()
    assert response.answered_via == AnsweredVia.PAPER and response.entered_by == people.instructor


def test_the_tablet_takes_the_learners_answers_and_hands_back(client, people):
    course_class, (application, *_) = finished_class(people)
    login(client, people.instructor)
    url = reverse("surveys-tablet", args=[course_class.pk, application.pk])
    form = client.get(url)
    assert form.status_code == 200 and application.learner.name not in form.content.decode()
    done = client.post(url, {**GOOD, "kind": "course_end"})
    assert done.status_code == 200
    assert SurveyResponse.objects.get().answered_via == AnsweredVia.TABLET
    assert b'name="instructor"' not in client.get(url).content  # no second go


def test_send_by_sms_from_the_class_page(client, people):
    course_class, (application, *_) = finished_class(people)
    login(client, people.manager)
    sent = client.post(
        reverse("surveys-send", args=[course_class.pk, application.pk]), {"kind": "course_end"},
    )
    assert sent.status_code == 302
    assert SurveyInvitation.objects.filter(application=application).exists()
