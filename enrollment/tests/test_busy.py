"""A class locked for too long: HTTP 503 "잠시 후 다시 시도해 주세요", never a 500.

The lock-timeout tests hold the lock from another connection for real: on
PostgreSQL the class row (`SELECT … FOR UPDATE`), on SQLite the database's
write lock (`BEGIN IMMEDIATE`). Each runs on the database the suite runs on
and skips on the other.
"""

import sqlite3
import threading
from collections.abc import Iterator

import pytest
from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path
from django.utils.translation import gettext as _

from accounts.testing import KEEP_REGIONS
from classes.models import CourseClass
from enrollment.locking import BUSY_MESSAGE, EnrollmentBusy
from enrollment.models import Application
from enrollment.testing import recruiting_class
from enrollment.tests.test_api import application_body, bearer, counts, post_application

# --- A page that is busy (this module is the URLconf of the page tests) -------------



def busy_page(request: HttpRequest) -> HttpResponse:
    raise EnrollmentBusy()


def locked_page(request: HttpRequest) -> HttpResponse:
    raise OperationalError("database is locked")


def broken_page(request: HttpRequest) -> HttpResponse:
    raise OperationalError("no such table: nowhere")


urlpatterns = [
    path("busy-test/enrollment/", busy_page),
    path("busy-test/locked/", locked_page),
    path("busy-test/broken/", broken_page),
    path("api/v1/busy-test/", busy_page),
    path("", include("baeumteo.urls")),
]


@pytest.fixture
def busy_urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/busy-test/enrollment/", "/busy-test/locked/"])
def test_it_answers_a_busy_page_with_503_in_korean(client, busy_urls, url):
    r = client.get(url)
    assert r.status_code == 503
    assert r["Retry-After"] == "2"
    assert "503.html" in [t.name for t in r.templates]
    page = r.content.decode()
    assert '<html lang="ko"' in page
    assert f"<h1>{_('Please try again in a moment')}</h1>" in page
    assert str(BUSY_MESSAGE) in page
    # The page keeps to the CSP: no inline scripts or styles.
    assert "<script>" not in page
    assert "style=" not in page


@pytest.mark.django_db
def test_it_answers_json_under_the_api(client, busy_urls):
    r = client.get("/api/v1/busy-test/")
    assert r.status_code == 503
    assert r["Retry-After"] == "2"
    assert r.json() == {"message": str(BUSY_MESSAGE)}


@pytest.mark.django_db
def test_it_leaves_other_database_errors_alone(busy_urls):
    client = Client(raise_request_exception=False)
    r = client.get("/busy-test/broken/")
    assert r.status_code == 500


@pytest.mark.django_db
def test_it_answers_busy_applications_with_503_and_writes_nothing(
    client, people, monkeypatch,
):
    course_class = recruiting_class(people)
    token = bearer(people.manager)

    def busy(**kwargs: object) -> None:
        raise EnrollmentBusy()

    monkeypatch.setattr("enrollment.api.application_create", busy)
    before = counts()
    r = post_application(client, course_class.pk, application_body(), token=token, key="k-1")
    assert r.status_code == 503
    assert r["Retry-After"] == "2"
    assert r.json() == {"message": str(BUSY_MESSAGE)}
    assert counts() == before
    monkeypatch.undo()
    # The client retries with the same key and gets in.
    r = post_application(client, course_class.pk, application_body(), token=token, key="k-1")
    assert r.status_code == 201


