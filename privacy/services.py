import ipaddress
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest

from privacy.models import AccessLog

USER_AGENT_LENGTH = AccessLog._meta.get_field("user_agent").max_length or 300
PATH_LENGTH = AccessLog._meta.get_field("path").max_length or 500
# Up to this many records of one type get one entry each, so that "who saw
# this learner?" is answerable. A larger export gets one entry with the count.
PER_RECORD_LIMIT = 200


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies.

    With TRUSTED_PROXY_COUNT = n (the reverse proxies in front of the site),
    the n-th address from the right of X-Forwarded-For is the client's; the
    ones further left are whatever the client chose to send and are ignored.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _actor(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    # django-ninja puts the authenticated user of an API token on request.auth.
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "is_authenticated", False):
        return auth
    return None


def _group_subjects(
    subjects: models.Model | Iterable[models.Model],
) -> dict[str, tuple[int, list[str]]]:
    """{model label: (count, ids or [] when there are too many to list)}."""
    if isinstance(subjects, models.Model):
        return {subjects._meta.label_lower: (1, [str(subjects.pk)])}
    if isinstance(subjects, models.QuerySet):
        # Count in the database: an export of a million rows is not loaded here.
        count = subjects.count()
        ids: list[str] = []
        if count <= PER_RECORD_LIMIT:
            ids = [str(pk) for pk in subjects.values_list("pk", flat=True)]
            count = len(ids)
        return {subjects.model._meta.label_lower: (count, ids)} if count else {}
    grouped: dict[str, list[str]] = defaultdict(list)
    for subject in subjects:
        grouped[subject._meta.label_lower].append(str(subject.pk))
    return {
        label: (len(ids), ids if len(ids) <= PER_RECORD_LIMIT else [])
        for label, ids in grouped.items()
    }


@transaction.atomic
def pii_access_record(
    *,
    request: HttpRequest,
    subjects: models.Model | Iterable[models.Model],
    action: AccessLog.Action | str,
    purpose: str = "",
) -> list[AccessLog]:
    """Log that `request` showed the personal data of `subjects`.

    Every view, export, print and API endpoint that shows personal data in
    full calls this once per response. `subjects` is one model instance, an
    iterable of instances or a queryset. The query string is not logged: it
    may itself contain personal data (a searched phone number).
    """
    action = AccessLog.Action(action)
    actor = _actor(request)
    common: dict[str, Any] = {
        "actor": actor,
        "actor_label": actor.get_username() if actor is not None else "anonymous",
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
        "path": request.path[:PATH_LENGTH],
        "action": action,
        "purpose": purpose[: AccessLog._meta.get_field("purpose").max_length],
    }
    entries: list[AccessLog] = []
    for label, (count, ids) in _group_subjects(subjects).items():
        if ids:
            entries.extend(
                AccessLog(**common, subject_type=label, subject_id=pk, record_count=1)
                for pk in ids
            )
        else:
            entries.append(AccessLog(**common, subject_type=label, record_count=count))
    return AccessLog.objects.bulk_create(entries)
