"""A year of demo classes at every demo centre, outreach site and bus visit.

`small`: about a dozen classes per venue, from nine months ago to three
months ahead: finished, running, taking applications, planned, a few
cancelled. `national`: at least 100,000 classes over all venues, written
with bulk inserts in chunks; sessions are planned in Python with the cached
holiday set (classes.schedule) and each centre's closed days read once.

Reproducible from `context.rng` (given the same day and the same centres)
and idempotent: a centre that already has classes is skipped.
"""

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from centers.models import BusVisit, Center, CenterClosure, CenterStatus, OutreachSite
from classes.models import ClassSession, ClassStatus, CourseClass
from classes.schedule import is_korean_holiday, session_dates
from courses.models import Course
from demo.seeding import DemoContext

ORDER = 40

SMALL_PER_VENUE = 12
NATIONAL_TOTAL = 100_000
CHUNK = 2_000
PAST_DAYS = 270
AHEAD_DAYS = 90
SLOTS = [time(10), time(10, 30), time(13, 30), time(14), time(15), time(19)]
CAPACITIES = [10, 12, 15, 15, 20, 20, 25]
PATTERNS = [[1], [3], [0], [2], [4], [1, 3], [0, 2], [2, 4], [5]]
CANCEL_REASONS = ["신청자 부족", "강사 사정", "장소 공사", "감염병 예방 조치"]


@dataclass
class Venue:
    center: Center
    outreach_site: OutreachSite | None = None
    bus_visit: BusVisit | None = None

    def point(self) -> tuple[int, float, float]:
        if self.outreach_site is not None:
            s = self.outreach_site
            return s.region_id, s.lat, s.lon
        if self.bus_visit is not None:
            v = self.bus_visit
            return v.region_id, v.lat, v.lon
        c = self.center
        region = c.region
        return c.region_id, c.lat if c.lat is not None else region.lat, (
            c.lon if c.lon is not None else region.lon
        )


def _end(start: time, minutes: int) -> time:
    return (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)).time()


def _status(context: DemoContext, first: date, last: date, closes: date, opens: date,
            today: date) -> tuple[str, str]:
    if last < today:
        if context.rng.random() < 0.04:
            return ClassStatus.CANCELLED, context.rng.choice(CANCEL_REASONS)
        return ClassStatus.FINISHED, ""
    if first <= today:
        return ClassStatus.RUNNING, ""
    if opens > today:
        return ClassStatus.PLANNED, ""
    return (ClassStatus.CLOSED if closes < today else ClassStatus.RECRUITING), ""


def _venues(centers: list[Center]) -> Iterator[Venue]:
    ids = [c.pk for c in centers]
    by_id = {c.pk: c for c in centers}
    sites: dict[int, list[OutreachSite]] = defaultdict(list)
    for site in OutreachSite.objects.filter(hub_id__in=ids).order_by("pk"):
        sites[site.hub_id].append(site)
    visits: dict[int, list[BusVisit]] = defaultdict(list)
    for visit in BusVisit.objects.filter(vehicle__base_id__in=ids).select_related(
        "vehicle",
    ).order_by("pk"):
        visits[visit.vehicle.base_id].append(visit)
    for pk in ids:
        yield Venue(by_id[pk])
        for site in sites[pk]:
            yield Venue(by_id[pk], outreach_site=site)
        for visit in visits[pk]:
            yield Venue(by_id[pk], bus_visit=visit)


def _closed_days(centers: list[Center]) -> dict[int, set[date]]:
    closed: dict[int, set[date]] = defaultdict(set)
    rows = CenterClosure.objects.filter(center__in=centers).values_list("center_id", "date")
    for center_id, day in rows:
        closed[center_id].add(day)
    return closed


