from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.testing import People
from audit.models import AuditEntry
from centers.models import Center, CenterKind, OutreachRequest, OutreachSite, OutreachStatus
from centers.services import (
    outreach_contacts_erase,
    outreach_request_accept,
    outreach_request_create,
    outreach_request_decline,
    outreach_request_schedule,
)
from regions.models import Region

pytestmark = pytest.mark.django_db


def _hub(name: str, code: str) -> Center:
    region = Region.objects.get(code=code)
    return Center.objects.create(
        name=name, kind=CenterKind.HUB, region=region, lat=region.lat, lon=region.lon,
    )


@pytest.fixture
def hubs(people: People) -> dict[str, Center]:
    return {
        "gangnam": _hub("강남구 디지털배움터 거점센터", "1168064000"),
        "busan": _hub("해운대구 디지털배움터 거점센터", "2635051000"),
    }


def _request(**changes: object) -> OutreachRequest:
    values: dict[str, object] = {
        "organisation": "개포 행복 경로당", "contact_name": "김민수",
        "contact_phone": "010-1234-5678", "road_address": "서울특별시 강남구 개포로 1",
        "region": Region.objects.get(code="1168066000"), "topic": "kiosk",
        "preferred_start": timezone.localdate() + timedelta(days=20),
        "preferred_end": timezone.localdate() + timedelta(days=80),
        "expected_learners": 15,
    }
    values.update(changes)
    return outreach_request_create(**values)  # type: ignore[arg-type]


def test_it_sends_a_request_to_the_nearest_hub_and_keeps_the_phone_encrypted(
    hubs: dict[str, Center],
) -> None:
    request = _request()
    assert request.hub == hubs["gangnam"]
    assert request.status == OutreachStatus.REQUESTED
    assert request.contact_phone == "01012345678"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT contact_phone FROM {OutreachRequest._meta.db_table} WHERE id = %s",  # noqa: S608
            [request.pk],
        )
        raw = cursor.fetchone()[0]
    assert raw.startswith("v1:") and "01012345678" not in raw
    assert AuditEntry.objects.filter(action="outreach_request.create").count() == 1


def test_it_refuses_a_bad_request_with_field_messages(hubs: dict[str, Center]) -> None:
    with pytest.raises(ValidationError) as caught:
        _request(
            contact_phone="12", preferred_end=date(2026, 4, 1), expected_learners=0,
            organisation="",
        )
    assert set(caught.value.message_dict) == {
        "contact_phone", "preferred_end", "expected_learners", "organisation",
    }
    assert not OutreachRequest.objects.exists()


def test_it_refuses_a_start_in_the_past(hubs: dict[str, Center]) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        _request(preferred_start=yesterday, preferred_end=yesterday + timedelta(days=30))
    assert set(caught.value.message_dict) == {"preferred_start"}
    assert not OutreachRequest.objects.exists()
    assert _request(preferred_start=timezone.localdate()).status == OutreachStatus.REQUESTED


def test_it_accepts_then_schedules_at_a_new_site(hubs: dict[str, Center]) -> None:
    request = outreach_request_accept(outreach_request=_request())
    assert request.status == OutreachStatus.ACCEPTED
    request = outreach_request_schedule(outreach_request=request)
    assert request.status == OutreachStatus.SCHEDULED
    site = OutreachSite.objects.get()
    assert (site.hub, site.name, request.site) == (hubs["gangnam"], "개포 행복 경로당", site)
    assert (site.lat, site.lon) == (request.region.lat, request.region.lon)


def test_it_schedules_at_an_existing_site_of_the_same_hub_only(hubs: dict[str, Center]) -> None:
    region = Region.objects.get(code="2635051000")
    other = OutreachSite.objects.create(
        hub=hubs["busan"], name="우동 경로당", region=region, lat=region.lat, lon=region.lon,
    )
    request = outreach_request_accept(outreach_request=_request())
    with pytest.raises(ValidationError):
        outreach_request_schedule(outreach_request=request, site=other)
    request.refresh_from_db()
    assert request.status == OutreachStatus.ACCEPTED


def test_a_decline_needs_a_reason(hubs: dict[str, Center]) -> None:
    request = _request()
    with pytest.raises(ValidationError):
        outreach_request_decline(outreach_request=request, reason="  ")
    request = outreach_request_decline(outreach_request=request, reason="강사 일정이 없습니다")
    assert request.status == OutreachStatus.DECLINED
    assert request.decision_reason == "강사 일정이 없습니다"


@pytest.mark.parametrize(
    ("steps", "then"),
    [
        ([], "schedule"),
        (["accept"], "accept"),
        (["decline"], "accept"),
        (["accept", "schedule"], "decline"),
    ],
)
def test_it_refuses_transitions_out_of_order(
    hubs: dict[str, Center], steps: list[str], then: str,
) -> None:
    actions = {
        "accept": lambda r: outreach_request_accept(outreach_request=r),
        "schedule": lambda r: outreach_request_schedule(outreach_request=r),
        "decline": lambda r: outreach_request_decline(outreach_request=r, reason="사유"),
    }
    request = _request()
    for step in steps:
        request = actions[step](request)
    with pytest.raises(ValidationError) as caught:
        actions[then](request)
    assert caught.value.code == "invalid_transition"
    assert OutreachRequest.objects.get().status == request.status


def test_it_erases_contacts_a_year_after_the_request_is_finished(
    hubs: dict[str, Center],
) -> None:
    declined = outreach_request_decline(outreach_request=_request(), reason="일정 없음")
    fresh = _request(organisation="역삼 경로당")
    a_year_on = timezone.localdate() + timedelta(days=366)

    assert outreach_contacts_erase(today=timezone.localdate()) == 0
    assert outreach_contacts_erase(today=a_year_on) == 2
    assert OutreachRequest.objects.get(pk=declined.pk).contact_phone == ""
    assert OutreachRequest.objects.get(pk=declined.pk).contact_name == ""
    assert OutreachRequest.objects.get(pk=fresh.pk).organisation == "역삼 경로당"
    assert AuditEntry.objects.filter(action="outreach_request.contact_erase").count() == 2
    assert outreach_contacts_erase(today=a_year_on) == 0  # nothing twice


def test_it_keeps_the_contact_of_a_class_still_ahead(hubs: dict[str, Center]) -> None:
    request = _request(
        preferred_start=timezone.localdate(), preferred_end=date.today() + timedelta(days=400),
    )
    assert outreach_contacts_erase(today=timezone.localdate() + timedelta(days=366)) == 1
    assert OutreachRequest.objects.get(pk=request.pk).contact_phone == ""


def test_the_daily_command_reports_what_it_erased(hubs: dict[str, Center]) -> None:
    out = StringIO()
    call_command("outreach_contacts_erase", stdout=out)
    assert "0" in out.getvalue()
