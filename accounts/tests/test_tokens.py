from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, hash_token
from accounts.services import api_token_create, api_token_revoke
from accounts.testing import People
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def me(client: Client, raw: str):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_it_prints_a_token_that_authenticates(client: Client, people: People) -> None:
    out = StringIO()
    call_command("api_token", "gangnam", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    r = me(client, raw)
    assert r.status_code == 200
    assert r.json() == {
        "username": "gangnam",
        "national": False,
        "roles": [{"role": "regional_officer", "region_code": "1168000000", "center_id": None}],
    }


def test_it_stores_only_the_hash(people: People) -> None:
    token, raw = api_token_create(user=people.manager)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw)
    assert raw not in {stored.key_hash, stored.prefix}
    assert AuditEntry.objects.filter(action="api_token.create", target_id=str(token.pk)).exists()


def test_it_refuses_revoked_expired_and_unknown_tokens(client: Client, people: People) -> None:
    revoked, raw_revoked = api_token_create(user=people.manager)
    api_token_revoke(token=revoked)
    _, raw_expired = api_token_create(user=people.manager, lifetime=timedelta(seconds=-1))
    for raw in (raw_revoked, raw_expired, "bt_not-a-token"):
        r = me(client, raw)
        assert r.status_code == 401
        assert "토큰" in r.json()["message"]


def test_it_refuses_tokens_of_deactivated_users(client: Client, people: People) -> None:
    _, raw = api_token_create(user=people.manager)
    people.manager.is_active = False
    people.manager.save(update_fields=["is_active"])
    assert me(client, raw).status_code == 401


def test_it_revokes_by_command(client: Client, people: People) -> None:
    _, raw = api_token_create(user=people.manager)
    call_command("api_token", "manager", "--revoke", stdout=StringIO())
    assert me(client, raw).status_code == 401


def test_it_refuses_an_unknown_user_by_command(people: People) -> None:
    with pytest.raises(CommandError):
        call_command("api_token", "ghost", stdout=StringIO())


def test_it_records_last_use(client: Client, people: People) -> None:
    token, raw = api_token_create(user=people.manager)
    me(client, raw)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)
