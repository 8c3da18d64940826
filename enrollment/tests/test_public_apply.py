"""Applying online without an account: who → agreement → code → done."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from classes.models import ClassStatus, CourseClass
from enrollment.models import Application, ApplicationStatus
from enrollment.services import manage_code_hash
from enrollment.testing import apply, recruiting_class
from learners.models import Channel, Consent, ConsentKind, Learner, PhoneVerification
from learners.services import ConsentGiven, consent_clean, learner_data_clean
from notifications.models import MessageKind, OutboxMessage

pytestmark = pytest.mark.django_db

PHONE = "010-2345-6789"
WHO = {"who": "self", "name": "김순자", "phone": PHONE, "birth_year": "1948", "sex": "female"}
WHO_CLEAN = {key: WHO[key] for key in ("name", "phone", "birth_year", "sex")}


def urls(course_class):
    pk = course_class.pk
    return {
        "who": reverse("finder-apply", args=[pk]),
        "consent": reverse("enrollment-apply-consent", args=[pk]),
        "code": reverse("enrollment-apply-code", args=[pk]),
        "done": reverse("enrollment-apply-done", args=[pk]),
        "already": reverse("enrollment-apply-duplicate", args=[pk]),
    }


def last_code() -> str:
    message = OutboxMessage.objects.filter(kind=MessageKind.VERIFICATION).order_by("-id").first()
    assert message is not None, "no code was sent"
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found, message.body
    return found.group(1)


def nothing_written() -> bool:
    return not (
        Learner.objects.exists() or Application.objects.exists() or Consent.objects.exists()
    )


def to_code_screen(client: Client, course_class: CourseClass, **who: str) -> None:
    u = urls(course_class)
    response = client.post(u["who"], {**WHO, **who})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == u["consent"]
    response = client.post(u["consent"], {"personal_info": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == u["code"]


def test_it_applies_in_three_screens_with_the_sms_code(people, client):
    course_class = recruiting_class(people, capacity=2)
    u = urls(course_class)
    assert client.get(u["who"]).status_code == 200
    to_code_screen(client, course_class)
    assert nothing_written()
    screen = client.get(u["code"])
    assert "010-****-6789" in screen.content.decode() or "6789" in screen.content.decode()

    response = client.post(u["code"], {"code": last_code()})
    assert response.status_code == 302
    assert response["Location"] == u["done"]
    application = Application.objects.get()
    assert application.status == ApplicationStatus.CONFIRMED
    assert application.channel == Channel.ONLINE
    assert application.learner.name == "김순자"
    assert application.learner.phone == "01023456789"
    assert PhoneVerification.objects.get().used_at is not None
    consent = Consent.objects.get()
    assert consent.kind == ConsentKind.PERSONAL_INFO and consent.proxy_name == ""

    done = client.get(u["done"]).content.decode()
    code = re.search(r'class="manage-code">([A-Z0-9]{4}-[A-Z0-9]{4})<', done)
    assert code, done
    assert Application.objects.get(manage_code_hash=manage_code_hash(code.group(1)))
    assert "확정" in done or "confirmed" in done.lower()
    # Shown once: the page again has no code.
    assert 'class="manage-code"' not in client.get(u["done"]).content.decode()
    # The draft is gone: the first screen starts empty.
    assert "김순자" not in client.get(u["who"]).content.decode()


def test_it_keeps_the_draft_out_of_the_page_and_encrypted_in_the_session(people, client):
    course_class = recruiting_class(people)
    client.post(urls(course_class)["who"], WHO)
    consent_page = client.get(urls(course_class)["consent"]).content.decode()
    assert 'type="hidden" name="name"' not in consent_page
    stored = str(dict(client.session.items()))
    assert "김순자" not in stored and "01023456789" not in stored


def test_it_skips_the_code_when_verification_is_off(people, client, settings):
    settings.ENROLLMENT_PHONE_VERIFICATION = False
    course_class = recruiting_class(people)
    u = urls(course_class)
    client.post(u["who"], WHO)
    assert client.get(u["consent"]).context["steps"] == 2
    response = client.post(u["consent"], {"personal_info": "on"})
    assert response["Location"] == u["done"]
    assert Application.objects.get().status == ApplicationStatus.CONFIRMED
    assert not OutboxMessage.objects.filter(kind=MessageKind.VERIFICATION).exists()
    client.post(u["who"], {**WHO, "name": "김철수"})
    assert client.get(u["code"])["Location"] == u["consent"]


def test_it_records_an_application_on_someone_elses_behalf(people, client):
    course_class = recruiting_class(people)
    to_code_screen(
        client, course_class, who="proxy", proxy_relationship="social_worker",
        proxy_name="박복지", proxy_phone="010 5555 6666", learner_agreed="on",
    )
    client.post(urls(course_class)["code"], {"code": last_code()})
    application = Application.objects.get()
    assert application.channel == Channel.PROXY
    consent = Consent.objects.get()
    assert consent.proxy_name == "박복지"
    assert consent.proxy_phone == "01055556666"
    assert consent.proxy_relationship == "social_worker"
    # The helper gets the application code too.
    assert OutboxMessage.objects.filter(
        kind=MessageKind.RECEIVED, application=application,
    ).get().phone == "01055556666"


def test_it_sends_the_code_to_the_helper_when_the_learner_has_a_landline(people, client):
    course_class = recruiting_class(people)
    to_code_screen(
        client, course_class, phone="02-555-1234", who="proxy", proxy_relationship="family",
        proxy_name="이딸", proxy_phone="010-7777-8888", learner_agreed="on",
    )
    assert OutboxMessage.objects.get(kind=MessageKind.VERIFICATION).phone == "01077778888"
    client.post(urls(course_class)["code"], {"code": last_code()})
    assert Application.objects.get().learner.phone == "025551234"


def test_it_refuses_a_landline_without_a_helper_before_sending_anything(people, client):
    course_class = recruiting_class(people)
    response = client.post(urls(course_class)["who"], {**WHO, "phone": "02-555-1234"})
    assert response.status_code == 200
    assert "휴대전화" in response.content.decode() or "010" in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_it_asks_a_helper_for_their_details_and_the_learners_agreement(people, client):
    course_class = recruiting_class(people)
    response = client.post(urls(course_class)["who"], {**WHO, "who": "proxy"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"proxy_relationship", "proxy_name", "proxy_phone", "learner_agreed"}


@pytest.mark.parametrize("name", ["김 순자", "Mary Jane Smith", "Nguyễn Thị Hồng", "O'Brien-Lee"])
def test_it_accepts_names_of_every_kind(people, client, settings, name):
    settings.ENROLLMENT_PHONE_VERIFICATION = False
    course_class = recruiting_class(people)
    u = urls(course_class)
    assert client.post(u["who"], {**WHO, "name": name})["Location"] == u["consent"]
    client.post(u["consent"], {"personal_info": "on"})
    assert Application.objects.get().learner.name == name


@pytest.mark.parametrize(("field", "value"), [
    ("name", "김순자😀"),
    ("name", "가" * 500),
    ("name", ""),
    ("phone", "12345"),
    ("phone", "010-1234-567a"),
    ("phone", ""),
    ("birth_year", "1890"),
    ("birth_year", str(timezone.localdate().year + 1)),
    ("birth_year", "abc"),
])
def test_it_refuses_bad_details_next_to_the_field_and_writes_nothing(
    people, client, field, value,
):
    course_class = recruiting_class(people)
    response = client.post(urls(course_class)["who"], {**WHO, field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    # The service's own message (Korean through the catalogue), next to the field.
    try:
        learner_data_clean(**{**WHO_CLEAN, field: value})
    except ValidationError as error:
        assert errors[field] == error.message_dict[field]
    else:
        pytest.fail(f"{field}={value!r} passed the service's checks")
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert f'href="#id_{field}_error"' in page  # the summary at the top links to it
    assert 'aria-invalid="true"' in page
    assert nothing_written()
    assert not OutboxMessage.objects.exists()


def test_it_refuses_without_consent_in_korean_and_writes_nothing(people, client):
    course_class = recruiting_class(people)
    u = urls(course_class)
    client.post(u["who"], WHO)
    response = client.post(u["consent"], {})
    assert response.status_code == 200
    message = response.context["form"].errors["personal_info"][0]
    with pytest.raises(ValidationError) as refused:
        consent_clean(ConsentGiven(personal_info=False))
    assert message == refused.value.messages[0]
    assert nothing_written()
    assert not OutboxMessage.objects.exists()


def test_it_refuses_disability_information_without_its_own_consent(people, client):
    course_class = recruiting_class(people)
    u = urls(course_class)
    client.post(u["who"], WHO)
    response = client.post(u["consent"], {"personal_info": "on", "disability": "registered"})
    assert "sensitive_info" in response.context["form"].errors
    assert not PhoneVerification.objects.exists()


def test_it_keeps_the_disability_status_with_its_own_consent(people, client):
    course_class = recruiting_class(people)
    u = urls(course_class)
    client.post(u["who"], WHO)
    client.post(u["consent"], {
        "personal_info": "on", "sensitive_info": "on", "disability": "registered",
    })
    client.post(u["code"], {"code": last_code()})
    learner = Learner.objects.get()
    assert learner.disability == "registered"
    assert set(Consent.objects.values_list("kind", flat=True)) == {
        ConsentKind.PERSONAL_INFO, ConsentKind.SENSITIVE_INFO,
    }


def test_it_refuses_a_wrong_code_and_writes_nothing(people, client):
    course_class = recruiting_class(people)
    to_code_screen(client, course_class)
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(urls(course_class)["code"], {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        str(_("The code is not right. Please check the message.")),
    ]
    assert nothing_written()
    assert PhoneVerification.objects.get().attempts == 1


def test_it_refuses_an_expired_code(people, client):
    course_class = recruiting_class(people)
    to_code_screen(client, course_class)
    PhoneVerification.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(urls(course_class)["code"], {"code": last_code()})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        str(_("The code has expired. Please ask for a new one.")),
    ]
    assert nothing_written()


def test_it_sends_a_new_code_on_request(people, client):
    course_class = recruiting_class(people)
    to_code_screen(client, course_class)
    first = PhoneVerification.objects.get()
    response = client.post(urls(course_class)["code"], {"resend": "1"})
    assert response.status_code == 302
    assert PhoneVerification.objects.count() == 2
    client.post(urls(course_class)["code"], {"code": last_code()})
    assert Application.objects.count() == 1
    first.refresh_from_db()
    assert first.used_at is None


def test_it_puts_a_late_applicant_on_the_waiting_list(people, client):
    course_class = recruiting_class(people, capacity=1)
    apply(course_class)
    page = client.get(reverse("finder-class", args=[course_class.pk])).content.decode()
    assert "대기" in page or "waiting list" in page
    to_code_screen(client, course_class)
    client.post(urls(course_class)["code"], {"code": last_code()})
    mine = Application.objects.get(learner__created_channel=Channel.ONLINE, channel=Channel.ONLINE,
                                   created_by=None, status=ApplicationStatus.WAITLISTED)
    done = client.get(urls(course_class)["done"])
    assert done.context["position"] == 1
    assert done.context["application"] == mine


def test_it_gives_a_priority_group_its_place_on_the_waiting_list(people, client, settings):
    settings.ENROLLMENT_PHONE_VERIFICATION = False
    course_class = recruiting_class(people, capacity=1, waitlist_priority=True)
    apply(course_class)
    apply(course_class, target_groups=[])  # waiting, no priority
    u = urls(course_class)
    client.post(u["who"], {**WHO, "target_groups": ["seniors", "farmers_fishers"]})
    client.post(u["consent"], {"personal_info": "on"})
    mine = Application.objects.get(learner__birth_year=1948)  # the builders' are born 1950
    assert mine.learner.target_groups == ["seniors", "farmers_fishers"]
    assert client.get(u["done"]).context["position"] == 1


def test_it_refuses_disability_as_a_plain_target_group(people, client):
    course_class = recruiting_class(people)
    response = client.post(urls(course_class)["who"], {**WHO, "target_groups": ["disabled"]})
    assert "target_groups" in response.context["form"].errors
    assert nothing_written()


def test_it_refuses_a_closed_class_with_the_reason_and_the_centres_phone(people, client):
    course_class = recruiting_class(people)
    CourseClass.objects.filter(pk=course_class.pk).update(status=ClassStatus.CANCELLED)
    detail = client.get(reverse("finder-class", args=[course_class.pk])).content.decode()
    assert "button-apply" not in detail
    assert "폐강" in detail  # "This class has been cancelled." in Korean
    response = client.get(urls(course_class)["who"])
    assert response.status_code == 200
    assert response.context["reason"]
    assert 'name="name"' not in response.content.decode()
    response = client.post(urls(course_class)["who"], WHO)
    assert "form" not in (response.context or {})
    assert nothing_written()


def test_it_refuses_when_the_class_closes_between_the_screens(people, client, settings):
    settings.ENROLLMENT_PHONE_VERIFICATION = False
    course_class = recruiting_class(people)
    u = urls(course_class)
    client.post(u["who"], WHO)
    CourseClass.objects.filter(pk=course_class.pk).update(
        registration_closes=timezone.localdate() - timedelta(days=1),
    )
    response = client.post(u["consent"], {"personal_info": "on"})
    assert response.context["reason"]
    assert nothing_written()


def test_it_shows_a_friendly_page_for_a_second_application(people, client, settings):
    # Without the code the first screen says so at once (the last would anyway).
    settings.ENROLLMENT_PHONE_VERIFICATION = False
    course_class = recruiting_class(people)
    apply(course_class, name="김순자", phone="01023456789")
    response = client.post(urls(course_class)["who"], WHO)
    assert response["Location"] == urls(course_class)["already"]
    page = client.get(response["Location"]).content.decode()
    assert reverse("enrollment-manage") in page
    assert not OutboxMessage.objects.filter(kind=MessageKind.VERIFICATION).exists()
    assert Application.objects.count() == 1


def test_it_catches_a_duplicate_made_while_the_code_was_typed(people, client):
    course_class = recruiting_class(people)
    to_code_screen(client, course_class)
    apply(course_class, name="김순자", phone="01023456789")  # e.g. staff took a call meanwhile
    response = client.post(urls(course_class)["code"], {"code": last_code()})
    assert response["Location"] == urls(course_class)["already"]
    assert Application.objects.count() == 1
    # The code was not spent on the refused application.
    assert PhoneVerification.objects.get().used_at is None


def test_it_answers_busy_with_503_and_keeps_the_draft(people, client, monkeypatch):
    from enrollment import views
    from enrollment.locking import EnrollmentBusy

    course_class = recruiting_class(people)
    to_code_screen(client, course_class)
    code = last_code()

    def busy(**kwargs):
        raise EnrollmentBusy()

    monkeypatch.setattr(views, "application_create", busy)
    response = client.post(urls(course_class)["code"], {"code": code})
    assert response.status_code == 503
    assert "잠시 후" in response.content.decode() or "moment" in response.content.decode()
    assert PhoneVerification.objects.get().used_at is None
    monkeypatch.undo()
    response = client.post(urls(course_class)["code"], {"code": code})
    assert response["Location"] == urls(course_class)["done"]
    assert Application.objects.count() == 1


def test_it_starts_over_when_screens_are_opened_out_of_order(people, client):
    course_class = recruiting_class(people)
    u = urls(course_class)
    assert client.get(u["consent"])["Location"] == u["who"]
    assert client.get(u["code"])["Location"] == u["who"]
    assert client.get(u["done"])["Location"] == reverse("finder-class", args=[course_class.pk])


def test_it_shows_the_privacy_notice(client, db):
    response = client.get(reverse("enrollment-privacy-notice"))
    assert response.status_code == 200
    assert "2026-11" in response.content.decode()
