"""The enrollment API: applying, reading, cancelling, phone confirmation, scoping."""

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import api_token_create
from audit.models import AuditEntry
from classes.models import ClassStatus, CourseClass
from enrollment.models import Application, ApplicationStatus, IdempotencyRecord
from enrollment.testing import apply, next_phone, recruiting_class
from learners.models import Consent, Learner, PhoneVerification
from notifications.models import OutboxMessage
from privacy.models import AccessLog

pytestmark = pytest.mark.django_db

WROTE = (Learner, Consent, Application, OutboxMessage, IdempotencyRecord, AuditEntry)


# --- Helpers (also used by test_idempotency and test_busy) --------------------------


def bearer(user: Any) -> str:
    return api_token_create(user=user)[1]


def application_body(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "김영희", "phone": next_phone(), "birth_year": 1950, "sex": "female",
        "target_groups": ["seniors"], "consent_personal_info": True, "channel": "online",
    }
    body.update(fields)
    return body


def post_application(
    client: Client, class_id: int, body: dict[str, Any], *, token: str | None = None,
    key: str | None = "new", **headers: str,
) -> Any:
    if key == "new":
        key = str(uuid.uuid4())
    if key is not None:
        headers["Idempotency-Key"] = key
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(
        f"/api/v1/classes/{class_id}/applications", data=json.dumps(body),
        content_type="application/json", headers=headers,
    )


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WROTE}


