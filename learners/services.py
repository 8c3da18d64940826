"""Learners and their consents: the only code that writes them."""

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.services import audit_record
from courses.models import TargetGroup
from learners.models import (
    Channel,
    Consent,
    ConsentKind,
    DisabilityStatus,
    Learner,
    ProxyRelationship,
    Sex,
)
from privacy.fields import blind_index
from privacy.phone import normalize_phone
from regions.models import Region

# The version of the personal-information notice that learners agree to
# (templates/learners/privacy_notice.html). Change it when the notice changes.
PRIVACY_NOTICE_VERSION = "2026-11"
NAME_MAX_LENGTH = 50
OLDEST_BIRTH_YEAR = 1900
# Characters allowed in a name besides letters and combining marks
# (Vietnamese tone marks): spaces, hyphen, apostrophe, full stop, middle dot.
NAME_PUNCTUATION = set(" -'.·")


@dataclass
class LearnerData:
    """What an application says about the learner, already cleaned."""

    name: str
    phone: str  # digits only (privacy.phone.normalize_phone)
    birth_year: int
    sex: str = ""
    target_groups: list[str] = field(default_factory=list)
    residence: Region | None = None


@dataclass
class ConsentGiven:
    """The consents that come with an application."""

    personal_info: bool
    sensitive_info: bool = False  # to keep the disability status
    disability: str = ""  # DisabilityStatus value, only with sensitive_info
    proxy_name: str = ""
    proxy_phone: str = ""
    proxy_relationship: str = ""


def clean_name(value: Any) -> str:
    name = " ".join(unicodedata.normalize("NFC", str(value or "")).split())
    if not name:
        raise ValidationError(_("Enter the learner's name."), code="required")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("A name can be at most %(max)d characters long.") % {"max": NAME_MAX_LENGTH},
            code="max_length",
        )
    for char in name:
        if char in NAME_PUNCTUATION or unicodedata.category(char)[0] in "LM":
            continue
        raise ValidationError(
            _("A name can contain only letters, spaces, hyphens and apostrophes."),
            code="invalid_name",
        )
    return name


def clean_birth_year(value: Any) -> int:
    this_year = timezone.localdate().year
    message = _("Enter a year of birth between %(first)d and %(last)d.") % {
        "first": OLDEST_BIRTH_YEAR, "last": this_year,
    }
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(message, code="invalid_birth_year") from None
    if not OLDEST_BIRTH_YEAR <= year <= this_year:
        raise ValidationError(message, code="invalid_birth_year")
    return year


def clean_target_groups(value: Any) -> list[str]:
    # Disability is sensitive information: it comes only with its own consent
    # (ConsentGiven.disability), never as a plain target group.
    allowed = set(TargetGroup.values) - {TargetGroup.DISABLED}
    groups = list(dict.fromkeys(value or []))
    if not all(isinstance(group, str) and group in allowed for group in groups):
        raise ValidationError(_("Choose target groups from the list."), code="invalid_choice")
    return groups


def learner_data_clean(
    *, name: Any, phone: Any, birth_year: Any, sex: Any = "", target_groups: Any = None,
    residence: Region | None = None,
) -> LearnerData:
    """Check and normalise what was typed; raise ValidationError with every problem."""
    errors: dict[str, ValidationError] = {}
    cleaned: dict[str, Any] = {}
    checks = {
        "name": lambda: clean_name(name),
        "phone": lambda: normalize_phone(str(phone or "")),
        "birth_year": lambda: clean_birth_year(birth_year),
        "target_groups": lambda: clean_target_groups(target_groups),
    }
    for key, check in checks.items():
        try:
            cleaned[key] = check()
        except ValidationError as error:
            errors[key] = error
    if sex not in ("", None, *Sex.values):
        errors["sex"] = ValidationError(_("Choose the sex from the list."), code="invalid_choice")
    if errors:
        raise ValidationError(errors)
    return LearnerData(sex=sex or "", residence=residence, **cleaned)


def consent_clean(consent: ConsentGiven) -> ConsentGiven:
    if not consent.personal_info:
        raise ValidationError(
            _("We need your agreement to use your personal information to sign you up."),
            code="no_consent",
        )
    if consent.disability and (
        not consent.sensitive_info or consent.disability not in DisabilityStatus.values
    ):
        raise ValidationError(
            _("Disability information is kept only with its own agreement."),
            code="no_sensitive_consent",
        )
    if consent.proxy_name.strip() or consent.proxy_relationship:
        if not consent.proxy_name.strip():
            raise ValidationError(_("Enter the name of the person applying on behalf."))
        if consent.proxy_relationship not in ProxyRelationship.values:
            raise ValidationError(_("Choose how you are related to the learner."))
        clean_name(consent.proxy_name)
        if consent.proxy_phone:
            consent.proxy_phone = normalize_phone(consent.proxy_phone)
    return consent


def phone_index_of(phone: str) -> str:
    return blind_index(phone, purpose="phone")


def learners_with_phone(phone: str) -> Any:
    """Active (not merged) learners with this phone number."""
    return Learner.objects.filter(phone_index=phone_index_of(phone), merged_into__isnull=True)


