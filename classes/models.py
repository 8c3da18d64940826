from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import Scoped, ScopedQuerySet, ScopePaths


class ClassStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RECRUITING = "recruiting", _("Taking applications")
    CLOSED = "closed", _("Applications closed")
    RUNNING = "running", _("In progress")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class CourseClass(Scoped, models.Model):
    """A course given at a centre, an outreach site or a bus visit.

    `center` is the organising centre (a hub for outreach and bus classes);
    `region`, `lat` and `lon` are where the class meets, copied from the venue
    so that the nearest-class search reads one table.
    """

    scope_paths = ScopePaths(region="region", center="center")

    course = models.ForeignKey(
        "courses.Course", models.PROTECT, related_name="classes", verbose_name=_("course"),
    )
    center = models.ForeignKey(
        "centers.Center", models.PROTECT, related_name="classes", verbose_name=_("centre"),
    )
    outreach_site = models.ForeignKey(
        "centers.OutreachSite", models.PROTECT, null=True, blank=True, related_name="classes",
        verbose_name=_("outreach site"),
    )
    bus_visit = models.ForeignKey(
        "centers.BusVisit", models.PROTECT, null=True, blank=True, related_name="classes",
        verbose_name=_("bus visit"),
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("town or neighbourhood"),
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    # Applications holding a seat (confirmed or offered). Written only by
    # enrollment.services, under the class row's lock; the check constraint
    # below is the last line of defence against overbooking.
    seats_taken = models.PositiveSmallIntegerField(_("seats taken"), default=0, editable=False)
    waitlist_priority = models.BooleanField(
        _("target groups first on the waiting list"), default=False,
        help_text=_("Applicants in the course's target groups go ahead of others "
                    "on the waiting list."),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a freed seat"), null=True, blank=True,
        help_text=_("Empty: a freed seat goes straight to the next person on the waiting "
                    "list. A number: the seat is offered and must be accepted in time."),
    )
    registration_opens = models.DateField(_("applications open"))
    registration_closes = models.DateField(_("applications close"))
    weekdays = models.JSONField(_("weekdays"), help_text=_("0 = Monday … 6 = Sunday"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    first_date = models.DateField(_("first session"), db_index=True)
    last_date = models.DateField(_("last session"))
    status = models.CharField(
        _("status"), max_length=12, choices=ClassStatus.choices, default=ClassStatus.PLANNED,
        db_index=True,
    )
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("instructor"),
    )
    supporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("supporters"),
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, null=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, null=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["first_date", "starts_at"]
        indexes = [
            # The nearest-class search reads upcoming classes inside a lat/lon box
            # (classes/search.py); bench/search.py measures it.
            models.Index(fields=["status", "lat", "lon"], name="courseclass_status_lat_lon"),
        ]
        constraints = [
            models.CheckConstraint(
                name="courseclass_one_venue",
                condition=~Q(outreach_site__isnull=False, bus_visit__isnull=False),
            ),
            models.CheckConstraint(
                name="courseclass_times_in_order", condition=Q(starts_at__lt=models.F("ends_at")),
            ),
            models.CheckConstraint(
                name="courseclass_never_overbooked",
                condition=Q(seats_taken__lte=models.F("capacity")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.center}"


class ClassSession(models.Model):
    """One meeting (회차) of a class, on a real date."""

    course_class = models.ForeignKey(
        CourseClass, models.CASCADE, related_name="sessions", verbose_name=_("class"),
    )
    number = models.PositiveSmallIntegerField(_("session"))
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["course_class", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["course_class", "number"], name="classsession_unique_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_class} {self.number}"
