import pytest

from accounts.services import api_token_create
from surveys.models import AnsweredVia, SurveyKind, SurveyResponse
from surveys.questionnaire import questionnaire_get
from surveys.services import survey_invite
from surveys.testing import GOOD, finished_class

pytestmark = pytest.mark.django_db

URL = "/api/v1/surveys/responses"


def bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)[1]}"}


def post(client, body, **headers):
    return client.post(URL, body, content_type="application/json", **headers)


def test_the_questionnaire_is_public_with_its_keys_and_choices(client):
    for kind in SurveyKind.values:
        answer = client.get(f"/api/v1/surveys/questionnaires/{kind}")
        assert answer.status_code == 200
        body = answer.json()
        questionnaire = questionnaire_get(kind)
        assert body["version"] == questionnaire.version
        assert [q["key"] for q in body["questions"]] == [q.key for q in questionnaire.questions]
    assert client.get("/api/v1/surveys/questionnaires/nonsense").status_code == 404


def test_staff_submit_in_scope_and_a_retry_is_200(client, people):
    _, (application, *_) = finished_class(people)
    body = {"application_id": application.pk, "answers": GOOD, "comment": "좋아요"}
    headers = bearer(people.manager)
    first = post(client, body, **headers)
    assert first.status_code == 201, first.json()
    assert first.json()["score"] == SurveyResponse.objects.get().score
    again = post(client, body, **headers)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    different = post(client, {**body, "answers": {**GOOD, "pace": 1}}, **headers)
    assert different.status_code == 422 and different.json()["message"]


def test_outsiders_get_nothing(client, people):
    _, (application, *_) = finished_class(people)
    body = {"application_id": application.pk, "answers": GOOD}
    assert post(client, body, **bearer(people.outsider)).status_code == 404
    assert post(client, body).status_code == 401
    assert not SurveyResponse.objects.exists()


def test_the_learner_submits_with_the_links_token(client, people):
    _, (application, *_) = finished_class(people)
    token = survey_invite(application=application, kind=SurveyKind.COURSE_END)
    answer = post(client, {"answers": {"instructor": 5}}, HTTP_X_SURVEY_TOKEN=token)
    assert answer.status_code == 201
    response = SurveyResponse.objects.get()
    assert response.application == application and response.answered_via == AnsweredVia.PHONE
    wrong = post(client, {"answers": GOOD}, HTTP_X_SURVEY_TOKEN="wrong")
    assert wrong.status_code == 401


def test_invalid_answers_are_a_422_with_a_message(client, people):
    _, (application, *_) = finished_class(people)
    answer = post(
        client, {"application_id": application.pk, "answers": {"instructor": 9}},
        **bearer(people.manager),
    )
    assert answer.status_code == 422
    assert answer.json()["message"]
    assert not SurveyResponse.objects.exists()
