from datetime import date

import pytest

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
