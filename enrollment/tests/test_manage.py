"""The learner's application page: code + phone, status, cancel, accept an offer."""

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from enrollment import views
from enrollment.models import Application, ApplicationStatus
from enrollment.testing import apply, recruiting_class
from notifications.models import MessageKind, OutboxMessage

pytestmark = pytest.mark.django_db

MANAGE = reverse("enrollment-manage")
PHONE = "01031112222"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def open_page(client, code, phone=PHONE):
    return client.post(MANAGE, {"code": code, "phone": phone})


def test_it_opens_the_application_with_the_code_and_phone(people, client):
    course_class = recruiting_class(people)
    applied = apply(course_class, phone=PHONE)
    assert client.get(MANAGE).context.get("application") is None
    response = open_page(client, applied.manage_code.lower().replace("-", " "), "010-3111-2222")
    assert response.status_code == 302 and response["Location"] == MANAGE
    page = client.get(MANAGE)
    assert page.context["application"] == applied.application
    body = page.content.decode()
    assert course_class.course.title in body
    assert "김영희" not in body  # the name is masked
    assert applied.manage_code not in body


def test_it_never_puts_the_code_in_the_address(people, client):
    course_class = recruiting_class(people)
    applied = apply(course_class, phone=PHONE)
    response = client.get(MANAGE, {"code": applied.manage_code, "phone": PHONE})
    assert response.context.get("application") is None


def test_it_refuses_a_wrong_phone_or_code(people, client):
    course_class = recruiting_class(people)
    applied = apply(course_class, phone=PHONE)
    response = open_page(client, applied.manage_code, "010-9999-0000")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    response = open_page(client, "AAAA-BBBB")
    assert response.status_code == 400
    assert client.get(MANAGE).context.get("application") is None


def test_it_stops_guessing_after_too_many_wrong_tries(people, client):
    course_class = recruiting_class(people)
    applied = apply(course_class, phone=PHONE)
    for _ in range(views.MANAGE_MAX_FAILURES):
        assert open_page(client, "AAAA-BBBB").status_code == 400
    # Now even the right code is refused, from this address, for a while.
    response = open_page(client, applied.manage_code)
    assert response.status_code == 429
    assert response.context["locked"]
    assert client.get(MANAGE).context.get("application") is None
    # Another address is not affected.
    assert open_page(client, applied.manage_code).status_code == 429
    other = client.__class__(REMOTE_ADDR="10.0.0.2")
    response = other.post(MANAGE, {"code": applied.manage_code, "phone": PHONE})
    assert response.status_code == 302


def test_it_shows_the_waiting_list_position(people, client):
    course_class = recruiting_class(people, capacity=1)
    apply(course_class)
    apply(course_class)
    applied = apply(course_class, phone=PHONE)
    open_page(client, applied.manage_code)
    page = client.get(MANAGE)
    assert page.context["position"] == 2


def test_it_cancels_after_a_confirmation_screen_and_promotes_the_next(people, client):
    course_class = recruiting_class(people, capacity=1)
    applied = apply(course_class, phone=PHONE)
    waiting = apply(course_class).application
    open_page(client, applied.manage_code)
    confirm = client.get(reverse("enrollment-manage-cancel"))
    assert confirm.status_code == 200
    applied.application.refresh_from_db()
    assert applied.application.status == ApplicationStatus.CONFIRMED  # the GET changed nothing
    response = client.post(reverse("enrollment-manage-cancel"), {"reason": "몸이 아파서"})
    assert response["Location"] == MANAGE
    applied.application.refresh_from_db()
    waiting.refresh_from_db()
    assert applied.application.status == ApplicationStatus.CANCELLED
    assert applied.application.cancel_reason == "몸이 아파서"
    assert waiting.status == ApplicationStatus.CONFIRMED
    assert OutboxMessage.objects.filter(application=waiting, kind=MessageKind.PROMOTED).exists()
    page = client.get(MANAGE)
    assert page.context["can_cancel"] is False


def test_it_accepts_an_offered_seat(people, client):
    course_class = recruiting_class(people, capacity=1, offer_hours=24)
    first = apply(course_class)
    applied = apply(course_class, phone=PHONE)
    from enrollment.services import application_cancel

    application_cancel(application=first.application, by=None)
    applied.application.refresh_from_db()
    assert applied.application.status == ApplicationStatus.OFFERED
    open_page(client, applied.manage_code)
    assert client.get(MANAGE).context["can_accept"] is True
    response = client.post(reverse("enrollment-manage-accept"))
    assert response["Location"] == MANAGE
    applied.application.refresh_from_db()
    assert applied.application.status == ApplicationStatus.CONFIRMED


def test_it_explains_an_expired_offer(people, client):
    course_class = recruiting_class(people, capacity=1, offer_hours=24)
    first = apply(course_class)
    applied = apply(course_class, phone=PHONE)
    from enrollment.services import application_cancel

    application_cancel(application=first.application, by=None)
    Application.objects.filter(pk=applied.application.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1),
    )
    open_page(client, applied.manage_code)
    client.post(reverse("enrollment-manage-accept"))
    applied.application.refresh_from_db()
    assert applied.application.status == ApplicationStatus.OFFERED
    messages = [str(m) for m in client.get(MANAGE).context["messages"]]
    assert messages


def test_it_does_nothing_without_an_opened_application(people, client):
    course_class = recruiting_class(people)
    applied = apply(course_class, phone=PHONE)
    assert client.get(reverse("enrollment-manage-cancel"))["Location"] == MANAGE
    assert client.post(reverse("enrollment-manage-cancel"))["Location"] == MANAGE
    assert client.post(reverse("enrollment-manage-accept"))["Location"] == MANAGE
    applied.application.refresh_from_db()
    assert applied.application.status == ApplicationStatus.CONFIRMED


def test_it_closes_the_page_after_a_while(people, client, monkeypatch):
    course_class = recruiting_class(people)
    applied = apply(course_class, phone=PHONE)
    open_page(client, applied.manage_code)
    later = time.time() + views.MANAGE_OPEN_SECONDS + 1
    monkeypatch.setattr(views, "time", SimpleNamespace(time=lambda: later))
    assert client.get(MANAGE).context.get("application") is None


def test_it_closes_the_page(people, client):
    course_class = recruiting_class(people)
    applied = apply(course_class, phone=PHONE)
    open_page(client, applied.manage_code)
    client.post(reverse("enrollment-manage-leave"))
    assert client.get(MANAGE).context.get("application") is None


def test_it_answers_busy_with_503(people, client, monkeypatch):
    from enrollment.locking import EnrollmentBusy

    course_class = recruiting_class(people)
    applied = apply(course_class, phone=PHONE)
    open_page(client, applied.manage_code)

    def busy(**kwargs):
        raise EnrollmentBusy()

    monkeypatch.setattr(views, "application_cancel", busy)
    response = client.post(reverse("enrollment-manage-cancel"), {"reason": ""})
    assert response.status_code == 503
