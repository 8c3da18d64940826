"""Days, times, dates and distances in plain Korean: "매주 화·목 오후 2시, 8회", "9월 17일 (목)".

The words are msgids, translated like every other string; the order of the
parts is in the msgids too, so a translation can move them.
"""

from datetime import date, time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# One-syllable day names ("월", not Django's "월요일"): their own msgids.
WEEKDAYS = [
    gettext_lazy("Mo"), gettext_lazy("Tu"), gettext_lazy("We"), gettext_lazy("Th"),
    gettext_lazy("Fr"), gettext_lazy("Sa"), gettext_lazy("Su"),
]


def weekday_name(day: int) -> str:
    """0 = Monday → "월"."""
    return str(WEEKDAYS[day])


def clock(value: time) -> str:
    """14:00 → "오후 2시", 9:30 → "오전 9시 30분", 12:00 → "오후 12시"."""
    period = _("a.m.") if value.hour < 12 else _("p.m.")
    hour = value.hour % 12 or 12
    if value.minute:
        return _("%(period)s %(hour)s:%(minute)s") % {
            "period": period, "hour": hour, "minute": f"{value.minute:02d}",
        }
    return _("%(period)s %(hour)s o'clock") % {"period": period, "hour": hour}


def weekly_pattern(weekdays: list[int], starts_at: time, count: int) -> str:
    """[1, 3], 14:00, 8 → "매주 화·목 오후 2시, 8회"."""
    days = "·".join(weekday_name(day) for day in sorted(weekdays))
    return ngettext(
        "Every %(days)s, %(time)s, %(count)s session",
        "Every %(days)s, %(time)s, %(count)s sessions",
        count,
    ) % {"days": days, "time": clock(starts_at), "count": count}


def time_range(starts_at: time, ends_at: time) -> str:
    return _("%(start)s to %(end)s") % {"start": clock(starts_at), "end": clock(ends_at)}


def day_label(value: date) -> str:
    """2026-09-17 → "9월 17일 (목)"."""
    return _("%(month)s/%(day)s (%(weekday)s)") % {
        "month": value.month, "day": value.day, "weekday": weekday_name(value.weekday()),
    }


def distance(km: float | None) -> str:
    """1.234 → "1.2km"; under 100 m → "0.1km"."""
    if km is None:
        return ""
    return _("%(km)s km") % {"km": f"{max(km, 0.1):.1f}"}
