"""Review of personal data, scoping and security: odd input is a 4xx, never a 500."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.services import api_token_create
from accounts.testing import People
from enrollment.testing import apply, recruiting_class

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


def client_for(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_it_answers_odd_values_to_staff_pages_without_a_server_error(people: People) -> None:
    course_class = recruiting_class(people)
    application = apply(course_class).application
    session = course_class.sessions.first()
    client = client_for(people.manager)
    learner = application.learner_id
    requests = [
        ("get", f"/staff/learners/?class={HUGE}", {}),
        ("get", "/staff/learners/?class=-1", {}),
        ("post", "/staff/learners/", {"phone": "\x00"}),
        ("post", "/staff/learners/", {"phone": "\xff" * 50}),
        ("get", f"/staff/learners/{learner}/merge/?duplicate={HUGE}", {}),
        ("post", f"/staff/learners/{learner}/merge/", {"duplicate": HUGE}),
        ("post", f"/staff/learners/{learner}/merge/", {"duplicate": "\x00"}),
        ("get", f"/staff/learners/{HUGE}/", {}),
        ("get", f"/staff/enrollment/new/?class={HUGE}", {}),
        ("post", "/staff/enrollment/new/", {"step": "phone", "phone": "01012345678",
                                            "course_class": HUGE}),
        ("post", "/staff/enrollment/new/", {"step": "details", "phone": "01012345678",
                                            "course_class": HUGE, "learner": "new"}),
        ("post", "/staff/enrollment/new/", {"step": "details", "phone": "01012345678",
                                            "course_class": "-5", "learner": HUGE}),
        ("post", "/staff/enrollment/new/", {"step": "confirm", "phone": "01012345678",
                                            "course_class": str(course_class.pk),
                                            "learner": "new", "name": "김\x00", "birth_year": HUGE,
                                            "consent_personal_info": "on"}),
        ("post", "/staff/enrollment/new/", {"step": "details", "phone": "\x00"}),
        ("post", "/staff/enrollment/new/lookup/", {"phone": "\x00"}),
        ("get", f"/staff/enrollment/new/done/{HUGE}/", {}),
        ("get", f"/staff/enrollment/classes/{HUGE}/", {}),
        ("get", f"/staff/enrollment/classes/{HUGE}/roster.xlsx", {}),
        ("post", f"/staff/enrollment/classes/{course_class.pk}/capacity/", {"capacity": HUGE}),
        ("post", f"/staff/enrollment/classes/{course_class.pk}/capacity/", {"capacity": "\x00"}),
        ("post", f"/staff/enrollment/classes/{course_class.pk}/contact/{HUGE}/", {}),
        ("post", f"/staff/enrollment/applications/{HUGE}/cancel/", {}),
        ("post", f"/staff/enrollment/applications/{application.pk}/cancel/",
         {"reason": "\x00" * 300}),
        ("post", f"/staff/enrollment/applications/{HUGE}/accept-offer/", {}),
        ("get", f"/staff/attendance/sessions/{HUGE}/", {}),
        ("post", f"/staff/attendance/sessions/{session.pk}/mark/",
         {"application": HUGE, "presence": "\x00"}),
        ("post", f"/staff/attendance/sessions/{session.pk}/mark/",
         {"application": str(application.pk), "presence": "\x00"}),
        ("post", f"/staff/attendance/sessions/{session.pk}/paper/", {"present": [HUGE, "-1"]}),
        ("get", f"/staff/attendance/classes/{HUGE}/", {}),
        ("get", f"/staff/attendance/certificates/{HUGE}.pdf", {}),
        ("post", f"/staff/attendance/certificates/{HUGE}/revoke/", {"reason": "\x00"}),
        ("get", "/certificates/check/?code=%00%FF", {}),
        ("get", "/certificates/check/%00%FF/", {}),
        ("get", "/certificates/check/" + "A" * 5000 + "/", {}),
    ]
    failures = []
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            failures.append((method, url, data, response.status_code))
    assert failures == []


def test_it_answers_odd_values_to_public_pages_without_a_server_error(people: People) -> None:
    course_class = recruiting_class(people)
    client = Client(raise_request_exception=False)
    who = f"/classes/{course_class.pk}/apply/"
    requests = [
        ("post", who, {"who": "\x00", "name": "\x00", "phone": "\x00", "birth_year": HUGE}),
        ("post", who, {"who": "self", "name": "김순자", "phone": "01023456789",
                       "birth_year": HUGE, "sex": "\x00", "target_groups": ["\x00"]}),
        ("post", who, {"who": "self", "name": "김순자", "phone": "01023456789",
                       "birth_year": "-1948"}),
        ("post", who, {}),
        ("get", f"/classes/{HUGE}/apply/", {}),
        ("get", f"/classes/{HUGE}/apply/agree/", {}),
        ("post", f"/classes/{course_class.pk}/apply/code/", {"code": "\x00"}),
        ("get", f"/classes/{HUGE}/apply/done/", {}),
        ("get", f"/classes/{HUGE}/apply/already/", {}),
        ("post", "/my-application/", {"code": "\x00", "phone": "\x00"}),
        ("post", "/my-application/", {"code": "\xff" * 100, "phone": "01023456789"}),
        ("post", "/my-application/", {}),
        ("post", "/my-application/cancel/", {"reason": "\x00"}),
        ("post", "/my-application/accept/", {}),
        ("post", "/my-application/close/", {}),
    ]
    failures = []
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            failures.append((method, url, data, response.status_code))
    assert failures == []


def test_it_answers_odd_values_to_the_api_without_a_server_error(people: People) -> None:
    course_class = recruiting_class(people)
    token = api_token_create(user=people.manager)[1]
    client = Client(raise_request_exception=False)
    staff = {"Authorization": f"Bearer {token}"}
    body = {"name": "김순자", "phone": "01023456789", "birth_year": 1948,
            "consent_personal_info": True, "channel": "phone"}
    requests: list[tuple[str, str, Any, dict[str, str]]] = [
        ("post", f"/api/v1/classes/{HUGE}/applications", body, {**staff, "Idempotency-Key": "a"}),
        ("post", "/api/v1/classes/-1/applications", body, {**staff, "Idempotency-Key": "b"}),
        ("post", f"/api/v1/classes/{course_class.pk}/applications",
         {**body, "birth_year": int(HUGE)}, {**staff, "Idempotency-Key": "c"}),
        ("post", f"/api/v1/classes/{course_class.pk}/applications",
         {**body, "name": "\x00", "target_groups": ["\x00"], "proxy_phone": "\x00",
          "proxy_relationship": "\x00", "disability": "\x00", "sex": "\x00"},
         {**staff, "Idempotency-Key": "d"}),
        ("post", f"/api/v1/classes/{course_class.pk}/applications",
         {**body, "channel": "online", "verification_id": "\x00"}, {"Idempotency-Key": "e"}),
        ("post", f"/api/v1/classes/{course_class.pk}/applications",
         {**body, "channel": "online", "verification_id": HUGE}, {"Idempotency-Key": "f"}),
        ("get", f"/api/v1/applications/{HUGE}", None, staff),
        ("get", "/api/v1/applications/-1", None, {"X-Manage-Code": "\xff\x00"}),
        ("post", f"/api/v1/applications/{HUGE}/cancel", {"reason": "x"}, staff),
        ("post", "/api/v1/phone-verifications", {"phone": "\x00"}, {}),
        ("post", "/api/v1/phone-verifications", {"phone": 5}, {}),
        ("post", "/api/v1/phone-verifications/%00/confirm",
         {"phone": "01023456789", "code": "\x00"}, {}),
        ("post", f"/api/v1/phone-verifications/{HUGE}/confirm",
         {"phone": "\x00", "code": "1"}, {}),
    ]
    failures = []
    for method, url, data, headers in requests:
        if data is None:
            response = getattr(client, method)(url, headers=headers)
        else:
            response = getattr(client, method)(
                url, data, content_type="application/json", headers=headers,
            )
        if response.status_code >= 500:
            failures.append((method, url, data, response.status_code))
    # Bytes that are not UTF-8 in a JSON body.
    response = client.post(
        f"/api/v1/classes/{course_class.pk}/applications", b'{"name": "\xff"}',
        content_type="application/json", headers={**staff, "Idempotency-Key": "g"},
    )
    if response.status_code >= 500:
        failures.append(("post", "non-utf8 body", None, response.status_code))
    assert failures == []


# --- Telling nobody who applied; limits on codes ---------------------------------------


def test_it_does_not_say_on_the_first_screen_whether_a_person_applied(people: People) -> None:
    """Anyone can type a name and a number: before the code proves the phone is
    theirs, the answer is the same whether that person applied or not."""
    course_class = recruiting_class(people)
    apply(course_class, name="김순자", phone="01023456789")
    who = {"who": "self", "name": "김순자", "phone": "010-2345-6789", "birth_year": "1948",
           "sex": "female"}
    response = Client().post(f"/classes/{course_class.pk}/apply/", who)
    assert response.status_code == 302
    assert response["Location"] == f"/classes/{course_class.pk}/apply/agree/"


def test_it_limits_the_codes_one_address_asks_for_across_phones(people: People) -> None:
    from learners.verification import VERIFICATION_MAX_PER_CLIENT_HOUR
    from notifications.models import MessageKind, OutboxMessage

    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [
        client.post("/api/v1/phone-verifications", {"phone": f"0107{n:07d}"},
                    content_type="application/json").status_code
        for n in range(VERIFICATION_MAX_PER_CLIENT_HOUR + 2)
    ]
    assert answers[:VERIFICATION_MAX_PER_CLIENT_HOUR] == [201] * VERIFICATION_MAX_PER_CLIENT_HOUR
    assert answers[VERIFICATION_MAX_PER_CLIENT_HOUR:] == [429, 429]
    sent = OutboxMessage.objects.filter(kind=MessageKind.VERIFICATION).count()
    assert sent == VERIFICATION_MAX_PER_CLIENT_HOUR
    # Another address is not held up.
    other = Client(REMOTE_ADDR="203.0.113.8").post(
        "/api/v1/phone-verifications", {"phone": "01099990000"}, content_type="application/json",
    )
    assert other.status_code == 201


def test_it_limits_the_codes_the_apply_screens_ask_for_per_address(people: People) -> None:
    from learners.verification import VERIFICATION_MAX_PER_CLIENT_HOUR

    course_class = recruiting_class(people)
    pk = course_class.pk
    statuses = []
    for n in range(VERIFICATION_MAX_PER_CLIENT_HOUR + 1):
        client = Client(REMOTE_ADDR="203.0.113.9")  # a new browser each time
        client.post(f"/classes/{pk}/apply/", {
            "who": "self", "name": "김순자", "phone": f"0106{n:07d}", "birth_year": "1948",
        })
        response = client.post(f"/classes/{pk}/apply/agree/", {"personal_info": "on"})
        statuses.append(response.status_code)
    assert statuses[:-1] == [302] * VERIFICATION_MAX_PER_CLIENT_HOUR
    assert statuses[-1] == 200  # the screen again, saying why


def test_it_counts_guesses_sent_at_once_against_the_limit(people: People, monkeypatch: Any) -> None:
    """Parallel guesses all read the row before any was counted: the right code
    among them must not get through once the tries are used up."""
    import re

    from learners.models import PhoneVerification
    from learners.verification import (
        VERIFICATION_MAX_TRIES,
        phone_verification_check,
        phone_verification_start,
    )
    from notifications.models import MessageKind, OutboxMessage

    verification = phone_verification_start(phone="01023456789")
    body = OutboxMessage.objects.filter(kind=MessageKind.VERIFICATION).get().body
    code = re.search(r"\b(\d{6})\b", body).group(1)  # type: ignore[union-attr]
    stale = PhoneVerification.objects.get(pk=verification.pk)  # read before the others counted
    PhoneVerification.objects.filter(pk=verification.pk).update(attempts=VERIFICATION_MAX_TRIES)
    manager: Any = PhoneVerification.objects
    monkeypatch.setattr(type(manager), "get", lambda self, **kwargs: stale)
    with pytest.raises(ValidationError):
        phone_verification_check(verification_id=verification.pk, phone="01023456789", code=code)
    monkeypatch.undo()
    assert PhoneVerification.objects.get(pk=verification.pk).verified_at is None


def test_it_keys_the_management_code_hash(people: People, settings: Any) -> None:
    """A code has 40 bits: a plain hash in a copied table would be reversed in minutes."""
    import hashlib

    from enrollment.models import Application
    from enrollment.services import application_by_code, manage_code_hash

    course_class = recruiting_class(people)
    applied = apply(course_class)
    stored = Application.objects.get(pk=applied.application.pk).manage_code_hash
    plain = applied.manage_code.replace("-", "").upper()
    assert stored != hashlib.sha256(plain.encode()).hexdigest()
    assert application_by_code(applied.manage_code.lower()) == applied.application
    settings.PII_BLIND_INDEX_KEY = "b" * 44
    assert manage_code_hash(applied.manage_code) != stored


def test_it_keeps_management_codes_in_sessions_encrypted(people: People) -> None:
    from django.contrib.sessions.models import Session

    from enrollment.services import application_by_code

    course_class = recruiting_class(people)
    client = client_for(people.manager)
    response = client.post("/staff/enrollment/new/", {
        "step": "confirm", "phone": "01023456789", "learner": "new", "name": "김순자",
        "birth_year": "1948", "course_class": str(course_class.pk), "channel": "phone",
        "consent_personal_info": "on",
    })
    assert response.status_code == 302, response.content.decode()[:500]
    page = client.get(response["Location"]).content.decode()
    import re

    code = re.search(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b", page)
    assert code is not None and application_by_code(code.group(0)) is not None
    stored = " ".join(str(s.get_decoded()) for s in Session.objects.all())
    assert code.group(0) not in stored


def test_it_counts_wrong_management_codes_in_the_api_per_address(people: People) -> None:
    from enrollment.views import MANAGE_MAX_FAILURES

    course_class = recruiting_class(people)
    applied = apply(course_class)
    url = f"/api/v1/applications/{applied.application.pk}"
    client = Client(REMOTE_ADDR="203.0.113.20")
    answers = [
        client.get(url, headers={"X-Manage-Code": f"AAAA-{n:04d}"}).status_code
        for n in range(MANAGE_MAX_FAILURES)
    ]
    assert answers == [404] * MANAGE_MAX_FAILURES
    # Even the right code now waits: the guesser cannot tell a hit.
    assert client.get(url, headers={"X-Manage-Code": applied.manage_code}).status_code == 429
    cancel = client.post(f"{url}/cancel", {}, content_type="application/json",
                         headers={"X-Manage-Code": applied.manage_code})
    assert cancel.status_code == 429
    other = Client(REMOTE_ADDR="203.0.113.21")
    assert other.get(url, headers={"X-Manage-Code": applied.manage_code}).status_code == 200


def test_it_refuses_a_merge_where_the_user_only_teaches(people: People) -> None:
    """A manager elsewhere who only teaches at this centre does not merge its learners."""
    from accounts.models import Role
    from accounts.services import role_grant_create
    from learners.models import Learner
    from learners.services import learner_merge

    role_grant_create(user=people.outsider, role=Role.INSTRUCTOR, center=people.gangnam_center)
    course_class = recruiting_class(people)
    keep = apply(course_class, name="김영희", phone="01011112222").application.learner
    other_class = recruiting_class(people)
    duplicate = apply(other_class, name="김영이", phone="01011112222").application.learner
    with pytest.raises(ValidationError) as refused:
        learner_merge(keep=keep, duplicate=duplicate, by=people.outsider)
    assert refused.value.code == "out_of_scope"
    response = client_for(people.outsider).post(
        f"/staff/learners/{keep.pk}/merge/", {"duplicate": str(duplicate.pk)},
    )
    assert response.status_code in (200, 403, 404)
    assert Learner.objects.get(pk=duplicate.pk).merged_into_id is None
