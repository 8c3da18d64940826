"""Certificate numbers stay unique and gapless when several classes issue at once."""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from accounts.testing import KEEP_REGIONS
from attendance.models import Certificate
from attendance.services import attendance_mark_all, certificates_issue
from attendance.testing import finish, running_class
from enrollment.locking import EnrollmentBusy

CLASSES = 4

pytestmark = pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)


def test_it_numbers_certificates_without_gaps_under_concurrency(threads_db):
    people = threads_db
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
            connection.ensure_connection()
            barrier.wait(timeout=60)
            while True:
                try:
                    certificates_issue(course_class=course_class, by=people.manager)
                    return
                except EnrollmentBusy:  # the user is asked to try again
                    time.sleep(0.02)
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
