"""Writes over centres: outreach requests (파견교육 신청) and their decisions.

The import and export of centres live in `centers/transfer.py` (a service too).
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from centers.models import (
    Center,
    CenterKind,
    CenterStatus,
    OutreachRequest,
    OutreachSite,
    OutreachStatus,
)
from courses.models import Topic
from lib.geo import haversine_km
from privacy.phone import normalize_phone
from regions.models import Region

MAX_EXPECTED_LEARNERS = 500


def center_point(center: Center) -> tuple[float, float]:
    """The centre's coordinates, or its 행정동's point when it has none."""
    if center.lat is not None and center.lon is not None:
        return center.lat, center.lon
    return center.region.lat, center.region.lon


def outreach_hub_for(region: Region) -> Center | None:
    """The open hub that serves `region`: the nearest one in its 시·도, else the nearest at all."""
    hubs = list(
        Center.objects.filter(kind=CenterKind.HUB, status=CenterStatus.OPEN)
        .select_related("region")
    )
    if not hubs:
        return None
    same_province = [hub for hub in hubs if hub.region.sido_id == region.sido_id]

    def distance(hub: Center) -> tuple[float, int]:
        lat, lon = center_point(hub)
        return haversine_km(region.lat, region.lon, lat, lon), hub.pk

    return min(same_province or hubs, key=distance)


def outreach_preferred_start_validate(value: date) -> None:
    """A class cannot be asked for in the past (the form checks early with this too)."""
    if value < timezone.localdate():
        raise ValidationError(_("Choose a date from today on."), code="past")


@transaction.atomic
def outreach_request_create(
    *,
    organisation: str,
    contact_name: str,
    contact_phone: str,
    road_address: str,
    region: Region,
    topic: str,
    preferred_start: date,
    preferred_end: date,
    expected_learners: int,
    notes: str = "",
    hub: Center | None = None,
    actor: Any = None,
) -> OutreachRequest:
    """Record an organisation's request; it goes to the hub that serves its area."""
    errors: dict[str, list[str]] = {}
    if not organisation.strip():
        errors.setdefault("organisation", []).append(_("Enter the organisation's name."))
    if not contact_name.strip():
        errors.setdefault("contact_name", []).append(_("Enter the contact person's name."))
    try:
        phone = normalize_phone(contact_phone)
    except ValidationError as error:
        errors.setdefault("contact_phone", []).extend(error.messages)
        phone = ""
    if topic not in Topic.values:
        errors.setdefault("topic", []).append(_("Choose a topic from the list."))
    try:
        outreach_preferred_start_validate(preferred_start)
    except ValidationError as error:
        errors.setdefault("preferred_start", []).extend(error.messages)
    if preferred_end < preferred_start:
        errors.setdefault("preferred_end", []).append(
            _("The end of the preferred period cannot be before its start.")
        )
    if not 1 <= expected_learners <= MAX_EXPECTED_LEARNERS:
        errors.setdefault("expected_learners", []).append(
            _("Expected learners must be between 1 and %(max)s.") % {"max": MAX_EXPECTED_LEARNERS}
        )
    if region.level == Region.Level.SIDO:
        errors.setdefault("region", []).append(_("Choose a city, county or district."))
    if hub is None:
        hub = outreach_hub_for(region)
    if hub is None:
        errors.setdefault("region", []).append(
            _("No hub centre takes outreach requests yet. Please call your local office.")
        )
    elif hub.kind != CenterKind.HUB:
        errors.setdefault("hub", []).append(_("Only a hub centre takes outreach requests."))
    if errors:
        raise ValidationError(errors)
    assert hub is not None
    request = OutreachRequest(
        hub=hub, organisation=organisation.strip(), contact_name=contact_name.strip(),
        contact_phone=phone, road_address=road_address.strip(), region=region, topic=topic,
        preferred_start=preferred_start, preferred_end=preferred_end,
        expected_learners=expected_learners, notes=notes.strip(),
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor, action="outreach_request.create", target=request,
        data={"hub": hub.pk, "region": region.code, "topic": topic},
    )
    return request


# Which states each decision may start from.
_ALLOWED_FROM = {
    OutreachStatus.ACCEPTED: {OutreachStatus.REQUESTED},
    OutreachStatus.SCHEDULED: {OutreachStatus.ACCEPTED},
    OutreachStatus.DECLINED: {OutreachStatus.REQUESTED, OutreachStatus.ACCEPTED},
}