def learner_get_or_create(
    *, data: LearnerData, channel: str, by: User | None,
) -> tuple[Learner, bool]:
    """The learner with this phone and name, created when there is none.

    An existing learner's record is not changed here: what staff typed may be
    a slip, and the record is corrected on the learner's page.
    """
    phone_index = phone_index_of(data.phone)
    name_index = blind_index(data.name, purpose="name")
    lookup = {"phone_index": phone_index, "name_index": name_index, "merged_into__isnull": True}
    found = Learner.objects.filter(**lookup).first()
    if found is not None:
        return found, False
    try:
        # A savepoint: two first applications of one person may race on PostgreSQL;
        # the unique constraint lets one win and the other read its row.
        with transaction.atomic():
            learner = Learner.objects.create(
                name=data.name, phone=data.phone, phone_index=phone_index,
                name_index=name_index, birth_year=data.birth_year, sex=data.sex,
                target_groups=data.target_groups, residence=data.residence,
                created_channel=channel, created_by=by,
            )
    except IntegrityError:
        return Learner.objects.get(**lookup), False
    audit_record(actor=by, action="learner.create", target=learner, data={"channel": channel})
    return learner, True


def consent_record(
    *, learner: Learner, consent: ConsentGiven, channel: str, by: User | None,
) -> list[Consent]:
    """Record the consents of an application (and the disability status they allow)."""
    common = {
        "learner": learner, "notice_version": PRIVACY_NOTICE_VERSION, "channel": channel,
        "recorded_by": by, "proxy_name": consent.proxy_name.strip(),
        "proxy_phone": consent.proxy_phone, "proxy_relationship": consent.proxy_relationship,
    }
    records = [Consent.objects.create(kind=ConsentKind.PERSONAL_INFO, **common)]
    if consent.sensitive_info:
        records.append(Consent.objects.create(kind=ConsentKind.SENSITIVE_INFO, **common))
        if consent.disability and consent.disability != learner.disability:
            learner.disability = consent.disability
            learner.save(update_fields=["disability"])
    return records


def channel_of(consent: ConsentGiven, channel: str) -> str:
    """An online application made by someone else is a proxy application."""
    if channel == Channel.ONLINE and consent.proxy_name.strip():
        return Channel.PROXY
    return channel


def learner_merge(*, keep: Learner, duplicate: Learner, by: User | None) -> Learner:
    """Merge a duplicate record into the learner to keep; history is kept.

    The duplicate's applications and consents move to `keep`; the duplicate's
    row stays, pointing at `keep` (`merged_into`, `merged_at`), so old audit
    entries and access-log entries still name a row. Target groups are joined;
    the disability status moves only when `keep` has none (its consent moves
    with it).

    When both records have an active application to the same class the merge
    is refused: which one to cancel (the confirmed seat or the place on the
    waiting list) is the staff member's decision, and cancelling goes through
    the enrollment rules on the class roster, which also promote the next
    learner and tell the learner.
    """
    # Imported here: enrollment.models imports this app's models.
    from enrollment.models import ACTIVE_STATUSES, Application

    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different learners to merge."), code="same")
    if by is not None:
        # Only roles that change applications merge (not one who teaches there).
        from enrollment.services import MANAGING_ROLES

        visible = Learner.objects.for_user(by, roles=MANAGING_ROLES).filter(
            pk__in=[keep.pk, duplicate.pk],
        )
        if visible.values("pk").distinct().count() != 2:
            raise ValidationError(
                _("You can only merge learners who applied to classes in your scope."),
                code="out_of_scope",
            )
    with transaction.atomic():
        # Both rows locked in id order, so two merges of the same pair queue
        # instead of deadlocking (a no-op on SQLite, whose transaction already
        # holds the write lock).
        locked = {
            learner.pk: learner
            for learner in Learner.objects.select_for_update()
            .filter(pk__in=[keep.pk, duplicate.pk]).order_by("pk")
        }
        keep_row, duplicate_row = locked[keep.pk], locked[duplicate.pk]
        if keep_row.merged_into_id or duplicate_row.merged_into_id:
            raise ValidationError(
                _("One of these records has already been merged into another."),
                code="already_merged",
            )
        active = Application.objects.filter(status__in=ACTIVE_STATUSES)
        both = (
            active.filter(learner=duplicate_row)
            .filter(course_class__in=active.filter(learner=keep_row).values("course_class"))
            .select_related("course_class__course").first()
        )
        if both is not None:
            raise ValidationError(
                _("Both records have an active application to “%(class)s”. Cancel one of "
                  "them on the class roster first, then merge.")
                % {"class": both.course_class.course.title},
                code="both_active",
            )
        applications = list(
            Application.objects.filter(learner=duplicate_row).values_list("pk", flat=True),
        )
        consents = list(duplicate_row.consents.values_list("pk", flat=True))
        try:
            # A savepoint: an application of the duplicate to one of keep's
            # classes written since the check trips the one-active constraint.
            with transaction.atomic():
                Application.objects.filter(pk__in=applications).update(learner=keep_row)
        except IntegrityError:
            raise ValidationError(
                _("The records changed while merging. Please try again."), code="changed",
            ) from None
        Consent.objects.filter(pk__in=consents).update(learner=keep_row)
        changed = []
        groups = list(dict.fromkeys([*keep_row.target_groups, *duplicate_row.target_groups]))
        if groups != keep_row.target_groups:
            keep_row.target_groups = groups
            changed.append("target_groups")
        if not keep_row.disability and duplicate_row.disability:
            keep_row.disability = duplicate_row.disability
            changed.append("disability")
        if changed:
            keep_row.save(update_fields=changed)
        duplicate_row.merged_into = keep_row
        duplicate_row.merged_at = timezone.now()
        duplicate_row.save(update_fields=["merged_into", "merged_at"])
        data = {
            "keep": keep_row.pk, "duplicate": duplicate_row.pk,
            "applications": applications, "consents": consents, "changed": changed,
        }
        audit_record(actor=by, action="learner.merge", target=keep_row, data=data)
        audit_record(actor=by, action="learner.merged_into", target=duplicate_row, data=data)
    return keep_row
