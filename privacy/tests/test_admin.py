"""The admin shows phones masked in lists, whole on the change page, and logs that."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Role, RoleGrant, User
from accounts.selectors import user_find_by_phone
from accounts.services import api_token_create, role_grant_create, user_phone_set
from audit.models import AuditEntry
from privacy.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def minji() -> User:
    user = User.objects.create_user(username="minji", first_name="민지")
    user_phone_set(user=user, phone="010-9876-5432")
    return user


@pytest.fixture
def superuser(admin_user: User) -> User:
    return admin_user


def change_form_data(user: User, **changes: Any) -> dict[str, Any]:
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone_number": "010-9876-5432",
        "is_active": "on",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "role_grants-TOTAL_FORMS": "0",
        "role_grants-INITIAL_FORMS": "0",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_it_masks_phones_in_the_user_list(admin_client: Client, minji: User) -> None:
    r = admin_client.get(reverse("admin:accounts_user_changelist"))
    page = r.content.decode()
    assert "010-****-5432" in page
    assert "9876" not in page


def test_it_shows_the_whole_phone_and_logs_the_view(
    admin_client: Client, superuser: User, minji: User,
) -> None:
    r = admin_client.get(
        reverse("admin:accounts_user_change", args=[minji.pk]),
        REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="TestBrowser/1.0",
    )
    assert r.status_code == 200
    assert 'value="010-9876-5432"' in r.content.decode()
    [entry] = AccessLog.objects.all()
    assert entry.actor == superuser and entry.actor_label == superuser.username
    assert entry.ip == "198.51.100.23"
    assert entry.user_agent == "TestBrowser/1.0"
    assert (entry.subject_type, entry.subject_id) == ("accounts.user", str(minji.pk))
    assert entry.action == AccessLog.Action.VIEW


def test_it_logs_nothing_for_a_page_it_refuses(client: Client, minji: User) -> None:
    staff = User.objects.create_user(username="staff", is_staff=True)
    client.force_login(staff)
    r = client.get(reverse("admin:accounts_user_change", args=[minji.pk]))
    assert r.status_code == 403
    assert not AccessLog.objects.exists()


def test_it_saves_an_edited_phone_through_the_service(
    admin_client: Client, superuser: User, minji: User,
) -> None:
    r = admin_client.post(
        reverse("admin:accounts_user_change", args=[minji.pk]),
        change_form_data(minji, phone_number="02-123-4567"),
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    minji.refresh_from_db()
    assert minji.phone == "021234567"
    assert list(user_find_by_phone("021234567")) == [minji]
    assert AuditEntry.objects.filter(action="user.phone_set", actor=superuser).exists()


def test_it_explains_an_invalid_phone_in_the_form(admin_client: Client, minji: User) -> None:
    r = admin_client.post(
        reverse("admin:accounts_user_change", args=[minji.pk]),
        change_form_data(minji, phone_number="12345"),
    )
    assert r.status_code == 200
    assert "010-1234-5678" in r.content.decode()  # the example in the error message
    minji.refresh_from_db()
    assert minji.phone == "01098765432"


def test_it_leaves_an_unchanged_phone_alone(admin_client: Client, minji: User) -> None:
    admin_client.post(
        reverse("admin:accounts_user_change", args=[minji.pk]),
        change_form_data(minji, first_name="민지2"),
    )
    assert not AuditEntry.objects.filter(action="user.phone_set").exclude(actor=None).exists()


def test_it_finds_users_by_phone_and_logs_the_search(
    admin_client: Client, minji: User,
) -> None:
    User.objects.create_user(username="other")
    r = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "01098765432"})
    page = r.content.decode()
    assert "minji" in page and ">other<" not in page
    assert AccessLog.objects.filter(
        action=AccessLog.Action.SEARCH, subject_id=str(minji.pk),
    ).exists()


def test_it_adds_a_role_grant_through_the_service(
    admin_client: Client, superuser: User, minji: User,
) -> None:
    data = change_form_data(minji, **{
        "role_grants-TOTAL_FORMS": "1", "role_grants-0-role": Role.NATIONAL_ADMIN,
    })
    r = admin_client.post(reverse("admin:accounts_user_change", args=[minji.pk]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert RoleGrant.objects.filter(user=minji, role=Role.NATIONAL_ADMIN).exists()
    assert AuditEntry.objects.filter(action="role_grant.create", actor=superuser).exists()


def test_it_audits_a_role_grant_removed_in_the_admin(
    admin_client: Client, superuser: User, minji: User,
) -> None:
    grant = role_grant_create(user=minji, role=Role.NATIONAL_ADMIN)
    r = admin_client.post(
        reverse("admin:accounts_rolegrant_delete", args=[grant.pk]), {"post": "yes"},
    )
    assert r.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    entry = AuditEntry.objects.get(action="role_grant.delete")
    assert entry.actor == superuser and entry.target_id == str(grant.pk)


def test_it_refuses_to_change_or_delete_access_log_entries(
    admin_client: Client, minji: User,
) -> None:
    admin_client.get(reverse("admin:accounts_user_change", args=[minji.pk]))
    entry = AccessLog.objects.get()
    change_url = reverse("admin:privacy_accesslog_change", args=[entry.pk])
    r = admin_client.post(change_url, {"purpose": "rewritten"})
    assert r.status_code == 403
    delete_url = reverse("admin:privacy_accesslog_delete", args=[entry.pk])
    r = admin_client.post(delete_url, {"post": "yes"})
    assert r.status_code == 403
    r = admin_client.post(
        reverse("admin:privacy_accesslog_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert AccessLog.objects.filter(pk=entry.pk, purpose="").exists()
    r = admin_client.get(reverse("admin:privacy_accesslog_add"))
    assert r.status_code == 403


def test_it_lists_access_log_entries_searchable_by_actor_and_subject(
    admin_client: Client, superuser: User, minji: User,
) -> None:
    admin_client.get(reverse("admin:accounts_user_change", args=[minji.pk]))
    url = reverse("admin:privacy_accesslog_changelist")

    def found(term: str) -> list[AccessLog]:
        return list(admin_client.get(url, {"q": term}).context["cl"].result_list)

    [by_actor] = found(superuser.username)
    [by_subject] = found(str(minji.pk))
    assert by_actor == by_subject and by_actor.subject_id == str(minji.pk)
    assert found("nobody-like-this") == []


def test_it_revokes_api_tokens_and_never_shows_their_hash(
    admin_client: Client, superuser: User, minji: User,
) -> None:
    token, _raw = api_token_create(user=minji)
    r = admin_client.get(reverse("admin:accounts_apitoken_changelist"))
    assert token.prefix in r.content.decode()
    assert token.key_hash not in r.content.decode()
    r = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert token.key_hash not in r.content.decode()
    r = admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=superuser).exists()
    assert not ApiToken.objects.usable().exists()