@pytest.mark.django_db
def test_it_answers_busy_cancellations_with_503(client, people, monkeypatch):
    course_class = recruiting_class(people)
    token = bearer(people.manager)
    applied = post_application(client, course_class.pk, application_body(), token=token).json()

    def busy(**kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr("enrollment.api.application_cancel", busy)
    r = client.post(
        f"/api/v1/applications/{applied['id']}/cancel", content_type="application/json",
        headers={"X-Manage-Code": applied["manage_code"]},
    )
    assert r.status_code == 503
    assert r.json()["message"] == str(BUSY_MESSAGE)


# --- The real lock timeout ----------------------------------------------------------


@pytest.fixture
def no_sms(settings):
    settings.ENROLLMENT_PHONE_VERIFICATION = False


def _apply_while_locked(client: Client, course_class: CourseClass, token: str | None) -> None:
    before = counts()
    r = post_application(client, course_class.pk, application_body(), token=token, key="k-1")
    assert r.status_code == 503, r.content
    assert r["Retry-After"] == "2"
    assert r.json()["message"] == str(BUSY_MESSAGE)
    assert counts() == before


class RowLock:
    """Another connection holds a class row with SELECT … FOR UPDATE until `release()`."""

    def __init__(self, course_class: CourseClass) -> None:
        self.course_class = course_class
        self.locked, self.released = threading.Event(), threading.Event()
        self.holder = threading.Thread(target=self._hold)
        self.holder.start()
        assert self.locked.wait(10)

    def _hold(self) -> None:
        try:
            with transaction.atomic():
                CourseClass.objects.select_for_update().get(pk=self.course_class.pk)
                self.locked.set()
                self.released.wait(30)
        finally:
            connection.close()

    def release(self) -> None:
        self.released.set()
        self.holder.join()


@pytest.fixture
def pg_class_locked(people, settings) -> Iterator[RowLock]:
    if connection.vendor != "postgresql":
        pytest.skip("the row-lock timeout is PostgreSQL's; SQLite has its own test")
    settings.ENROLLMENT_LOCK_TIMEOUT_MS = 100
    lock = RowLock(recruiting_class(people))
    try:
        yield lock
    finally:
        lock.release()


@pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)
@pytest.mark.parametrize("caller", ["staff", "public"])
def test_it_answers_503_when_the_class_row_stays_locked_on_postgresql(
    people, no_sms, caller, request,
):
    token = bearer(people.manager) if caller == "staff" else None
    lock = request.getfixturevalue("pg_class_locked")
    _apply_while_locked(Client(), lock.course_class, token)


@pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)
def test_it_lets_the_retry_in_once_the_lock_is_gone_on_postgresql(no_sms, pg_class_locked):
    client = Client()
    body = application_body()
    r = post_application(client, pg_class_locked.course_class.pk, body, key="k-1")
    assert r.status_code == 503
    pg_class_locked.release()
    r = post_application(client, pg_class_locked.course_class.pk, body, key="k-1")
    assert r.status_code == 201
    assert Application.objects.count() == 1


@pytest.fixture
def sqlite_write_locked(people, settings) -> Iterator[CourseClass]:
    """A class, and the database's write lock held by another sqlite3 connection."""
    if connection.vendor != "sqlite":
        pytest.skip("the write-lock timeout is SQLite's; PostgreSQL has its own test")
    course_class = recruiting_class(people)
    name = connection.settings_dict["NAME"]
    # The test database is usually a shared in-memory one (a URI); a file otherwise.
    other = sqlite3.connect(name, uri=str(name).startswith("file:"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 100")  # wait 0.1 s, not 20 s
    try:
        yield course_class
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 20000")


@pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)
@pytest.mark.parametrize("caller", ["staff", "public"])
def test_it_answers_503_when_the_database_stays_locked_on_sqlite(
    people, no_sms, caller, request,
):
    # The token is made before the lock: making it writes.
    token = bearer(people.manager) if caller == "staff" else None
    course_class = request.getfixturevalue("sqlite_write_locked")
    _apply_while_locked(Client(), course_class, token)


# --- Outside the views: handler500 ----------------------------------------------------


class LockedSessionMiddleware:
    """Raises as SessionMiddleware does when it saves to a locked database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.get_response(request)
        raise OperationalError("database is locked")


class BrokenMiddleware(LockedSessionMiddleware):
    def __call__(self, request):
        self.get_response(request)
        raise OperationalError("disk I/O error")


@pytest.mark.django_db
def test_it_answers_503_for_a_lock_error_in_a_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.LockedSessionMiddleware"]
    r = Client(raise_request_exception=False).get("/about/")
    assert r.status_code == 503
    assert r["Retry-After"] == "2"
    assert str(BUSY_MESSAGE) in r.content.decode()


@pytest.mark.django_db
def test_it_keeps_other_middleware_errors_500(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.BrokenMiddleware"]
    r = Client(raise_request_exception=False).get("/about/")
    assert r.status_code == 500