def korean_refusal(response: Any, status: int | tuple[int, ...], expected: str = "") -> dict:
    """The answer is a refusal with a message (translated from `expected` when given)."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.content
    body = response.json()
    assert body["message"]
    if expected:
        assert body["message"] == _(expected)
    return body


@pytest.fixture
def course_class(people):
    return recruiting_class(people, capacity=2)


@pytest.fixture
def manager_token(people):
    return bearer(people.manager)


@pytest.fixture
def no_sms(settings):
    settings.ENROLLMENT_PHONE_VERIFICATION = False


# --- Applying as staff -----------------------------------------------------------


def test_it_confirms_then_waitlists_through_the_api(client, course_class, manager_token):
    answers = [
        post_application(client, course_class.pk, application_body(), token=manager_token)
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 201]
    bodies = [a.json() for a in answers]
    assert [b["status"] for b in bodies] == ["confirmed", "confirmed", "waitlisted"]
    assert [b["waitlist_position"] for b in bodies] == [None, None, 1]
    assert all(b["class_id"] == course_class.pk for b in bodies)
    assert len({b["manage_code"] for b in bodies}) == 3
    application = Application.objects.get(pk=bodies[0]["id"])
    assert application.created_by.username == "manager"
    assert application.learner.name == "김영희"


def test_it_lets_staff_enter_phone_and_walk_in_applications(
    client, people, course_class, manager_token,
):
    for channel in ("phone", "walk_in"):
        r = post_application(
            client, course_class.pk, application_body(channel=channel), token=manager_token,
        )
        assert r.status_code == 201, r.content
        assert Application.objects.get(pk=r.json()["id"]).channel == channel


@pytest.mark.parametrize(
    "phone", ["010 1234 5678", "+82 10-1234-5678", "01012345678", "010-1234-5678"],
)
def test_it_knows_one_phone_in_every_form(client, course_class, manager_token, phone):
    first = post_application(
        client, course_class.pk, application_body(phone="010-1234-5678"), token=manager_token,
    )
    assert first.status_code == 201
    before = counts()
    again = post_application(
        client, course_class.pk, application_body(phone=phone), token=manager_token,
    )
    body = korean_refusal(again, 409, "This person has already applied to this class.")
    assert body["id"] == first.json()["id"]
    after = counts()
    # Only the 409 answer itself is kept, under its key.
    assert after.pop("IdempotencyRecord") == before.pop("IdempotencyRecord") + 1
    assert after == before


@pytest.mark.parametrize("name", [
    "김 영희", "  김영희  ", "John Smith", "Nguyễn Thị Hương", "Mary-Jane O'Neil", "남궁 민수",
])
def test_it_accepts_names_of_every_kind(client, course_class, manager_token, name):
    r = post_application(client, course_class.pk, application_body(name=name), token=manager_token)
    assert r.status_code == 201, r.content
    learner = Application.objects.get(pk=r.json()["id"]).learner
    assert learner.name == " ".join(name.split())


def test_it_keeps_vietnamese_tone_marks_whatever_the_normal_form(
    client, course_class, manager_token,
):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    r = post_application(
        client, course_class.pk, application_body(name=decomposed), token=manager_token,
    )
    assert r.status_code == 201
    learner = Application.objects.get(pk=r.json()["id"]).learner
    assert learner.name == unicodedata.normalize("NFC", "Nguyễn Thị Hương")


BAD_INPUTS = [
    (
        {"name": "김영희😀"}, "name",
        "A name can contain only letters, spaces, hyphens and apostrophes.",
    ),
    ({"name": "가" * 500}, "name", None),
    ({"name": "   "}, "name", "Enter the learner's name."),
    ({"name": "김\x00영희"}, "name", None),
    ({"phone": "010-1234"}, "phone", "Enter a valid Korean phone number, such as 010-1234-5678."),
    ({"phone": "abc"}, "phone", "Enter a valid Korean phone number, such as 010-1234-5678."),
    ({"phone": "+1 202 555 0100"}, "phone", None),
    ({"phone": "010-1234-56789"}, "phone", None),
    ({"phone": ""}, "phone", None),
    ({"birth_year": 1890}, "birth_year", None),
    ({"birth_year": timezone.localdate().year + 1}, "birth_year", None),
    ({"birth_year": "천구백오십"}, "birth_year", None),
    ({"sex": "x"}, "sex", "Choose the sex from the list."),
    ({"target_groups": ["disabled"]}, "target_groups", "Choose target groups from the list."),
    ({"target_groups": ["martians"]}, "target_groups", "Choose target groups from the list."),
    (
        {"consent_personal_info": False}, "consent_personal_info",
        "We need your agreement to use your personal information to sign you up.",
    ),
    (
        {"disability": "registered"}, "consent_sensitive_info",
        "Disability information is kept only with its own agreement.",
    ),
    ({"channel": "fax"}, "channel", "Choose the channel: online, phone, walk_in or proxy."),
    ({"channel": "proxy"}, "proxy_name", "Enter the name of the person applying on behalf."),
    ({"proxy_name": "김철수", "proxy_relationship": "neighbour"}, "consent", None),
    (
        {"proxy_name": "김철수", "proxy_relationship": "family", "proxy_phone": "12"},
        "proxy_phone", None,
    ),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_INPUTS)
def test_it_refuses_bad_input_in_korean_and_writes_nothing(
    client, course_class, manager_token, fields, field, message,
):
    before = counts()
    r = post_application(client, course_class.pk, application_body(**fields), token=manager_token)
    body = korean_refusal(r, 422, message or "")
    assert field in body["errors"], body
    assert all(body["errors"][field])
    assert counts() == before


def test_it_names_every_wrong_field_at_once(client, course_class, manager_token):
    r = post_application(
        client, course_class.pk,
        application_body(name="😀", phone="12", birth_year=1890, consent_personal_info=False),
        token=manager_token,
    )
    body = korean_refusal(r, 422)
    assert set(body["errors"]) >= {"name", "phone", "birth_year", "consent_personal_info"}


def test_it_refuses_a_missing_consent_when_the_field_is_left_out(
    client, course_class, manager_token,
):
    body = application_body()
    del body["consent_personal_info"]
    before = counts()
    r = post_application(client, course_class.pk, body, token=manager_token)
    korean_refusal(
        r, 422, "We need your agreement to use your personal information to sign you up.",
    )
    assert counts() == before


def test_it_refuses_a_body_of_the_wrong_shape(client, course_class, manager_token):
    before = counts()
    r = post_application(client, course_class.pk, {"name": 5}, token=manager_token)
    assert r.status_code == 422
    assert r.json()["message"]
    assert counts() == before


def test_it_refuses_a_body_that_is_not_json(client, course_class, manager_token):
    before = counts()
    r = client.post(
        f"/api/v1/classes/{course_class.pk}/applications", data=b"{name: ",
        content_type="application/json",
        headers={"Idempotency-Key": "k-1", "Authorization": f"Bearer {manager_token}"},
    )
    korean_refusal(r, 400, "The request body could not be read: send JSON.")
    assert counts() == before


@pytest.mark.parametrize(
    "status", [ClassStatus.CANCELLED, ClassStatus.FINISHED, ClassStatus.PLANNED],
)
def test_it_refuses_a_class_not_taking_applications(
    client, course_class, manager_token, status,
):
    CourseClass.objects.filter(pk=course_class.pk).update(status=status)
    before = counts()
    r = post_application(client, course_class.pk, application_body(), token=manager_token)
    korean_refusal(r, 422)
    assert counts() == before


def test_it_refuses_after_the_registration_window(client, people, manager_token):
    today = timezone.localdate()
    closed = recruiting_class(
        people, registration_opens=today - timedelta(days=9),
        registration_closes=today - timedelta(days=1),
    )
    before = counts()
    r = post_application(client, closed.pk, application_body(), token=manager_token)
    korean_refusal(r, 422)
    assert counts() == before


def test_it_answers_404_for_an_unknown_class(client, manager_token):
    before = counts()
    r = post_application(client, 999999, application_body(), token=manager_token)
    korean_refusal(r, 404, "There is no class with this number.")
    assert counts() == before


@pytest.mark.parametrize("who", ["outsider", "manager", "gangnam_officer", "instructor"])
def test_it_refuses_staff_another_centres_class_and_writes_nothing(client, people, who):
    if who == "outsider":
        course_class = recruiting_class(people)
    else:  # a class at the Seocho centre: outside the 강남 centre and 강남구
        course_class = recruiting_class(people, center=people.seocho_center)
    user = getattr(people, who)
    token = bearer(user)
    before = counts()
    r = post_application(client, course_class.pk, application_body(), token=token)
    korean_refusal(
        r, 403, "You can only handle applications for classes of your own centres or region.",
    )
    assert counts() == before


def test_it_lets_regional_and_national_staff_apply_in_their_scope(client, people):
    course_class = recruiting_class(people, capacity=5)
    for user in (people.national, people.seoul_officer, people.gangnam_officer, people.manager):
        r = post_application(client, course_class.pk, application_body(), token=bearer(user))
        assert r.status_code == 201, (user, r.content)


def test_it_refuses_instructors_who_only_read_rosters(client, people):
    course_class = recruiting_class(people, capacity=5)
    token = bearer(people.instructor)
    before = counts()
    r = post_application(client, course_class.pk, application_body(), token=token)
    korean_refusal(
        r, 403, "You can only handle applications for classes of your own centres or region.",
    )
    assert counts() == before


def test_it_answers_401_for_a_bad_token_and_writes_nothing(client, course_class):
    before = counts()
    r = post_application(client, course_class.pk, application_body(), token="bt_nonsense")
    assert r.status_code == 401
    assert r.json()["message"]
    assert counts() == before


# --- Applying without a token ----------------------------------------------------


def test_it_refuses_public_callers_without_a_confirmed_phone(client, course_class):
    before = counts()
    r = post_application(client, course_class.pk, application_body())
    body = korean_refusal(r, 422, "Please confirm your phone with the code we sent first.")
    assert "verification_id" in body["errors"]
    r = post_application(
        client, course_class.pk, application_body(verification_id=str(uuid.uuid4())),
    )
    body = korean_refusal(r, 422, "Please confirm your phone with the code we sent first.")
    assert "verification_id" in body["errors"]
    assert counts() == before


def _verify(client: Client, phone: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("learners.verification.secrets.randbelow", lambda n: 123456)
    r = client.post(
        "/api/v1/phone-verifications", data={"phone": phone}, content_type="application/json",
    )
    assert r.status_code == 201, r.content
    verification_id = r.json()["id"]
    r = client.post(
        f"/api/v1/phone-verifications/{verification_id}/confirm",
        data={"phone": phone, "code": "123456"}, content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json() == {"id": verification_id, "confirmed": True}
    return verification_id


def test_it_takes_a_public_application_with_a_confirmed_phone(client, course_class, monkeypatch):
    phone = "010-2222-3333"
    verification_id = _verify(client, phone, monkeypatch)
    r = post_application(
        client, course_class.pk,
        application_body(phone="01022223333", verification_id=verification_id),
    )
    assert r.status_code == 201, r.content
    application = Application.objects.get(pk=r.json()["id"])
    assert application.created_by is None
    assert application.channel == "online"
    assert PhoneVerification.objects.get(pk=verification_id).used_at is not None
    # A verification serves one application only.
    r = post_application(
        client, course_class.pk,
        application_body(name="박철수", phone=phone, verification_id=verification_id),
    )
    korean_refusal(r, 422, "Please confirm your phone with the code we sent first.")


def test_it_refuses_a_verification_of_another_phone(client, course_class, monkeypatch):
    verification_id = _verify(client, "010-2222-3333", monkeypatch)
    before = counts()
    r = post_application(
        client, course_class.pk,
        application_body(phone="010-4444-5555", verification_id=verification_id),
    )
    korean_refusal(r, 422, "Please confirm your phone with the code we sent first.")
    assert counts() == before
    assert PhoneVerification.objects.get(pk=verification_id).used_at is None


def test_it_keeps_the_verification_when_the_application_is_refused(
    client, course_class, monkeypatch,
):
    phone = "010-2222-3333"
    verification_id = _verify(client, phone, monkeypatch)
    CourseClass.objects.filter(pk=course_class.pk).update(status=ClassStatus.CANCELLED)
    r = post_application(
        client, course_class.pk, application_body(phone=phone, verification_id=verification_id),
    )
    korean_refusal(r, 422, "This class has been cancelled.")
    assert PhoneVerification.objects.get(pk=verification_id).used_at is None


def test_it_refuses_a_wrong_code(client, monkeypatch):
    monkeypatch.setattr("learners.verification.secrets.randbelow", lambda n: 123456)
    r = client.post(
        "/api/v1/phone-verifications", data={"phone": "01022223333"},
        content_type="application/json",
    )
    verification_id = r.json()["id"]
    r = client.post(
        f"/api/v1/phone-verifications/{verification_id}/confirm",
        data={"phone": "01022223333", "code": "000000"}, content_type="application/json",
    )
    korean_refusal(r, 422, "The code is not right. Please check the message.")
    r = client.post(
        "/api/v1/phone-verifications/not-a-uuid/confirm",
        data={"phone": "01022223333", "code": "123456"}, content_type="application/json",
    )
    korean_refusal(r, 422, "The code is not right. Please check the message.")


@pytest.mark.parametrize("phone", ["02-123-4567", "nonsense", ""])
def test_it_sends_codes_to_mobile_phones_only(client, phone):
    r = client.post(
        "/api/v1/phone-verifications", data={"phone": phone}, content_type="application/json",
    )
    body = korean_refusal(r, 422)
    assert "phone" in body["errors"]
    assert not PhoneVerification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_it_limits_codes_per_phone_with_429(client):
    for _attempt in range(5):
        r = client.post(
            "/api/v1/phone-verifications", data={"phone": "01022223333"},
            content_type="application/json",
        )
        assert r.status_code == 201
    r = client.post(
        "/api/v1/phone-verifications", data={"phone": "010 2222 3333"},
        content_type="application/json",
    )
    korean_refusal(
        r, 429, "Too many codes were sent to this number. Please try again in an hour.",
    )


def test_it_takes_public_applications_without_sms_when_turned_off(client, course_class, no_sms):
    r = post_application(client, course_class.pk, application_body())
    assert r.status_code == 201, r.content


@pytest.mark.parametrize("channel", ["phone", "walk_in"])
def test_it_keeps_phone_and_walk_in_channels_for_staff(client, course_class, no_sms, channel):
    before = counts()
    r = post_application(client, course_class.pk, application_body(channel=channel))
    korean_refusal(r, 403, "Only centre staff can enter applications taken by phone or in person.")
    assert counts() == before


def test_it_records_a_proxy_application(client, course_class, no_sms):
    r = post_application(client, course_class.pk, application_body(
        channel="proxy", proxy_name="김철수", proxy_relationship="family",
        proxy_phone="010-7777-8888",
    ))
    assert r.status_code == 201, r.content
    application = Application.objects.get(pk=r.json()["id"])
    assert application.channel == "proxy"
    consent = Consent.objects.get(learner=application.learner)
    assert consent.proxy_name == "김철수"
    assert consent.proxy_phone == "01077778888"


# --- Reading and cancelling ------------------------------------------------------


def _applied(client, course_class, token):
    r = post_application(
        client, course_class.pk, application_body(name="홍길동", phone="010-1234-5678"),
        token=token,
    )
    assert r.status_code == 201
    return r.json()


def test_it_shows_staff_a_masked_application_and_logs_it(
    client, people, course_class, manager_token,
):
    applied = _applied(client, course_class, manager_token)
    r = client.get(
        f"/api/v1/applications/{applied['id']}",
        headers={"Authorization": f"Bearer {manager_token}"},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "confirmed"
    assert body["class_id"] == course_class.pk
    assert body["learner"] == {"name": "홍*동", "phone": "010-****-5678"}
    assert "홍길동" not in r.content.decode()
    assert "01012345678" not in r.content.decode()
    log = AccessLog.objects.get(action="api")
    assert log.actor == people.manager
    assert log.subject_type == "learners.learner"


def test_it_shows_the_learner_their_application_with_the_code(client, course_class, manager_token):
    applied = _applied(client, course_class, manager_token)
    code = applied["manage_code"].lower().replace("-", " ")
    r = client.get(f"/api/v1/applications/{applied['id']}", headers={"X-Manage-Code": code})
    assert r.status_code == 200
    assert r.json()["learner"]["name"] == "홍*동"
    assert not AccessLog.objects.exists()


def test_it_hides_an_application_from_a_wrong_code_and_from_outsiders_alike(
    client, people, course_class, manager_token,
):
    applied = _applied(client, course_class, manager_token)
    other = _applied(client, recruiting_class(people), manager_token)
    url = f"/api/v1/applications/{applied['id']}"
    wrong_code = client.get(url, headers={"X-Manage-Code": "AAAA-BBBB"})
    others_code = client.get(url, headers={"X-Manage-Code": other["manage_code"]})
    outsider = client.get(url, headers={"Authorization": f"Bearer {bearer(people.outsider)}"})
    seocho_manager = _seocho_manager(people)
    seocho = client.get(url, headers={"Authorization": f"Bearer {bearer(seocho_manager)}"})
    missing = client.get(
        "/api/v1/applications/999999", headers={"Authorization": f"Bearer {manager_token}"},
    )
    answers = [wrong_code, others_code, outsider, seocho, missing]
    assert [a.status_code for a in answers] == [404] * 5
    assert len({a.content for a in answers}) == 1
    assert "홍" not in wrong_code.content.decode()
    assert not AccessLog.objects.exists()


def test_it_asks_for_credentials(client, course_class, manager_token):
    applied = _applied(client, course_class, manager_token)
    r = client.get(f"/api/v1/applications/{applied['id']}")
    korean_refusal(
        r, 401,
        "Send a staff API token (Authorization: Bearer …), or the application's "
        "management code in the X-Manage-Code header.",
    )
    r = client.generic("POST", f"/api/v1/applications/{applied['id']}/cancel", b"")
    assert r.status_code == 401
    assert Application.objects.get(pk=applied["id"]).status == "confirmed"


def _seocho_manager(people):
    from accounts.models import Role, User
    from accounts.services import role_grant_create

    user = User.objects.create_user(username="seocho", password="x-2026-long-pass")
    role_grant_create(user=user, role=Role.CENTER_MANAGER, center=people.seocho_center)
    return user


def test_it_lets_the_learner_cancel_with_the_code_and_promotes_the_next(
    client, people, manager_token,
):
    course_class = recruiting_class(people, capacity=1)
    first = _applied(client, course_class, manager_token)
    waiting = apply(course_class).application
    r = client.post(
        f"/api/v1/applications/{first['id']}/cancel", data={"reason": "아파서요"},
        content_type="application/json", headers={"X-Manage-Code": first["manage_code"]},
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "cancelled"
    cancelled = Application.objects.get(pk=first["id"])
    assert cancelled.cancel_reason == "아파서요"
    waiting.refresh_from_db()
    assert waiting.status == ApplicationStatus.CONFIRMED
    entry = AuditEntry.objects.filter(action="application.cancel").get()
    assert entry.actor is None
    r = client.generic(  # no body at all, as `curl -X POST` sends
        "POST", f"/api/v1/applications/{first['id']}/cancel", b"",
        headers={"X-Manage-Code": first["manage_code"]},
    )
    korean_refusal(r, 422, "This application has already been cancelled.")


def test_it_lets_staff_in_scope_cancel_and_logs_the_read(
    client, people, course_class, manager_token,
):
    applied = _applied(client, course_class, manager_token)
    r = client.post(
        f"/api/v1/applications/{applied['id']}/cancel", content_type="application/json",
        headers={"Authorization": f"Bearer {bearer(people.gangnam_officer)}"},
    )
    assert r.status_code == 200
    assert r.json()["learner"]["phone"] == "010-****-5678"
    assert Application.objects.get(pk=applied["id"]).status == "cancelled"
    assert AuditEntry.objects.get(action="application.cancel").actor == people.gangnam_officer
    assert AccessLog.objects.filter(actor=people.gangnam_officer, action="api").count() == 1


def test_it_lets_no_outsider_cancel(client, people, course_class, manager_token):
    applied = _applied(client, course_class, manager_token)
    url = f"/api/v1/applications/{applied['id']}/cancel"
    tokens = [bearer(people.outsider), bearer(_seocho_manager(people))]
    before = counts()
    for token in tokens:
        r = client.post(
            url, content_type="application/json", headers={"Authorization": f"Bearer {token}"},
        )
        korean_refusal(r, 404, "There is no such application, or you may not see it.")
    r = client.post(url, content_type="application/json", headers={"X-Manage-Code": "AAAA-BBBB"})
    korean_refusal(r, 404, "There is no such application, or you may not see it.")
    assert Application.objects.get(pk=applied["id"]).status == "confirmed"
    assert counts() == before


def test_it_refuses_a_nul_in_the_cancel_reason(client, course_class, manager_token):
    applied = _applied(client, course_class, manager_token)
    r = client.post(
        f"/api/v1/applications/{applied['id']}/cancel", data={"reason": "a\x00b"},
        content_type="application/json", headers={"X-Manage-Code": applied["manage_code"]},
    )
    assert r.status_code == 422
    assert Application.objects.get(pk=applied["id"]).status == "confirmed"


def test_it_describes_the_endpoints_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    apply_op = paths["/api/v1/classes/{class_id}/applications"]["post"]
    assert apply_op["tags"] == ["enrollment"]
    assert "Idempotency-Key" in apply_op["description"]
    assert {"201", "409", "422", "503"} <= set(apply_op["responses"])
    assert "/api/v1/applications/{application_id}" in paths
    assert "/api/v1/applications/{application_id}/cancel" in paths
    assert "/api/v1/phone-verifications/{verification_id}/confirm" in paths
