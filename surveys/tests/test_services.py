from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from attendance.testing import running_class
from audit.models import AuditEntry
from enrollment.models import Application, ApplicationStatus
from learners.models import Learner
from notifications.models import MessageKind, OutboxMessage
from surveys.models import AnsweredVia, SurveyInvitation, SurveyKind, SurveyResponse
from surveys.questionnaire import QUESTIONNAIRES, questionnaire_get
from surveys.scoring import item_points, response_score
from surveys.services import (
    invitation_by_token,
    survey_invite,
    survey_submit,
    token_hash,
)
from surveys.testing import GOOD, finished_class

pytestmark = pytest.mark.django_db


@contextmanager
def refused(code: str) -> Iterator[None]:
    with pytest.raises(ValidationError) as raised:
        yield
    assert [error.code for error in raised.value.error_list] == [code]


def submit(application, by, answers=None, comment="", kind=SurveyKind.COURSE_END, **extra):
    return survey_submit(
        application=application, kind=kind, answers=GOOD if answers is None else answers,
        comment=comment, answered_via=extra.pop("via", AnsweredVia.PAPER), by=by, **extra,
    )


# --- Scoring -----------------------------------------------------------------------------


def test_it_maps_the_five_answers_onto_0_to_100():
    assert [item_points(answer) for answer in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]


def test_it_scores_the_mean_over_answered_items_only():
    questionnaire = questionnaire_get(SurveyKind.COURSE_END)
    # 5, 4 and a blank: (100 + 75) / 2, not divided by 3 nor counting the blank as 0.
    assert response_score(questionnaire, {"instructor": 5, "content": 4}) == 87.5
    assert response_score(questionnaire, GOOD) == pytest.approx((5 * 100 + 75) / 6, abs=1e-4)


def test_the_worked_example_of_the_docs_holds():
    questionnaire = questionnaire_get(SurveyKind.COURSE_END)
    a = response_score(questionnaire, {**GOOD})
    b = response_score(questionnaire, {**GOOD, "pace": 5, "place": None})
    c = response_score(questionnaire, {"instructor": 4, "content": 4, "pace": 3, "place": 4,
                                       "useful": 5, "recommend": 4})
    assert (round(a, 2), b, c) == (95.83, 100.0, 75.0)  # type: ignore[arg-type]
    assert round((a + b + c) / 3, 2) == 90.28  # type: ignore[operator]


def test_it_gives_no_score_when_nothing_scored_was_answered():
    questionnaire = questionnaire_get(SurveyKind.COURSE_END)
    assert response_score(questionnaire, {}) is None


def test_old_versions_stay_readable():
    for (kind, version), questionnaire in QUESTIONNAIRES.items():
        assert questionnaire_get(kind, version) is questionnaire
        assert len({q.key for q in questionnaire.questions}) == len(questionnaire.questions)


def test_the_things_offered_depend_on_the_courses_topic():
    things = questionnaire_get(SurveyKind.FOLLOW_UP).question("things")
    assert things is not None
    kiosk = {choice.value for choice in things.choices_for("kiosk")}
    assert "kiosk" in kiosk and "video_call" not in kiosk
    assert len(things.choices_for(None)) == len(things.choices)
    assert things.choices_for("other") == things.choices


# --- Submitting --------------------------------------------------------------------------


def test_it_records_a_paper_response_with_its_score_and_audit(people):
    _, (application, *_) = finished_class(people)
    submitted = submit(application, people.instructor, {**GOOD, "pace": None}, comment=" 좋아요 ")
    response = submitted.response
    assert submitted.created
    assert response.answers == {k: v for k, v in GOOD.items() if k != "pace"}
    assert response.score == 100.0
    assert response.comment == "좋아요"
    assert response.questionnaire_version == "2026-1"
    assert response.entered_by == people.instructor
    entry = AuditEntry.objects.get(action="surveys.submit")
    assert "answers" not in entry.data and "comment" not in entry.data


def test_it_reads_form_strings_as_numbers(people):
    _, (application, *_) = finished_class(people)
    response = submit(application, people.manager, {"instructor": "4"}).response
    assert response.answers == {"instructor": 4}
    assert response.score == 75.0


@pytest.mark.parametrize(("answers", "code"), [
    ({"teacher": 5}, "unknown_question"),
    ({"instructor": 6}, "invalid_answer"),
    ({"instructor": 0}, "invalid_answer"),
    ({"instructor": True}, "invalid_answer"),
    ({"instructor": "매우"}, "invalid_answer"),
    ({}, "empty"),
])
def test_it_refuses_answers_that_do_not_fit_the_questionnaire(people, answers, code):
    _, (application, *_) = finished_class(people)
    with refused(code):
        submit(application, people.manager, answers)
    assert not SurveyResponse.objects.exists()


def test_it_refuses_a_comment_with_a_nul_character(people):
    _, (application, *_) = finished_class(people)
    with refused("invalid_comment"):
        submit(application, people.manager, GOOD, comment="좋아요\x00")
    assert not SurveyResponse.objects.exists()


def test_its_messages_name_the_question(people):
    _, (application, *_) = finished_class(people)
    with pytest.raises(ValidationError) as raised:
        submit(application, people.manager, {"pace": 9})
    pace = questionnaire_get(SurveyKind.COURSE_END).question("pace")
    assert pace is not None and str(pace.text) in raised.value.messages[0]


def test_it_validates_the_follow_up_choices(people):
    _, (application, *_) = finished_class(people)
    with refused("invalid_answer"):
        submit(application, people.manager, {"things": ["rocket"]}, kind=SurveyKind.FOLLOW_UP)
    response = submit(
        application, people.manager, {"still_use": 5, "things": ["kiosk", "banking", "kiosk"],
                                      "new_alone": "yes"},
        kind=SurveyKind.FOLLOW_UP,
    ).response
    assert response.answers["things"] == ["banking", "kiosk"]
    assert response.score is None


