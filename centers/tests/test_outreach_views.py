from datetime import date, timedelta

import pytest
from django.test import Client

from accounts.testing import People
from centers.models import Center, CenterKind, OutreachRequest, OutreachStatus
from centers.services import outreach_request_create
from privacy.models import AccessLog
from regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def gangnam_hub(people: People) -> Center:
    # The manager's own centre is the 강남 hub in these tests.
    centre = people.gangnam_center
    centre.kind = CenterKind.HUB
    centre.save(update_fields=["kind"])
    return centre


def _make(hub: Center, organisation: str = "개포 행복 경로당") -> OutreachRequest:
    start = date.today() + timedelta(days=20)
    return outreach_request_create(
        organisation=organisation, contact_name="김민수", contact_phone="010-1234-5678",
        road_address="서울특별시 강남구 개포로 1", region=hub.region, topic="kiosk",
        preferred_start=start, preferred_end=start + timedelta(days=30), expected_learners=12,
        hub=hub,
    )


def _form(**changes: object) -> dict[str, object]:
    start = date.today() + timedelta(days=20)
    data: dict[str, object] = {
        "organisation": "역삼 푸른 경로당", "contact_name": "이영희",
        "contact_phone": "010 9876 5432",
        "district": Region.objects.get(code="1168000000").pk,
        "road_address": "서울특별시 강남구 역삼로 10", "topic": "smartphone",
        "preferred_start": start.isoformat(),
        "preferred_end": (start + timedelta(days=30)).isoformat(),
        "expected_learners": "15", "notes": "", "consent": "on",
    }
    data.update(changes)
    return data


def test_an_organisation_sends_a_request_without_logging_in(
    client: Client, gangnam_hub: Center,
) -> None:
    page = client.get("/outreach/request/").content.decode()
    assert "<select" in page and "강남구" in page
    r = client.post("/outreach/request/", _form())
    assert r.status_code == 302 and r["Location"] == "/outreach/request/done/"
    request = OutreachRequest.objects.get()
    assert (request.hub, request.contact_phone) == (gangnam_hub, "01098765432")
    assert client.get(r["Location"]).status_code == 200


def test_the_public_form_shows_errors_and_keeps_nothing(
    client: Client, gangnam_hub: Center,
) -> None:
    r = client.post("/outreach/request/", _form(contact_phone="12", consent=""))
    assert r.status_code == 200
    page = r.content.decode()
    assert 'aria-invalid="true"' in page and 'role="alert"' in page
    assert not OutreachRequest.objects.exists()


def test_the_manager_lists_and_decides_with_the_contact_logged(
    client: Client, people: People, gangnam_hub: Center, django_assert_max_num_queries,
) -> None:
    outreach = _make(gangnam_hub)
    client.force_login(people.manager)
    with django_assert_max_num_queries(8):
        page = client.get("/staff/outreach/").content.decode()
    assert "개포 행복 경로당" in page and "5678" in page and "010-1234-5678" not in page
    url = f"/staff/outreach/{outreach.pk}/"
    assert "010-1234-5678" in client.get(url).content.decode()
    assert AccessLog.objects.filter(
        actor=people.manager, subject_id=str(outreach.pk), action="view",
    ).exists()
    # A decline without a reason is refused, with the reason asked for.
    client.post(url, {"decision": "decline", "reason": ""})
    outreach.refresh_from_db()
    assert outreach.status == OutreachStatus.REQUESTED
    client.post(url, {"decision": "accept"})
    client.post(url, {"decision": "schedule"})
    outreach.refresh_from_db()
    assert outreach.status == OutreachStatus.SCHEDULED
    assert outreach.site is not None and outreach.decided_by == people.manager


def test_a_refused_transition_is_explained(
    client: Client, people: People, gangnam_hub: Center,
) -> None:
    outreach = _make(gangnam_hub)
    client.force_login(people.manager)
    r = client.post(f"/staff/outreach/{outreach.pk}/", {"decision": "schedule"})
    assert r.status_code == 200 and 'role="alert"' in r.content.decode()
    outreach.refresh_from_db()
    assert outreach.status == OutreachStatus.REQUESTED


def test_the_outsider_gets_nothing(client: Client, people: People, gangnam_hub: Center) -> None:
    outreach = _make(gangnam_hub)
    client.force_login(people.outsider)
    assert "개포 행복 경로당" not in client.get("/staff/outreach/").content.decode()
    assert client.get(f"/staff/outreach/{outreach.pk}/").status_code == 404
    client.post(f"/staff/outreach/{outreach.pk}/", {"decision": "accept"})
    outreach.refresh_from_db()
    assert outreach.status == OutreachStatus.REQUESTED
    assert not AccessLog.objects.filter(actor=people.outsider).exists()


def test_staff_pages_need_a_login(client: Client) -> None:
    assert client.get("/staff/outreach/").status_code == 302


@pytest.mark.parametrize("who", ["instructor", "gangnam_officer"])
def test_staff_who_only_see_a_request_cannot_decide_it(
    client: Client, people: People, gangnam_hub: Center, who: str,
) -> None:
    outreach = _make(gangnam_hub)
    client.force_login(getattr(people, who))
    url = f"/staff/outreach/{outreach.pk}/"
    page = client.get(url).content.decode()
    assert "개포 행복 경로당" in page and 'name="decision"' not in page
    assert client.post(url, {"decision": "accept"}).status_code == 403
    outreach.refresh_from_db()
    assert outreach.status == OutreachStatus.REQUESTED


def test_the_national_admin_decides(client: Client, people: People, gangnam_hub: Center) -> None:
    outreach = _make(gangnam_hub)
    client.force_login(people.national)
    url = f"/staff/outreach/{outreach.pk}/"
    assert 'name="decision"' in client.get(url).content.decode()
    client.post(url, {"decision": "decline", "reason": "강사 일정이 없습니다"})
    outreach.refresh_from_db()
    assert outreach.status == OutreachStatus.DECLINED
