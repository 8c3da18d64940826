import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.http import HttpRequest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from accounts.models import User
from privacy import services
from privacy.models import AccessLog, AccessLogImmutableError
from privacy.services import pii_access_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> User:
    return User.objects.create_user(username="officer")


def request_by(user: User | AnonymousUser, **meta: str) -> HttpRequest:
    request = RequestFactory().get("/staff/learners/7/?phone=01012345678", **meta)
    request.user = user
    return request


def test_it_records_who_saw_whose_record_from_where(officer: User) -> None:
    subject = User.objects.create_user(username="subject")
    request = request_by(
        officer, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400,
    )
    [entry] = pii_access_record(
        request=request, subjects=subject, action=AccessLog.Action.VIEW, purpose="상담",
    )
    entry = AccessLog.objects.get(pk=entry.pk)
    assert entry.actor == officer and entry.actor_label == "officer"
    assert entry.ip == "203.0.113.9"
    assert entry.action == AccessLog.Action.VIEW
    assert (entry.subject_type, entry.subject_id) == ("accounts.user", str(subject.pk))
    assert entry.record_count == 1
    assert entry.purpose == "상담"
    assert len(entry.user_agent) == 300 and entry.user_agent.startswith("Mozilla/5.0")
    # The path, without the query string: that may itself hold personal data.
    assert entry.path == "/staff/learners/7/"


def test_it_records_each_record_of_a_short_list(officer: User) -> None:
    subjects = [User.objects.create_user(username=f"s{i}") for i in range(3)]
    pii_access_record(request=request_by(officer), subjects=subjects, action="print")
    entries = AccessLog.objects.filter(action=AccessLog.Action.PRINT)
    assert sorted(entries.values_list("subject_id", flat=True)) == sorted(
        str(s.pk) for s in subjects
    )


def test_it_records_a_large_export_as_one_entry_with_its_count(
    officer: User, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "PER_RECORD_LIMIT", 2)
    for i in range(3):
        User.objects.create_user(username=f"s{i}")
    pii_access_record(
        request=request_by(officer), subjects=User.objects.exclude(pk=officer.pk),
        action=AccessLog.Action.EXPORT,
    )
    [entry] = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert entry.record_count == 3 and entry.subject_id == ""


def test_it_records_nothing_when_nothing_was_shown(officer: User) -> None:
    assert pii_access_record(request=request_by(officer), subjects=[], action="view") == []
    assert not AccessLog.objects.exists()


def test_it_names_an_anonymous_reader(officer: User) -> None:
    [entry] = pii_access_record(
        request=request_by(AnonymousUser()), subjects=officer, action="api",
    )
    assert entry.actor is None and entry.actor_label == "anonymous"


def test_it_ignores_forwarded_addresses_unless_proxies_are_trusted(officer: User) -> None:
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 192.0.2.7"}
    [direct] = pii_access_record(request=request_by(officer, **meta), subjects=officer,
                                 action="view")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        [proxied] = pii_access_record(request=request_by(officer, **meta), subjects=officer,
                                      action="view")
    assert direct.ip == "10.0.0.2"
    # The client could have sent the leftmost address itself: only the one the proxy added counts.
    assert proxied.ip == "192.0.2.7"


def test_it_keeps_the_actor_name_after_the_account_is_deleted(officer: User) -> None:
    [entry] = pii_access_record(request=request_by(officer), subjects=officer, action="view")
    officer.delete()
    entry = AccessLog.objects.get(pk=entry.pk)
    assert entry.actor is None and entry.actor_label == "officer"


def test_it_refuses_to_change_an_entry(officer: User) -> None:
    [entry] = pii_access_record(request=request_by(officer), subjects=officer, action="view")
    entry = AccessLog.objects.get(pk=entry.pk)
    entry.purpose = "rewritten"
    with pytest.raises(AccessLogImmutableError):
        entry.save()
    assert AccessLog.objects.get(pk=entry.pk).purpose == ""


def test_prune_deletes_only_entries_past_retention(officer: User) -> None:
    now = timezone.now()
    ages = {"expired": 731, "old but kept": 729, "today": 0}
    for purpose, days in ages.items():
        AccessLog.objects.create(
            at=now - timedelta(days=days), actor_label="officer", action="view",
            subject_type="accounts.user", subject_id="1", purpose=purpose,
        )
    out = io.StringIO()
    call_command("access_log_prune", stdout=out)
    assert "Deleted 1 entries" in out.getvalue()
    assert set(AccessLog.objects.values_list("purpose", flat=True)) == {"old but kept", "today"}


def test_prune_follows_the_retention_setting(officer: User) -> None:
    AccessLog.objects.create(
        at=timezone.now() - timedelta(days=40), actor_label="officer", action="view",
        subject_type="accounts.user", subject_id="1",
    )
    with override_settings(ACCESS_LOG_RETENTION=timedelta(days=30)):
        call_command("access_log_prune", "--dry-run", stdout=io.StringIO())
        assert AccessLog.objects.count() == 1
        call_command("access_log_prune", stdout=io.StringIO())
    assert AccessLog.objects.count() == 0
