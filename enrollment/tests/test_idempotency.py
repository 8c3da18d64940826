"""Idempotency-Key: a retry gets the first answer and changes nothing."""

import json
import threading
import time
import uuid

import pytest
from django.db import connection
from django.test import Client

from accounts.testing import KEEP_REGIONS
from enrollment.models import Application, IdempotencyRecord
from enrollment.testing import recruiting_class
from enrollment.tests.test_api import (
    application_body,
    bearer,
    counts,
    korean_refusal,
    post_application,
)


@pytest.fixture
def course_class(people):
    return recruiting_class(people, capacity=1)


@pytest.fixture
def manager_token(people):
    return bearer(people.manager)


@pytest.mark.django_db
def test_it_answers_a_retry_with_the_first_answer(client, course_class, manager_token):
    body = application_body()
    first = post_application(client, course_class.pk, body, token=manager_token, key="k-1")
    assert first.status_code == 201
    before = counts()
    again = post_application(client, course_class.pk, body, token=manager_token, key="k-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert counts() == before


@pytest.mark.django_db
def test_it_ignores_the_order_of_the_keys_in_the_body(client, course_class, manager_token):
    body = application_body()
    first = post_application(client, course_class.pk, body, token=manager_token, key="k-1")
    reordered = dict(reversed(list(body.items())))
    again = post_application(client, course_class.pk, reordered, token=manager_token, key="k-1")
    assert again.json() == first.json()
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_it_keeps_the_management_code_encrypted(client, course_class, manager_token):
    first = post_application(
        client, course_class.pk, application_body(), token=manager_token, key="k-1",
    )
    code = first.json()["manage_code"]
    record = IdempotencyRecord.objects.get()
    assert code not in json.dumps(record.body)
    assert record.body["id"] == first.json()["id"]


@pytest.mark.django_db
def test_it_refuses_the_same_key_for_another_request(client, course_class, manager_token):
    post_application(client, course_class.pk, application_body(), token=manager_token, key="k-1")
    before = counts()
    other = post_application(
        client, course_class.pk, application_body(name="박철수"), token=manager_token, key="k-1",
    )
    korean_refusal(
        other, 422,
        "This Idempotency-Key was already used for a different request. "
        "Use a new key for a new application.",
    )
    assert counts() == before


@pytest.mark.django_db
def test_it_refuses_the_same_key_for_another_class(client, people, course_class, manager_token):
    body = application_body()
    post_application(client, course_class.pk, body, token=manager_token, key="k-1")
    other_class = recruiting_class(people)
    r = post_application(client, other_class.pk, body, token=manager_token, key="k-1")
    assert r.status_code == 422
    assert not Application.objects.filter(course_class=other_class).exists()


@pytest.mark.django_db
def test_it_keeps_keys_apart_per_caller(client, people, course_class, manager_token):
    body = application_body()
    mine = post_application(client, course_class.pk, body, token=manager_token, key="k-1")
    theirs = post_application(
        client, course_class.pk, body, token=bearer(people.gangnam_officer), key="k-1",
    )
    # Another caller's key is another key: the same person is then a duplicate.
    assert theirs.status_code == 409
    assert theirs.json()["id"] == mine.json()["id"]


@pytest.mark.django_db
def test_it_answers_a_retry_of_a_duplicate_with_the_same_409(
    client, course_class, manager_token,
):
    body = application_body()
    post_application(client, course_class.pk, body, token=manager_token, key="k-1")
    duplicate = post_application(client, course_class.pk, body, token=manager_token, key="k-2")
    assert duplicate.status_code == 409
    again = post_application(client, course_class.pk, body, token=manager_token, key="k-2")
    assert again.status_code == 409
    assert again.json() == duplicate.json()
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_it_does_not_keep_refusals_under_the_key(client, course_class, manager_token):
    bad = post_application(
        client, course_class.pk, application_body(birth_year=1890), token=manager_token,
        key="k-1",
    )
    assert bad.status_code == 422
    assert not IdempotencyRecord.objects.exists()
    fixed = post_application(
        client, course_class.pk, application_body(birth_year=1950), token=manager_token,
        key="k-1",
    )
    assert fixed.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("key", [None, "", "x" * 201, "키", "tab\there"])
def test_it_asks_for_a_proper_key_and_writes_nothing(client, course_class, manager_token, key):
    before = counts()
    headers = {}
    if key is not None:
        headers["Idempotency-Key"] = key
    r = post_application(
        client, course_class.pk, application_body(), token=manager_token, key=None, **headers,
    )
    korean_refusal(r, 400)
    assert counts() == before


@pytest.mark.django_db
def test_it_takes_a_key_of_200_characters(client, course_class, manager_token):
    r = post_application(
        client, course_class.pk, application_body(), token=manager_token, key="k" * 200,
    )
    assert r.status_code == 201


@pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)
def test_it_creates_one_application_for_the_same_key_sent_at_once(people):
    """Eight clients send the same request with one key together.

    They race past the first look-up of the key; the class lock and the
    unique (owner, key) constraint let one win, and every other one answers
    with the winner's stored answer. A 503 (SQLite's shared in-memory test
    database refuses a second writer at once) is retried with the same key,
    as a client does.
    """
    course_class = recruiting_class(people, capacity=5)
    token = bearer(people.manager)
    body = application_body()
    start = threading.Barrier(8)
    answers: list[tuple[int, dict]] = []
    errors: list[BaseException] = []

    def client_thread() -> None:
        try:
            client = Client()
            start.wait()
            for _attempt in range(200):
                r = post_application(client, course_class.pk, body, token=token, key="same")
                if r.status_code != 503:
                    answers.append((r.status_code, r.json()))
                    return
                time.sleep(0.01)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=client_thread) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(answers) == 8
    assert {status for status, _ in answers} == {201}
    assert len({json.dumps(answer, sort_keys=True) for _, answer in answers}) == 1
    assert Application.objects.filter(course_class=course_class).count() == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)
def test_it_gives_a_public_retry_the_answer_after_the_verification_was_spent(
    people, monkeypatch,
):
    """Two public requests with one key and one verification: one application, one answer."""
    course_class = recruiting_class(people, capacity=5)
    monkeypatch.setattr("learners.verification.secrets.randbelow", lambda n: 123456)
    client = Client()
    phone = "010-3333-4444"
    verification_id = client.post(
        "/api/v1/phone-verifications", data={"phone": phone}, content_type="application/json",
    ).json()["id"]
    client.post(
        f"/api/v1/phone-verifications/{verification_id}/confirm",
        data={"phone": phone, "code": "123456"}, content_type="application/json",
    )
    body = application_body(phone=phone, verification_id=verification_id)
    key = str(uuid.uuid4())
    start = threading.Barrier(4)
    answers: list[tuple[int, dict]] = []

    def client_thread() -> None:
        try:
            own = Client()
            start.wait()
            for _attempt in range(200):
                r = post_application(own, course_class.pk, body, key=key)
                if r.status_code != 503:
                    answers.append((r.status_code, r.json()))
                    return
                time.sleep(0.01)
        finally:
            connection.close()

    threads = [threading.Thread(target=client_thread) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [201] * 4
    assert len({json.dumps(answer, sort_keys=True) for _, answer in answers}) == 1
    assert Application.objects.filter(course_class=course_class).count() == 1
