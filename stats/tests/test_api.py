import pytest

from accounts.models import User
from accounts.services import api_token_create
from accounts.testing import GANGNAM, SEOUL
from assessment.outcomes import gain_summary
from enrollment.models import Application

pytestmark = pytest.mark.django_db
URL = "/api/v1/stats/outcomes"


def get(client, user, **params):
    headers = {"Authorization": f"Bearer {api_token_create(user=user)[1]}"} if user else {}
    return client.get(URL, params, headers=headers)


def test_it_gives_a_national_administrator_everything(client, people, classes):
    body = get(client, people.national).json()
    assert body["scope"]["label"] == "전국" or body["scope"]["query"] == "nation"
    assert body["enrollments"] == 8 and body["learners"] == 8
    competency = body["competency"]
    assert competency["n_pairs"] == 6 and competency["n_pre_only"] == 1
    assert competency["n_neither"] == 1 and competency["n_excluded"] == 2
    expected = gain_summary(Application.objects.filter(status="confirmed"))
    assert competency["mean_diff"] == pytest.approx(expected.mean_diff)
    assert competency["ci_low"] == pytest.approx(expected.ci_low)
    assert competency["per_area"]["device"]["n_pairs"] == 6
    assert "satisfaction" in body and "follow_up" in body


def test_it_narrows_to_the_scope_asked(client, people, classes):
    body = get(client, people.national, scope=[f"sido:{SEOUL}", "age_band:70-79"]).json()
    assert body["enrollments"] == 3 and body["competency"]["n_pairs"] == 2
    assert [p["kind"] for p in body["scope"]["parts"]] == ["sido", "age_band"]


def test_it_refuses_a_seoul_officer_asking_for_busan(client, people, classes):
    response = get(client, people.seoul_officer, scope="sido:2600000000")
    assert response.status_code == 403 and "부산" in response.json()["message"]


def test_it_counts_only_the_officers_part_of_a_wider_scope(client, people, classes):
    body = get(client, people.gangnam_officer, scope=f"sido:{SEOUL}").json()
    assert body["enrollments"] == 4 and body["scope"]["note"]
    assert get(client, people.gangnam_officer, scope=f"sigungu:{GANGNAM}").json()[
        "competency"]["n_pairs"] == 3


def test_it_gives_an_outsider_nothing_of_gangnam(client, people, classes):
    response = get(client, people.outsider, scope=f"center:{people.gangnam_center.pk}")
    assert response.status_code == 403
    own = get(client, people.outsider).json()
    assert own["enrollments"] == 2 and own["competency"]["n_pairs"] == 1


def test_it_needs_a_token_and_a_role(client, people, classes):
    assert get(client, None).status_code == 401
    nobody = User.objects.create_user(username="nobody", password="x-pass-2026-long")
    assert get(client, nobody).status_code == 403


def test_it_explains_a_bad_scope_in_korean(client, people, classes):
    response = get(client, people.national, scope="sido:99")
    assert response.status_code == 422 and "10" in response.json()["message"]