def _refusal(current: str, wanted: OutreachStatus) -> str:
    if current == OutreachStatus.DECLINED:
        return _("This request was already declined; it cannot be changed any more.")
    if current == OutreachStatus.SCHEDULED:
        return _("This request is already scheduled; it cannot be changed any more.")
    if wanted == OutreachStatus.SCHEDULED and current == OutreachStatus.REQUESTED:
        return _("Accept the request before scheduling it.")
    return _("This request is already accepted.")


def _lock_for(outreach_request: OutreachRequest, wanted: OutreachStatus) -> OutreachRequest:
    # Lock the row so that two managers deciding at once cannot both win; the
    # second sees the first's decision and is refused.
    locked = OutreachRequest.objects.select_for_update().get(pk=outreach_request.pk)
    if locked.status not in _ALLOWED_FROM[wanted]:
        raise ValidationError(_refusal(locked.status, wanted), code="invalid_transition")
    return locked


def _decide(
    locked: OutreachRequest, status: OutreachStatus, actor: Any, reason: str,
    fields: list[str],
) -> None:
    locked.status = status
    locked.decision_reason = reason
    locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decision_reason", "decided_by", "decided_at", *fields])
    audit_record(
        actor=actor, action=f"outreach_request.{status}", target=locked,
        data={"reason": reason} if reason else {},
    )


@transaction.atomic
def outreach_request_accept(
    *, outreach_request: OutreachRequest, actor: Any = None, reason: str = "",
) -> OutreachRequest:
    locked = _lock_for(outreach_request, OutreachStatus.ACCEPTED)
    _decide(locked, OutreachStatus.ACCEPTED, actor, reason.strip(), [])
    return locked


@transaction.atomic
def outreach_request_decline(
    *, outreach_request: OutreachRequest, reason: str, actor: Any = None,
) -> OutreachRequest:
    if not reason.strip():
        raise ValidationError(
            {"reason": [_("Say why the request is declined; the organisation is told.")]},
            code="reason_required",
        )
    locked = _lock_for(outreach_request, OutreachStatus.DECLINED)
    _decide(locked, OutreachStatus.DECLINED, actor, reason.strip(), [])
    return locked


@transaction.atomic
def outreach_request_schedule(
    *,
    outreach_request: OutreachRequest,
    actor: Any = None,
    site: OutreachSite | None = None,
    region: Region | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> OutreachRequest:
    """Schedule an accepted request at `site`, or at a new outreach site made from it.

    A new site is named after the organisation, at the request's address; its
    point is `lat`/`lon`, else the point of `region` (a 행정동), else of the
    request's area.
    """
    locked = _lock_for(outreach_request, OutreachStatus.SCHEDULED)
    if site is not None and site.hub_id != locked.hub_id:
        raise ValidationError(
            {"site": [_("The outreach site belongs to another hub centre.")]}, code="other_hub",
        )
    if site is None:
        place = region or locked.region
        site = OutreachSite(
            hub=locked.hub, name=locked.organisation, region=place,
            road_address=locked.road_address,
            lat=lat if lat is not None else place.lat,
            lon=lon if lon is not None else place.lon,
        )
        site.full_clean()
        site.save()
        audit_record(actor=actor, action="outreach_site.create", target=site,
                     data={"request": locked.pk})
    locked.site = site
    _decide(locked, OutreachStatus.SCHEDULED, actor, locked.decision_reason, ["site"])
    return locked


CONTACT_RETENTION = timedelta(days=365)


def outreach_contacts_erase(*, today: date | None = None) -> int:
    """Blank the contact name and phone of requests finished more than a year ago.

    The public form promises this; run daily (`manage.py outreach_contacts_erase`).
    A request is finished when declined (from the decision), scheduled (from the
    end of the preferred period), or left undecided (from when it came in).
    """
    cutoff = (today or timezone.localdate()) - CONTACT_RETENTION
    finished = OutreachRequest.objects.filter(
        Q(status=OutreachStatus.DECLINED, decided_at__date__lt=cutoff)
        | Q(status=OutreachStatus.SCHEDULED, preferred_end__lt=cutoff)
        | Q(
            status__in=[OutreachStatus.REQUESTED, OutreachStatus.ACCEPTED],
            created_at__date__lt=cutoff,
        )
    )
    erased = 0
    for outreach_request in finished:
        if not outreach_request.contact_phone:
            continue  # erased on an earlier run (ciphertexts cannot be filtered on)
        with transaction.atomic():
            outreach_request.contact_name = ""
            outreach_request.contact_phone = ""
            outreach_request.save(update_fields=["contact_name", "contact_phone"])
            audit_record(
                actor=None, action="outreach_request.contact_erase", target=outreach_request,
            )
        erased += 1
    return erased
