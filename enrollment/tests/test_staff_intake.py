"""The phone and walk-in intake: find by phone, pick the class, confirm, read out."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.testing import People
from audit.models import AuditEntry
from enrollment.models import Application, ApplicationStatus
from enrollment.testing import apply, recruiting_class
from learners.models import Consent, ConsentKind, Learner
from privacy.models import AccessLog

pytestmark = pytest.mark.django_db

URL = "/staff/enrollment/new/"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def details(course_class: Any, **changes: Any) -> dict[str, Any]:
    values = {
        "step": "details", "phone": "01055551234", "learner": "new", "name": "김영희",
        "birth_year": "1948", "sex": "female", "course_class": str(course_class.pk),
        "channel": "phone", "consent_personal_info": "on",
    }
    values.update(changes)
    return values


def intake(client: Client, course_class: Any, **changes: Any) -> Any:
    """Step 2 then step 3 (confirm) as the browser posts them."""
    data = details(course_class, **changes)
    r = client.post(URL, data)
    assert r.status_code == 200, r.content.decode()
    assert "Confirm the application" in r.content.decode() or "신청 확정" in r.content.decode()
    data["step"] = "confirm"
    return client.post(URL, data)


@pytest.mark.parametrize("channel", ["phone", "walk_in"])
def test_it_takes_an_application_under_each_channel(people: People, channel: str) -> None:
    course_class = recruiting_class(people, capacity=1)
    client = client_for(people.manager)
    r = intake(client, course_class, channel=channel)
    application = Application.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse("enrollment-staff-intake-done", args=[application.pk])
    assert application.channel == channel
    assert application.status == ApplicationStatus.CONFIRMED
    assert application.created_by == people.manager
    consent = Consent.objects.get()
    assert consent.kind == ConsentKind.PERSONAL_INFO and consent.channel == channel
    assert consent.recorded_by == people.manager
    done = client.get(r["Location"]).content.decode()
    assert application.learner.name == "김영희"
    # The management code is shown to be read out.
    assert Application.objects.filter(pk=application.pk).exists()
    from enrollment.staff_views import CODE_CONTEXT
    from privacy.crypto import decrypt

    code = decrypt(client.session["enrollment_intake_result"]["code"], context=CODE_CONTEXT)
    assert code in done


def test_it_puts_a_learner_on_the_waiting_list_and_says_the_number(people: People) -> None:
    course_class = recruiting_class(people, capacity=1)
    apply(course_class)
    apply(course_class)
    client = client_for(people.manager)
    r = intake(client, course_class)
    done = client.get(r["Location"]).content.decode()
    application = Application.objects.get(created_by=people.manager)
    assert application.status == ApplicationStatus.WAITLISTED
    assert "2" in done and ("waiting list" in done or "대기" in done)


@pytest.mark.parametrize("typed", ["010 1234 5678", "+82 10-1234-5678", "01012345678"])
def test_it_finds_an_existing_learner_by_phone_in_any_format(people: People, typed: str) -> None:
    course_class = recruiting_class(people, capacity=5)
    existing = apply(course_class, name="김순희", phone="010-1234-5678", birth_year=1948)
    other_class = recruiting_class(people, capacity=5)
    client = client_for(people.manager)
    r = client.post(URL, {"step": "phone", "phone": typed})
    page = r.content.decode()
    assert r.status_code == 200
    assert "김*희" in page and "1948" in page
    assert "김순희" not in page  # masked
    learner = existing.application.learner
    entry = AccessLog.objects.get(action="search")
    assert entry.subject_id == str(learner.pk) and entry.actor == people.manager
    # Picking the match applies the same learner: no second record.
    r = intake(client, other_class, phone="01012345678", learner=str(learner.pk),
               name="", birth_year="")
    assert r.status_code == 302
    assert Learner.objects.count() == 1
    assert Application.objects.filter(learner=learner).count() == 2


def test_it_refuses_a_learner_not_matching_the_phone(people: People) -> None:
    course_class = recruiting_class(people, capacity=5)
    stranger = apply(course_class, phone="01099990000").application.learner
    client = client_for(people.manager)
    r = client.post(URL, details(course_class, learner=str(stranger.pk), step="confirm"))
    assert r.status_code == 200
    assert Application.objects.count() == 1


def test_it_refuses_without_consent_and_writes_nothing(people: People) -> None:
    course_class = recruiting_class(people)
    data = details(course_class, step="confirm")
    del data["consent_personal_info"]
    r = client_for(people.manager).post(URL, data)
    assert r.status_code == 200
    assert "동의" in r.content.decode() or "agree" in r.content.decode()
    assert not Learner.objects.exists() and not Application.objects.exists()


def test_it_records_disability_only_with_its_own_consent(people: People) -> None:
    course_class = recruiting_class(people)
    client = client_for(people.manager)
    r = client.post(URL, details(course_class, step="confirm", disability="registered"))
    assert r.status_code == 200 and not Learner.objects.exists()
    r = intake(client, course_class, disability="registered", consent_sensitive_info="on")
    assert r.status_code == 302
    assert Learner.objects.get().disability == "registered"
    assert Consent.objects.filter(kind=ConsentKind.SENSITIVE_INFO).exists()


def test_another_centres_class_is_refused_in_korean_and_nothing_written(people: People) -> None:
    busan = recruiting_class(people, center=people.busan_center)
    r = client_for(people.manager).post(URL, details(busan, step="confirm"))
    assert r.status_code == 200
    assert "담당하는" in r.content.decode() or "your own centres" in r.content.decode()
    assert not Learner.objects.exists() and not Application.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="application").exists()


def test_the_class_list_offers_only_classes_in_scope_taking_applications(people: People) -> None:
    mine = recruiting_class(people)
    busan = recruiting_class(people, center=people.busan_center)
    r = client_for(people.manager).post(URL, {"step": "phone", "phone": "01055551234"})
    page = r.content.decode()
    assert f'value="{mine.pk}"' in page
    assert f'value="{busan.pk}"' not in page


def test_it_preselects_the_class_coming_from_a_class_page(people: People) -> None:
    course_class = recruiting_class(people)
    client = client_for(people.manager)
    r = client.get(URL, {"class": course_class.pk})
    assert f'value="{course_class.pk}"' in r.content.decode()
    r = client.post(URL, {"step": "phone", "phone": "01055551234",
                          "course_class": course_class.pk})
    assert f'value="{course_class.pk}" selected' in r.content.decode()


def test_a_duplicate_application_is_explained(people: People) -> None:
    course_class = recruiting_class(people)
    client = client_for(people.manager)
    intake(client, course_class)
    r = intake(client, course_class)
    assert r.status_code == 200
    assert Application.objects.count() == 1


def test_a_malformed_phone_is_refused_on_the_first_step(people: People) -> None:
    r = client_for(people.manager).post(URL, {"step": "phone", "phone": "12345"})
    assert r.status_code == 200
    assert "010-1234-5678" in r.content.decode()
    assert not AccessLog.objects.exists()


def test_instructors_and_anonymous_users_cannot_take_applications(people: People) -> None:
    course_class = recruiting_class(people)
    client = client_for(people.instructor)
    assert client.get(URL).status_code == 403
    assert client.post(URL, details(course_class, step="confirm")).status_code == 403
    r = Client().get(URL)
    assert r.status_code == 302 and "login" in r["Location"]
    assert not Application.objects.exists()


def test_outsider_gets_nothing(people: People) -> None:
    course_class = recruiting_class(people)
    client = client_for(people.manager)
    intake(client, course_class)
    application = Application.objects.get()
    outsider = client_for(people.outsider)
    r = outsider.get(URL)
    assert f'value="{course_class.pk}"' not in r.content.decode()
    r = outsider.post(URL, details(course_class, step="confirm", phone="01077778888"))
    assert Application.objects.count() == 1
    done = reverse("enrollment-staff-intake-done", args=[application.pk])
    assert outsider.get(done).status_code == 404


def test_a_class_not_taking_applications_is_refused_with_the_reason(people: People) -> None:
    course_class = recruiting_class(people)
    course_class.status = "closed"
    course_class.save(update_fields=["status"])
    r = client_for(people.manager).post(URL, details(course_class, step="confirm"))
    assert r.status_code == 200
    assert "closed" in r.content.decode() or "마감" in r.content.decode()
    assert not Learner.objects.exists() and not Application.objects.exists()


def test_a_busy_class_answers_try_again_and_writes_nothing(
    people: People, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from enrollment import staff_views
    from enrollment.locking import EnrollmentBusy

    def busy(**kwargs: Any) -> None:
        raise EnrollmentBusy()

    monkeypatch.setattr(staff_views, "application_create", busy)
    course_class = recruiting_class(people)
    r = client_for(people.manager).post(URL, details(course_class, step="confirm"))
    assert r.status_code == 503
    assert not Application.objects.exists()


def test_the_htmx_lookup_shows_masked_matches_as_the_number_is_typed(people: People) -> None:
    course_class = recruiting_class(people)
    apply(course_class, name="김순희", phone="01012345678", birth_year=1948)
    client = client_for(people.manager)
    lookup = reverse("enrollment-staff-intake-lookup")
    page = client.post(lookup, {"phone": "010-1234"}, HTTP_HX_REQUEST="true").content.decode()
    assert "김*희" not in page and not AccessLog.objects.exists()
    page = client.post(lookup, {"phone": "010-1234-5678"}, HTTP_HX_REQUEST="true")\
        .content.decode()
    assert "김*희" in page and "1948" in page and "김순희" not in page and "<html" not in page
    assert AccessLog.objects.filter(action="search").count() == 1
    assert client_for(people.instructor).post(lookup, {"phone": "01012345678"}).status_code == 403
