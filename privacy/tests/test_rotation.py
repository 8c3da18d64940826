import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from accounts.models import User
from accounts.services import user_phone_set
from privacy import crypto
from privacy.tests.keys import NEW, OLD

pytestmark = pytest.mark.django_db

PHONES = ["010-1111-2222", "02-123-4567", "031-765-4321"]


def stored_phones() -> dict[str, str]:
    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT username, phone FROM {table} ORDER BY id")  # noqa: S608
        return dict(cursor.fetchall())


def rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("pii_rotate_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def users_under_old_key() -> None:
    with override_settings(PII_ENCRYPTION_KEYS=OLD):
        for number, phone in enumerate(PHONES):
            user = User.objects.create_user(username=f"u{number}")
            user_phone_set(user=user, phone=phone)
        User.objects.create_user(username="nophone")


@pytest.mark.usefixtures("users_under_old_key")
def test_it_reencrypts_with_the_new_key_so_the_old_one_can_go() -> None:
    assert {crypto.key_id_of(v) for v in stored_phones().values() if v} == {"old"}
    with override_settings(PII_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        output = rotate("--batch-size", "2")
    assert "accounts.user: 3 rows re-encrypted, 1 already current" in output
    stored = stored_phones()
    assert stored["nophone"] == ""
    assert {crypto.key_id_of(v) for v in stored.values() if v} == {"new"}
    with override_settings(PII_ENCRYPTION_KEYS=NEW):
        phones = {u.username: u.phone for u in User.objects.all()}
    assert phones == {
        "u0": "01011112222", "u1": "021234567", "u2": "0317654321", "nophone": "",
    }


@pytest.mark.usefixtures("users_under_old_key")
def test_it_changes_nothing_on_a_second_run() -> None:
    with override_settings(PII_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        rotate()
        before = stored_phones()
        output = rotate()
    assert "accounts.user: 0 rows re-encrypted, 4 already current" in output
    assert stored_phones() == before


@pytest.mark.usefixtures("users_under_old_key")
def test_it_counts_without_changing_on_a_dry_run() -> None:
    before = stored_phones()
    with override_settings(PII_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        output = rotate("--dry-run")
    assert "accounts.user: 3 rows to re-encrypt" in output
    assert stored_phones() == before


@pytest.mark.usefixtures("users_under_old_key")
def test_it_stops_with_a_clear_error_when_a_key_was_dropped_too_soon() -> None:
    with override_settings(PII_ENCRYPTION_KEYS=NEW), pytest.raises(CommandError, match="'old'"):
        rotate()
