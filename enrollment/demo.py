"""Demo learners and their applications to the demo classes.

Classes taking applications are filled to between a third of their seats and
well past them (the rest wait); classes that started or finished were filled
to 60–100 %; a few applications were cancelled; cancelled classes keep only
cancelled applications. About a third of learners come back for a second
class. Written with bulk inserts (names and phones encrypted on the way);
`CourseClass.seats_taken` is set to match. Idempotent: a class that already
has applications is skipped.
"""

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from classes.models import ClassStatus, CourseClass
from demo.seeding import DemoContext, in_chunks
from enrollment.models import Application, ApplicationStatus
from enrollment.services import manage_code_hash, manage_code_new
from learners.models import Channel, Consent, ConsentKind, Learner, Sex
from learners.services import PRIVACY_NOTICE_VERSION
from privacy.fields import blind_index

ORDER = 50
CHUNK = 2_000
RETURNING_SHARE = 0.3

SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나"
GIVEN = [
    "영희", "순자", "정숙", "영자", "옥순", "말순", "정자", "춘자", "영수", "영호", "철수",
    "상철", "정호", "광수", "명숙", "미숙", "경자", "순희", "복순", "금순", "기순", "덕수",
    "재석", "민준", "서연", "지훈", "은정", "현숙", "수진", "성호", "용준", "혜진",
]
FOREIGN_NAMES = ["Nguyễn Thị Hoa", "Trần Văn Nam", "Maria Santos", "Lê Thị Lan", "Wang Fang"]
TARGET_MIX = [
    ["seniors"], ["seniors"], ["seniors"], ["seniors", "low_income"], ["farmers_fishers"],
    ["multicultural"], ["small_business"], ["career_break"], [], ["seniors", "farmers_fishers"],
]
CHANNEL_MIX = [Channel.ONLINE, Channel.ONLINE, Channel.PHONE, Channel.PHONE, Channel.WALK_IN,
               Channel.PROXY]


def _learner(context: DemoContext, serial: int) -> Learner:
    rng = context.rng
    groups = rng.choice(TARGET_MIX)
    if "multicultural" in groups and rng.random() < 0.6:
        name = rng.choice(FOREIGN_NAMES)
    else:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    # 010-8xxx-xxxx: a block no real subscriber in the demo would mind.
    phone = f"0108{serial:07d}"
    seniors = "seniors" in groups
    birth_year = rng.randint(1935, 1956) if seniors else rng.randint(1960, 2000)
    return Learner(
        name=name, phone=phone, phone_index=blind_index(phone, purpose="phone"),
        name_index=blind_index(name, purpose="name"), birth_year=birth_year,
        sex=rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE]), target_groups=groups,
        created_channel=rng.choice(CHANNEL_MIX),
    )


def _demand(context: DemoContext, course_class: CourseClass) -> tuple[int, int]:
    """(applications holding or wanting a seat, cancelled applications)."""
    rng = context.rng
    capacity = course_class.capacity
    status = course_class.status
    if status == ClassStatus.PLANNED:
        return 0, 0
    if status == ClassStatus.CANCELLED:
        return 0, rng.randint(1, max(1, capacity // 3))
    if status == ClassStatus.RECRUITING:
        # Skewed: most classes fill slowly, a few are wanted by far more people.
        wanted = capacity * rng.choice([0.3, 0.5, 0.7, 0.9, 1.0, 1.3, 2.0])
        return round(wanted), rng.randint(0, 1)
    return round(capacity * rng.uniform(0.6, 1.0)), rng.randint(0, 2)


def _applied_at(context: DemoContext, course_class: CourseClass) -> datetime:
    opens = datetime.combine(course_class.registration_opens, time(9))
    days = max((course_class.registration_closes - course_class.registration_opens).days, 0)
    moment = opens + timedelta(
        days=context.rng.randint(0, days), minutes=context.rng.randint(0, 600),
    )
    return timezone.make_aware(min(moment, datetime.now()))


def _classes() -> Iterator[list[CourseClass]]:
    taken = Application.objects.values("course_class_id")
    classes = CourseClass.objects.exclude(pk__in=taken).order_by("pk")
    yield from in_chunks(classes, CHUNK)


class _People:
    """Learners created so far, so that some come back for another class."""

    def __init__(self, context: DemoContext) -> None:
        self.context = context
        self.serial = Learner.objects.count()
        self.known: list[Learner] = []
        self.new: list[Learner] = []

    def pick(self) -> Learner:
        if self.known and self.context.rng.random() < RETURNING_SHARE:
            return self.context.rng.choice(self.known)
        self.serial += 1
        learner = _learner(self.context, self.serial)
        self.new.append(learner)
        return learner

    def save(self) -> None:
        Learner.objects.bulk_create(self.new, batch_size=CHUNK)
        Consent.objects.bulk_create(
            [Consent(learner=learner, kind=ConsentKind.PERSONAL_INFO,
                     notice_version=PRIVACY_NOTICE_VERSION, channel=learner.created_channel)
             for learner in self.new],
            batch_size=CHUNK,
        )
        self.known.extend(self.new)
        self.known = self.known[-20_000:]
        self.new = []


def _applications(
    context: DemoContext, course_class: CourseClass, people: _People,
) -> list[Application]:
    wanted, cancelled = _demand(context, course_class)
    chosen: dict[int, Learner] = {}
    while len(chosen) < wanted + cancelled:
        learner = people.pick()
        chosen[id(learner)] = learner
    applications = []
    seats = 0
    ordered = sorted(chosen.values(), key=lambda _: context.rng.random())
    times = sorted(_applied_at(context, course_class) for _ in ordered)
    for index, (learner, applied_at) in enumerate(zip(ordered, times, strict=True)):
        fields: dict[str, Any] = {}
        if index < cancelled or course_class.status == ClassStatus.CANCELLED:
            fields = {"status": ApplicationStatus.CANCELLED, "cancelled_at": applied_at,
                      "cancel_reason": "개인 사정"}
        elif seats < course_class.capacity:
            seats += 1
            fields = {"status": ApplicationStatus.CONFIRMED, "confirmed_at": applied_at}
        else:
            fields = {"status": ApplicationStatus.WAITLISTED}
        applications.append(Application(
            course_class=course_class, learner=learner, created_at=applied_at,
            channel=learner.created_channel, manage_code_hash=manage_code_hash(manage_code_new()),
            **fields,
        ))
    course_class.seats_taken = seats
    return applications


def seed(context: DemoContext) -> None:
    people = _People(context)
    made = 0
    for chunk in _classes():
        with transaction.atomic():
            batch = [
                application for course_class in chunk
                for application in _applications(context, course_class, people)
            ]
            people.save()
            for application in batch:
                application.learner_id = application.learner.pk
            # Applications are ordered by application time so that ids follow it
            # (the waiting list is ordered by id).
            batch.sort(key=lambda a: a.created_at)
            Application.objects.bulk_create(batch, batch_size=CHUNK)
            CourseClass.objects.bulk_update(chunk, ["seats_taken"], batch_size=CHUNK)
        made += len(batch)
    context.notes.append(
        f"Enrollment: {made} new applications; {Learner.objects.count()} learners in all."
    )
