from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.testing import People
from centers.models import CenterClosure
from centers.selectors import center_closed_dates

pytestmark = pytest.mark.django_db


def test_it_combines_weekly_closed_days_and_one_off_closures(
    people: People, django_assert_max_num_queries,
) -> None:
    centre = people.gangnam_center
    centre.closed_weekdays = [6]  # Sundays
    centre.save(update_fields=["closed_weekdays"])
    CenterClosure.objects.create(center=centre, date=date(2026, 9, 9), reason="소독")
    CenterClosure.objects.create(center=centre, date=date(2026, 10, 1), reason="outside")
    with django_assert_max_num_queries(1):
        closed = center_closed_dates(centre, date(2026, 9, 1), date(2026, 9, 14))
    assert closed == {date(2026, 9, 6), date(2026, 9, 9), date(2026, 9, 13)}


def test_it_gives_nothing_for_an_empty_range(people: People) -> None:
    assert center_closed_dates(people.gangnam_center, date(2026, 9, 2), date(2026, 9, 1)) == set()


def test_it_lists_outreach_requests_in_scope_in_one_query(
    people: People, django_assert_max_num_queries,
) -> None:
    from centers.models import CenterKind
    from centers.selectors import outreach_request_list
    from centers.services import outreach_request_create

    hub = people.gangnam_center
    hub.kind = CenterKind.HUB
    hub.save(update_fields=["kind"])
    soon = timezone.localdate() + timedelta(days=20)
    for number in range(3):
        outreach_request_create(
            organisation=f"경로당 {number}", contact_name="김민수", contact_phone="01012345678",
            road_address="역삼로 1", region=hub.region, topic="kiosk",
            preferred_start=soon, preferred_end=soon + timedelta(days=29),
            expected_learners=10, hub=hub,
        )
    people.manager.refresh_from_db()
    with django_assert_max_num_queries(2):  # the grants, then the rows
        rows = outreach_request_list(user=people.manager)
        assert [row.hub.name for row in rows] == [hub.name] * 3
    assert outreach_request_list(user=people.outsider) == []
