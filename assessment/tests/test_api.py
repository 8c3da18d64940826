"""The diagnostics API: an adaptive test to the end, retries, who may reach a sitting, paper."""

import json
from typing import Any

import pytest
from django.test import Client

from accounts.services import api_token_create
from assessment.models import Diagnostic, DiagnosticStatus, Response
from assessment.services import RULES, diagnostic_start
from assessment.testing import fixed_form, small_bank
from attendance.testing import running_class

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    return small_bank()


@pytest.fixture
def course(people, bank):
    course_class, applications = running_class(people)
    return course_class, applications


def bearer(user: Any) -> str:
    return api_token_create(user=user)[1]


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(f"/api/v1{path}", data=json.dumps(body),
                       content_type="application/json", headers=headers)


def get(client: Client, path: str, **headers: str) -> Any:
    return client.get(f"/api/v1{path}", headers=headers)


def staff(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def choose(item: dict[str, Any], bank) -> str:
    """Answer right on even positions, wrong on odd ones (the API never says which is right)."""
    version = next(v for v in bank if v.pk == item["id"])
    wrong = next(o["key"] for o in item["options"] if o["key"] != version.answer)
    return version.answer if item["position"] % 2 == 0 else wrong


def test_it_takes_a_placement_test_to_the_end(client, bank):
    started = post(client, "/diagnostics", {"purpose": "placement"})
    assert started.status_code == 201
    body = started.json()
    code, item = body["resume_code"], body["item"]
    assert code and item["position"] == 1
    assert set(item) == {"id", "area", "stem", "options", "screen", "position", "planned"}
    assert all(set(option) == {"key", "text"} for option in item["options"])
    headers = {"X-Resume-Code": code}
    answered = 0
    while True:
        again = get(client, f"/diagnostics/{body['id']}/next", **headers).json()
        assert again["item"] == item  # asking again shows the same question
        answer = {"item_version_id": item["id"], "choice": choose(item, bank)}
        result = post(client, f"/diagnostics/{body['id']}/answers", answer, **headers)
        assert result.status_code == 200, result.json()
        answered += 1
        if result.json()["done"]:
            break
        item = result.json()["item"]
        assert item["position"] == answered + 1
    outcome = result.json()["result"]
    diagnostic = Diagnostic.objects.get()
    assert diagnostic.status == DiagnosticStatus.COMPLETED
    assert answered == diagnostic.responses.count() <= RULES.max_items
    assert outcome["score"] == pytest.approx(diagnostic.score)
    assert outcome["placement_level"] == diagnostic.placement_level
    assert set(outcome["areas"]) == set(diagnostic.area_scores)
    finished = get(client, f"/diagnostics/{body['id']}/next", **headers).json()
    assert finished["done"] and finished["result"]["score"] == outcome["score"]


def test_a_repeated_answer_changes_nothing_and_answers_the_same(client, bank):
    body = post(client, "/diagnostics", {"purpose": "placement"}).json()
    headers = {"X-Resume-Code": body["resume_code"]}
    answer = {"item_version_id": body["item"]["id"], "choice": "a"}
    first = post(client, f"/diagnostics/{body['id']}/answers", answer, **headers)
    replay = post(client, f"/diagnostics/{body['id']}/answers", answer, **headers)
    assert replay.status_code == 200 and replay.json() == first.json()
    assert Response.objects.count() == 1
    other = post(client, f"/diagnostics/{body['id']}/answers", {**answer, "choice": "b"},
                 **headers)
    assert other.status_code == 409 and other.json()["code"] == "already_answered"
    assert Response.objects.get().choice == "a"


def test_an_answer_to_another_question_is_refused(client, bank):
    body = post(client, "/diagnostics", {"purpose": "placement"}).json()
    headers = {"X-Resume-Code": body["resume_code"]}
    other = next(v for v in bank if v.pk != body["item"]["id"])
    result = post(client, f"/diagnostics/{body['id']}/answers",
                  {"item_version_id": other.pk, "choice": "a"}, **headers)
    assert result.status_code == 409 and result.json()["code"] == "not_current"
    assert not Response.objects.exists()


def test_a_wrong_resume_code_is_a_404(client, bank):
    body = post(client, "/diagnostics", {"purpose": "placement"}).json()
    wrong = "ABCDEFGH" if body["resume_code"] != "ABCDEFGH" else "HGFEDCBA"
    answer = {"item_version_id": body["item"]["id"], "choice": "a"}
    for headers in ({"X-Resume-Code": wrong}, {}):
        assert get(client, f"/diagnostics/{body['id']}/next", **headers).status_code == 404
        refused = post(client, f"/diagnostics/{body['id']}/answers", answer, **headers)
        assert refused.status_code == 404 and refused.json()["message"]
    assert not Response.objects.exists()


def test_staff_start_a_pre_test_and_continue_it_with_their_token(client, people, course):
    _course_class, (first, *_rest) = course
    token = bearer(people.instructor)
    started = post(client, "/diagnostics", {"purpose": "pre", "application_id": first.pk},
                   **staff(token))
    assert started.status_code == 201
    body = started.json()
    diagnostic = Diagnostic.objects.get()
    assert diagnostic.application == first and diagnostic.entered_by == people.instructor
    answer = {"item_version_id": body["item"]["id"], "choice": ""}
    assert post(client, f"/diagnostics/{body['id']}/answers", answer,
                **staff(token)).status_code == 200
    again = post(client, "/diagnostics", {"purpose": "pre", "application_id": first.pk},
                 **staff(token)).json()
    assert again["id"] == body["id"] and again["resume_code"] is None
    assert again["item"]["position"] == 2


def test_a_course_test_needs_a_staff_token(client, course):
    _course_class, (first, *_rest) = course
    refused = post(client, "/diagnostics", {"purpose": "pre", "application_id": first.pk})
    assert refused.status_code == 401 and refused.json()["code"] == "no_credentials"
    assert not Diagnostic.objects.exists()


def test_outsiders_get_nothing(client, people, bank, course):
    _course_class, (first, *_rest) = course
    form = fixed_form(bank, key="standard")
    sitting = diagnostic_start(purpose="pre", mode="adaptive", application=first).diagnostic
    token = bearer(people.outsider)
    start = post(client, "/diagnostics", {"purpose": "post", "application_id": first.pk},
                 **staff(token))
    assert start.status_code == 404
    assert get(client, f"/diagnostics/{sitting.pk}/next", **staff(token)).status_code == 404
    paper = post(client, "/diagnostics/paper", {
        "application_id": first.pk, "purpose": "post", "form": form.key,
        "choices": {str(p): "a" for p in range(1, 11)},
    }, **staff(token))
    assert paper.status_code == 404
    assert Diagnostic.objects.count() == 1 and not Response.objects.exists()


def test_it_enters_a_paper_sheet(client, people, bank, course):
    _course_class, (first, *_rest) = course
    form = fixed_form(bank, key="standard", size=5)
    result = post(client, "/diagnostics/paper", {
        "application_id": first.pk, "purpose": "pre", "form": "standard",
        "choices": {"1": "a", "2": "a", "3": "b", "4": "", "5": "a"},
    }, **staff(bearer(people.manager)))
    assert result.status_code == 201, result.json()
    diagnostic = Diagnostic.objects.get()
    assert diagnostic.form == form and diagnostic.taken_via == "paper"
    assert [r.correct for r in diagnostic.responses.all()] == [True, True, False, False, True]
    assert result.json()["score"] == pytest.approx(diagnostic.score)


@pytest.mark.parametrize("choices, code", [
    ({"1": "a", "2": "a", "4": "a", "5": "a"}, "incomplete"),
    ({"1": "a", "2": "a", "3": "z", "4": "a", "5": "a"}, "invalid_choice"),
])
def test_an_incomplete_or_wrong_paper_sheet_saves_nothing(
    client, people, bank, course, choices, code,
):
    _course_class, (first, *_rest) = course
    fixed_form(bank, key="standard", size=5)
    result = post(client, "/diagnostics/paper", {
        "application_id": first.pk, "purpose": "pre", "form": "standard", "choices": choices,
    }, **staff(bearer(people.manager)))
    assert result.status_code == 422 and result.json()["code"] == code
    if code == "incomplete":
        assert "3" in result.json()["message"]
    assert not Diagnostic.objects.exists() and not Response.objects.exists()


def test_it_limits_wrong_resume_codes_per_address(client, bank, monkeypatch):
    from assessment import resume_limit

    monkeypatch.setattr(resume_limit, "RESUME_MAX_FAILURES_PER_ADDRESS", 3)
    body = post(client, "/diagnostics", {"purpose": "placement"}).json()
    wrong = "ABCDEFGH" if body["resume_code"] != "ABCDEFGH" else "HGFEDCBA"
    path = f"/diagnostics/{body['id']}/next"
    for _ in range(3):
        assert get(client, path, **{"X-Resume-Code": wrong}).status_code == 404
    locked = get(client, path, **{"X-Resume-Code": body["resume_code"]})
    assert locked.status_code == 429 and locked.json()["code"] == "too_many_attempts"
    answer = {"item_version_id": body["item"]["id"], "choice": "a"}
    refused = post(client, f"/diagnostics/{body['id']}/answers", answer,
                   **{"X-Resume-Code": body["resume_code"]})
    assert refused.status_code == 429
    assert not Response.objects.exists()
    # Another address is not held up by this one's guesses.
    other = client.get(f"/api/v1{path}", REMOTE_ADDR="10.9.9.9",
                       headers={"X-Resume-Code": body["resume_code"]})
    assert other.status_code == 200


def test_a_form_key_with_a_nul_character_is_refused_not_a_crash(client, people, bank, course):
    _course_class, (first, *_rest) = course
    fixed_form(bank, key="standard", size=3)
    headers = staff(bearer(people.instructor))
    started = post(client, "/diagnostics", {"purpose": "placement", "mode": "fixed",
                                            "form": "standard\u0000"})
    assert started.status_code == 422 and started.json()["code"] == "invalid_form"
    paper = post(client, "/diagnostics/paper", {
        "application_id": first.pk, "purpose": "pre", "form": "standard\u0000",
        "choices": {"1": "a", "2": "a", "3": "a"},
    }, **headers)
    assert paper.status_code == 422 and paper.json()["code"] == "invalid_form"
    assert not Diagnostic.objects.exists()


def test_it_limits_anonymous_placement_starts_per_address(client, bank, monkeypatch):
    from assessment import resume_limit

    monkeypatch.setattr(resume_limit, "PLACEMENT_MAX_STARTS", 2)
    for _ in range(2):
        assert post(client, "/diagnostics", {"purpose": "placement"}).status_code == 201
    refused = post(client, "/diagnostics", {"purpose": "placement"})
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_starts"
    assert refused.json()["message"]
    assert Diagnostic.objects.count() == 2
    # The page counts against the same address.
    assert client.post("/diagnostic/placement/").status_code == 429
    assert Diagnostic.objects.count() == 2
