from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from accounts.testing import People
from centers.models import CenterKind
from centers.services import outreach_request_create
from regions.models import Region

pytestmark = pytest.mark.django_db

URL = "/admin/centers/center/"


def test_the_admin_list_is_scoped_like_every_other_screen(client: Client, people: People) -> None:
    officer = people.gangnam_officer
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    officer.user_permissions.add(Permission.objects.get(codename="view_center"))
    client.force_login(officer)
    page = client.get(URL).content.decode()
    assert people.gangnam_center.name in page
    assert people.seocho_center.name not in page
    assert people.busan_center.name not in page


def test_the_outsider_cannot_open_another_centre_in_the_admin(
    client: Client, people: People,
) -> None:
    outsider = people.outsider
    outsider.is_staff = True
    outsider.save(update_fields=["is_staff"])
    outsider.user_permissions.add(Permission.objects.get(codename="view_center"))
    client.force_login(outsider)
    r = client.get(f"{URL}{people.gangnam_center.pk}/change/")
    assert r.status_code == 302  # the admin redirects away from an object it cannot find
    assert people.gangnam_center.name not in client.get(URL).content.decode()


def test_outreach_requests_change_only_through_the_staff_page(
    client: Client, people: People,
) -> None:
    hub = people.gangnam_center
    hub.kind = CenterKind.HUB
    hub.save(update_fields=["kind"])
    start = timezone.localdate() + timedelta(days=20)
    outreach = outreach_request_create(
        organisation="개포 행복 경로당", contact_name="김민수", contact_phone="010-1234-5678",
        road_address="서울특별시 강남구 개포로 1", region=hub.region, topic="kiosk",
        preferred_start=start, preferred_end=start, expected_learners=12, hub=hub,
    )
    people.national.is_superuser = people.national.is_staff = True
    people.national.save()
    client.force_login(people.national)
    url = f"/admin/centers/outreachrequest/{outreach.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "010-****-5678" in page.content.decode()
    assert "010-1234-5678" not in page.content.decode()
    # No service check, audit or phone normalisation would run for an admin edit.
    r = client.post(url, {
        "hub": people.busan_center.pk, "organisation": "바뀐 이름", "region": hub.region.pk,
        "road_address": "x", "topic": "kiosk", "preferred_start": start.isoformat(),
        "preferred_end": start.isoformat(), "expected_learners": 9999,
        "decision_reason": "", "notes": "",
    })
    assert r.status_code == 403
    outreach.refresh_from_db()
    assert (outreach.organisation, outreach.hub) == ("개포 행복 경로당", hub)
    assert client.get("/admin/centers/outreachrequest/add/").status_code == 403


def test_an_officer_cannot_move_a_centre_out_of_their_region_in_the_admin(
    client: Client, people: People,
) -> None:
    officer = people.gangnam_officer
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    officer.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_center", "change_center"],
    ))
    client.force_login(officer)
    centre = people.gangnam_center
    data = {
        "name": centre.name, "kind": centre.kind, "status": centre.status,
        "region": people.busan_center.region.pk, "road_address": "", "lat": "", "lon": "",
        "phone": "", "opening_hours": "",
        "closures-TOTAL_FORMS": "0", "closures-INITIAL_FORMS": "0",
    }
    r = client.post(f"{URL}{centre.pk}/change/", data)
    assert r.status_code == 200  # the form again, with the error
    centre.refresh_from_db()
    assert centre.region == people.gangnam_center.region
    # Within 강남구 the move is saved, and a centre always gets a point.
    data["region"] = Region.objects.get(code="1168065000").pk
    assert client.post(f"{URL}{centre.pk}/change/", data).status_code == 302
    centre.refresh_from_db()
    assert centre.region.code == "1168065000"
    assert (centre.lat, centre.lon) == (centre.region.lat, centre.region.lon)
