"""Certificate numbers stay unique and gapless when several classes issue at once."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from attendance.models import Certificate
from attendance.services import attendance_mark_all, certificates_issue
from attendance.testing import finish, running_class

CLASSES = 4


@pytest.mark.django_db(transaction=True)
def test_it_numbers_certificates_without_gaps_under_concurrency(people):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("threads need a database file")
    classes = []
    for index in range(CLASSES):
        course_class, _ = running_class(people, learners=3, title=f"동시 발급 {index}")
        for session in course_class.sessions.all():
            attendance_mark_all(session=session, by=people.instructor)
        classes.append(finish(course_class))

    barrier = threading.Barrier(CLASSES)
    errors: list[BaseException] = []

    def issue(course_class):
        try:
            barrier.wait()
            certificates_issue(course_class=course_class, by=people.manager)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(c,)) for c in classes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    year = timezone.localdate().year
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [f"{year}-{n:06d}" for n in range(1, CLASSES * 3 + 1)]
