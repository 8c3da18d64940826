"""Staff phone numbers: the first personal data stored encrypted."""

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection

from accounts.models import User
from accounts.selectors import user_find_by_phone
from accounts.services import user_phone_set
from audit.models import AuditEntry
from privacy import crypto

pytestmark = pytest.mark.django_db


def raw_row(user: User) -> dict[str, object]:
    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [user.pk])  # noqa: S608
        columns = [column[0] for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


@pytest.fixture
def minji() -> User:
    user = User.objects.create_user(username="minji", first_name="민지", last_name="김")
    user_phone_set(user=user, phone="010-9876-5432")
    return user


def test_it_stores_no_plaintext_phone_in_the_users_table(minji: User) -> None:
    row = raw_row(minji)
    everything = " ".join(str(value) for value in row.values())
    for fragment in ("01098765432", "010-9876-5432", "98765432", "9876-5432"):
        assert fragment not in everything
    # Neither does the encrypted column or its index carry the owner's name.
    for column in ("phone", "phone_index"):
        assert "민지" not in str(row[column]) and "minji" not in str(row[column])
    assert str(row["phone"]).startswith("v1:dev:")
    assert len(str(row["phone_index"])) == 64


def test_it_reads_the_phone_back(minji: User) -> None:
    assert User.objects.get(pk=minji.pk).phone == "01098765432"


def test_it_binds_the_stored_phone_to_its_column(minji: User) -> None:
    stored = str(raw_row(minji)["phone"])
    assert crypto.decrypt(stored, context="accounts.user.phone") == "01098765432"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="accounts.user.first_name")


def test_it_fails_loudly_on_a_tampered_stored_phone(minji: User) -> None:
    stored = str(raw_row(minji)["phone"])
    flipped = stored[:-2] + ("A" if stored[-2] != "A" else "B") + stored[-1]
    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET phone = %s WHERE id = %s",  # noqa: S608
            [flipped, minji.pk],
        )
    with pytest.raises(crypto.DecryptionError):
        User.objects.get(pk=minji.pk)


def test_it_finds_a_user_by_phone_in_any_spelling(minji: User) -> None:
    other = User.objects.create_user(username="other")
    user_phone_set(user=other, phone="010-1111-2222")
    assert list(user_find_by_phone("01098765432")) == [minji]
    assert list(user_find_by_phone("+82 10 9876 5432")) == [minji]
    assert list(user_find_by_phone("010-9876-5433")) == []
    assert list(user_find_by_phone("not a phone")) == []
    assert list(user_find_by_phone("")) == []


def test_it_clears_the_phone_and_its_index(minji: User) -> None:
    user_phone_set(user=minji, phone="")
    row = raw_row(minji)
    assert row["phone"] == "" and row["phone_index"] == ""
    assert list(user_find_by_phone("010-9876-5432")) == []


def test_it_refuses_a_phone_that_is_not_korean(minji: User) -> None:
    with pytest.raises(ValidationError):
        user_phone_set(user=minji, phone="555-0100")
    minji.refresh_from_db()
    assert minji.phone == "01098765432"


def test_it_audits_a_phone_change_without_the_number(minji: User) -> None:
    admin = User.objects.create_user(username="boss")
    user_phone_set(user=minji, phone="010-2222-3333", changed_by=admin)
    entry = AuditEntry.objects.get(action="user.phone_set", actor=admin)
    assert entry.target_id == str(minji.pk)
    assert "2222" not in str(entry.data)


def test_it_refuses_lookups_on_the_encrypted_column(minji: User) -> None:
    # Written as **kwargs: the django-stubs plugin asks the field for these lookups too.
    with pytest.raises(FieldError, match="blind index"):
        User.objects.filter(**{"phone": "01098765432"}).exists()
    with pytest.raises(FieldError, match="icontains"):
        User.objects.filter(**{"phone__icontains": "9876"}).exists()
    with pytest.raises(FieldError):
        User.objects.filter(**{"phone__lower": "x"}).exists()
    assert User.objects.filter(phone__isnull=False, pk=minji.pk).exists()


def test_it_keeps_an_empty_phone_empty() -> None:
    user = User.objects.create_user(username="nophone")
    assert raw_row(user)["phone"] == ""
    assert User.objects.get(pk=user.pk).phone == ""