def test_a_retried_identical_submission_returns_the_first(people):
    _, (application, *_) = finished_class(people)
    first = submit(application, people.manager, comment="감사합니다")
    again = submit(application, people.instructor, comment="감사합니다")
    assert not again.created
    assert again.response.pk == first.response.pk
    assert SurveyResponse.objects.count() == 1


def test_a_second_different_response_is_refused(people):
    _, (application, *_) = finished_class(people)
    submit(application, people.manager)
    with refused("already_answered"):
        submit(application, people.manager, {**GOOD, "pace": 1})
    assert SurveyResponse.objects.get().answers == GOOD


def test_each_kind_has_its_own_response(people):
    _, (application, *_) = finished_class(people)
    submit(application, people.manager)
    submit(application, people.manager, {"still_use": 4}, kind=SurveyKind.FOLLOW_UP)
    assert SurveyResponse.objects.filter(application=application).count() == 2


@pytest.mark.parametrize("who", ["outsider", None])
def test_it_refuses_staff_who_may_not_take_the_classs_attendance(people, who):
    _, (application, *_) = finished_class(people)
    by = getattr(people, who) if who else None
    with refused("out_of_scope"):
        submit(application, by)


def test_another_instructor_of_the_centre_may_not_enter(people):
    from accounts.models import Role
    from accounts.services import role_grant_create
    from accounts.testing import _user

    other = _user("other-instructor", "다른강사")
    role_grant_create(user=other, role=Role.INSTRUCTOR, center=people.gangnam_center)
    _, (application, *_) = finished_class(people)
    with refused("out_of_scope"):
        submit(application, other)


def test_only_confirmed_learners_answer(people):
    _, (application, *_) = finished_class(people)
    # A class's last day can still see cancellations (the class was not finished yet).
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.CANCELLED)
    with refused("not_confirmed"):
        submit(application, people.manager)


def test_the_course_survey_opens_when_the_class_runs_and_the_follow_up_when_it_ends(people):
    _, (application, *_) = running_class(people)
    assert submit(application, people.manager).created
    with refused("not_open"):
        submit(application, people.manager, {"still_use": 5}, kind=SurveyKind.FOLLOW_UP)


# --- Links --------------------------------------------------------------------------------


@override_settings(PUBLIC_BASE_URL="https://baeumteo.example")
def test_it_sends_a_link_by_sms_and_stores_only_its_hash(people):
    _, (application, *_) = finished_class(people)
    token = survey_invite(application=application, kind=SurveyKind.COURSE_END, by=people.manager)
    invitation = SurveyInvitation.objects.get()
    assert invitation.token_hash == token_hash(token) != token
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    message = OutboxMessage.objects.get(kind=MessageKind.SURVEY)
    assert f"https://baeumteo.example/survey/{token}/" in message.body
    message.body.encode("euc-kr")  # sendable as it is


def test_the_link_answers_once_and_then_is_used(people):
    _, (application, *_) = finished_class(people)
    token = survey_invite(application=application, kind=SurveyKind.COURSE_END)
    invitation = invitation_by_token(token)
    assert invitation is not None
    submit(application, None, via=AnsweredVia.PHONE, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert submit(application, None, via=AnsweredVia.PHONE, invitation=invitation).created is False


def test_an_expired_link_is_refused(people):
    _, (application, *_) = finished_class(people)
    token = survey_invite(application=application, kind=SurveyKind.COURSE_END)
    SurveyInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with refused("expired"):
        submit(application, None, via=AnsweredVia.PHONE, invitation=invitation_by_token(token))


def test_a_link_for_someone_else_is_refused(people):
    _, (first, second, *_) = finished_class(people)
    token = survey_invite(application=first, kind=SurveyKind.COURSE_END)
    with refused("wrong_link"):
        submit(second, None, via=AnsweredVia.PHONE, invitation=invitation_by_token(token))
    assert invitation_by_token("not-a-token") is None


def test_sending_again_replaces_the_link_but_not_within_minutes(people):
    _, (application, *_) = finished_class(people)
    old = survey_invite(application=application, kind=SurveyKind.COURSE_END, by=people.manager)
    with refused("sent_recently"):
        survey_invite(application=application, kind=SurveyKind.COURSE_END, by=people.manager)
    SurveyInvitation.objects.update(created_at=timezone.now() - timedelta(hours=1))
    new = survey_invite(application=application, kind=SurveyKind.COURSE_END, by=people.manager)
    assert invitation_by_token(old) is None and invitation_by_token(new) is not None
    assert OutboxMessage.objects.filter(kind=MessageKind.SURVEY).count() == 2


def test_no_link_for_a_landline_or_after_an_answer(people):
    _, (first, second, *_) = finished_class(people)
    Learner.objects.filter(pk=first.learner_id).update(phone="0221234567")
    first.learner.refresh_from_db()
    with refused("no_mobile"):
        survey_invite(application=first, kind=SurveyKind.COURSE_END)
    submit(second, people.manager)
    with refused("already_answered"):
        survey_invite(application=second, kind=SurveyKind.COURSE_END)
    assert not OutboxMessage.objects.filter(kind=MessageKind.SURVEY).exists()


def test_an_outsider_cannot_send_links(people):
    _, (application, *_) = finished_class(people)
    with refused("out_of_scope"):
        survey_invite(application=application, kind=SurveyKind.COURSE_END, by=people.outsider)
