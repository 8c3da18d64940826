"""Session dates from a weekly pattern: pure functions, no database.

Used by `classes.services.class_sessions_generate` and, with a shared
holiday cache, by the national demo that plans hundreds of thousands of
sessions at once.
"""

from collections.abc import Callable, Container, Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.utils.translation import gettext, gettext_lazy

# A session pattern that cannot place its sessions within this many days
# (every day closed, say) is refused rather than searched for ever.
HORIZON_DAYS = 2 * 366


@lru_cache(maxsize=64)
def korean_holidays(year: int) -> frozenset[date]:
    """Korean public holidays of `year`, substitute holidays (대체공휴일) included."""
    return frozenset(holidays.KR(years=year, language="ko"))


def korean_holiday_names(start: date, end: date) -> dict[date, str]:
    """Holiday names between `start` and `end` (both included), for display."""
    names = holidays.KR(years=range(start.year, end.year + 1), language="ko")
    return {day: name for day, name in names.items() if start <= day <= end}


def is_korean_holiday(day: date) -> bool:
    return day in korean_holidays(day.year)


def session_dates(
    *, start: date, weekdays: Iterable[int], count: int,
    closed: Container[date] | Callable[[date, date], Container[date]] = frozenset(),
) -> list[date]:
    """The first `count` dates from `start` on the given weekdays (0 = Monday).

    Public holidays are skipped, and so are `closed` days: either a set of
    dates, or a function (start, end) -> set of dates for a window, which is
    called once per window searched. Returns fewer than `count` dates only
    when the horizon runs out.
    """
    days = set(weekdays)
    if count <= 0 or not days:
        return []
    dates: list[date] = []
    # Weeks needed with no holidays at all, plus room for holidays and closures.
    window = timedelta(days=7 * (count // len(days) + 1) + 28)
    window_start = start
    limit = start + timedelta(days=HORIZON_DAYS)
    while len(dates) < count and window_start <= limit:
        window_end = min(window_start + window, limit)
        skip = closed(window_start, window_end) if callable(closed) else closed
        day = window_start
        while day <= window_end and len(dates) < count:
            if day.weekday() in days and not is_korean_holiday(day) and day not in skip:
                dates.append(day)
            day += timedelta(days=1)
        window_start = window_end + timedelta(days=1)
    return dates


# The shortest weekday names (월 화 수 …); Django's own abbreviations are 월요일 in Korean.
SHORT_WEEKDAYS = [
    gettext_lazy("Mo"), gettext_lazy("Tu"), gettext_lazy("We"), gettext_lazy("Th"),
    gettext_lazy("Fr"), gettext_lazy("Sa"), gettext_lazy("Su"),
]


def weekdays_label(weekdays: Iterable[int]) -> str:
    """[1, 3] → "매주 화·목"."""
    days = "·".join(str(SHORT_WEEKDAYS[day]) for day in sorted(set(weekdays)))
    return gettext("every %(days)s") % {"days": days}