def _plan(context: DemoContext, venue: Venue, course: Course, today: date,
          closed: set[date]) -> tuple[CourseClass, list[date]] | None:
    rng = context.rng
    closed_weekdays = set(venue.center.closed_weekdays or [])
    if venue.bus_visit is not None:
        visit = venue.bus_visit
        if is_korean_holiday(visit.date) or visit.date in closed:
            return None
        weekdays = [visit.date.weekday()]
        start_day = visit.date
        starts_at = visit.starts_at
        ends_at = min(_end(starts_at, course.minutes_per_session), visit.ends_at)
        if ends_at <= starts_at:
            return None
    else:
        # Patterns on the centre's open days only (many centres close at weekends).
        patterns = [p for p in PATTERNS if not set(p) & closed_weekdays] or [
            [d] for d in range(7) if d not in closed_weekdays
        ]
        if not patterns:
            return None
        weekdays = rng.choice(patterns)
        start_day = today + timedelta(days=rng.randint(-PAST_DAYS, AHEAD_DAYS))
        starts_at = rng.choice(SLOTS)
        ends_at = _end(starts_at, course.minutes_per_session)
    dates = session_dates(start=start_day, weekdays=weekdays, count=course.session_count,
                          closed=closed)
    if len(dates) < course.session_count:
        return None
    opens = dates[0] - timedelta(days=rng.choice([21, 28, 35]))
    closes = dates[0] - timedelta(days=rng.choice([1, 2, 3, 7]))
    status, reason = _status(context, dates[0], dates[-1], closes, opens, today)
    region_id, lat, lon = venue.point()
    course_class = CourseClass(
        course=course, center=venue.center, outreach_site=venue.outreach_site,
        bus_visit=venue.bus_visit, region_id=region_id, lat=lat, lon=lon,
        capacity=rng.choice(CAPACITIES), registration_opens=opens, registration_closes=closes,
        weekdays=weekdays, starts_at=starts_at, ends_at=ends_at, first_date=dates[0],
        last_date=dates[-1], status=status, cancel_reason=reason,
    )
    return course_class, dates


def _flush(batch: list[tuple[CourseClass, list[date]]]) -> int:
    classes = CourseClass.objects.bulk_create([c for c, _ in batch], batch_size=CHUNK)
    sessions = [
        ClassSession(course_class=c, number=n, date=d, starts_at=c.starts_at, ends_at=c.ends_at)
        for c, (_, dates) in zip(classes, batch, strict=True)
        for n, d in enumerate(dates, start=1)
    ]
    ClassSession.objects.bulk_create(sessions, batch_size=5_000)
    return len(sessions)


def seed(context: DemoContext) -> None:
    courses = list(Course.objects.filter(is_active=True).order_by("pk"))
    if not courses:
        return
    today = timezone.localdate()
    taken = set(CourseClass.objects.values_list("center_id", flat=True).distinct())
    centers = list(
        Center.objects.exclude(status=CenterStatus.CLOSED).exclude(pk__in=taken)
        .select_related("region").order_by("pk")
    )
    venues = list(_venues(centers))
    if not venues:
        context.notes.append(f"Classes: 0 new, {CourseClass.objects.count()} in all.")
        return
    if context.scale == "small":
        per_venue = SMALL_PER_VENUE
    else:
        # Enough for the national target even when a few plans do not fit.
        standing = sum(1 for venue in venues if venue.bus_visit is None) or 1
        per_venue = math.ceil(NATIONAL_TOTAL * 1.01 / standing)
    closed = _closed_days(centers)
    batch: list[tuple[CourseClass, list[date]]] = []
    made = sessions = 0
    for venue in venues:
        # A bus visit is one stop on one day: one class there.
        count = 1 if venue.bus_visit is not None else per_venue
        placed = attempts = 0
        while placed < count and attempts < 3 * count:
            attempts += 1
            planned = _plan(context, venue, context.rng.choice(courses), today,
                            closed[venue.center.pk])
            if planned is None:
                continue
            placed += 1
            batch.append(planned)
            if len(batch) >= CHUNK:
                sessions += _flush(batch)
                made += len(batch)
                batch = []
    if batch:
        sessions += _flush(batch)
        made += len(batch)
    context.notes.append(
        f"Classes: {made} new with {sessions} sessions, {CourseClass.objects.count()} in all.",
    )
