"""Transactions that lock a class row, and what happens when the lock is busy.

See docs/enrollment.md. On PostgreSQL a transaction waits at most
ENROLLMENT_LOCK_TIMEOUT_MS for a class's row lock; on SQLite every
transaction is BEGIN IMMEDIATE and waits for the database's write lock up to
the busy timeout. Either way a wait that runs out becomes `EnrollmentBusy`,
which views and the API answer with HTTP 503 "잠시 후 다시 시도해 주세요".
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext_lazy as _

BUSY_MESSAGE = _("Many people are applying right now. Please try again in a moment.")

# PostgreSQL SQLSTATEs that mean "the lock was not granted in time" or
# "another transaction got in the way": lock_not_available, deadlock_detected,
# serialization_failure, query_canceled (statement_timeout).
_PG_BUSY_STATES = {"55P03", "40P01", "40001", "57014"}


class EnrollmentBusy(Exception):
    """The class is locked by other transactions for longer than we wait."""

    message = BUSY_MESSAGE


def is_lock_error(error: BaseException) -> bool:
    cause = error.__cause__ or error
    state = getattr(cause, "sqlstate", None)
    if state in _PG_BUSY_STATES:
        return True
    text = str(error).lower()
    return "database is locked" in text or "database table is locked" in text


@contextmanager
def locking_transaction() -> Iterator[None]:
    """`transaction.atomic()` with a bounded wait for locks; busy → EnrollmentBusy."""
    outermost = not getattr(connection, "_enrollment_lock_timeout_set", False)
    try:
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # SET LOCAL: ends with this transaction (a nested
                    # locking_transaction, e.g. the API's around a service's,
                    # has it already).
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, true)",
                        [f"{int(settings.ENROLLMENT_LOCK_TIMEOUT_MS)}ms"],
                    )
                connection._enrollment_lock_timeout_set = True  # type: ignore[attr-defined]
            yield
    except OperationalError as error:
        if is_lock_error(error):
            raise EnrollmentBusy() from error
        raise
    finally:
        if outermost:
            connection._enrollment_lock_timeout_set = False  # type: ignore[attr-defined]
