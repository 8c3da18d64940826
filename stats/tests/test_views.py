from io import BytesIO

import pytest
from openpyxl import load_workbook

from accounts.models import User
from accounts.testing import GANGNAM, PASSWORD
from assessment.outcomes import gain_summary
from stats.scopes import Scope, scope_parse, scoped_applications

pytestmark = pytest.mark.django_db
URL = "/staff/outcomes/"


def login(client, user):
    client.force_login(user)
    return client


def test_it_shows_the_figures_and_the_exclusions(client, people, classes):
    response = login(client, people.national).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    gain = gain_summary(scoped_applications(people.national, scope_parse("nation")))
    assert f"{gain.mean_pre:.1f}" in page and f"{gain.ci_low:.1f}" in page
    assert response.context["report"].competency.n_excluded == 2


def test_it_offers_only_places_in_the_users_scope(client, people, classes):
    response = login(client, people.gangnam_officer).get(URL)
    assert [r.code for r in response.context["sigungus"]] == [GANGNAM]
    assert list(response.context["centers"]) == [people.gangnam_center]


def test_it_gives_an_outsider_nothing_of_gangnam(client, people, classes):
    response = login(client, people.outsider).get(URL, {"center": people.gangnam_center.pk})
    assert response.status_code == 403 and response.context["report"] is None
    own = login(client, people.outsider).get(URL)
    assert own.context["report"].enrollments == 2


def test_it_needs_a_login_and_a_role(client, people, classes):
    assert client.get(URL).status_code == 302
    client.force_login(User.objects.create_user(username="nobody", password=PASSWORD))
    assert client.get(URL).status_code == 403


def test_it_says_what_is_wrong_with_a_bad_scope(client, people, classes):
    response = login(client, people.national).get(URL, {"age_band": "5-9"})
    assert response.status_code == 422 and response.context["problem"]


def test_it_downloads_the_same_numbers_as_excel(client, people, classes):
    client = login(client, people.national)
    shown = client.get(URL, {"sido": "1100000000"}).context["rows"]
    response = client.get(URL, {"sido": "1100000000", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert len(rows) == len(shown) == 6
    for row, line in zip(rows, shown, strict=True):
        assert list(row) == [
            line.name, line.n_pairs, line.mean_pre, line.mean_post, line.gain_pct,
            line.mean_diff, line.ci_low, line.ci_high, line.effect_size, line.moved_up_pct,
        ]
    assert sheet["B2"].value == 6  # enrollments in 서울


def test_it_names_the_readers_own_area_rather_than_the_nation(client, people, classes):
    own = login(client, people.manager).get(URL).context["report"]
    everything = login(client, people.national).get(URL).context["report"]
    assert str(own.scope.label) != str(everything.scope.label)
    assert own.scope.label == Scope((), nationwide=False).label
