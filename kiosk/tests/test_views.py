"""The practice pages, the attempt sync, the progress page and the staff class page."""

import json
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext, override

from accounts.handover import HANDOVER_KEY
from accounts.models import Role
from accounts.services import role_grant_create
from attendance.testing import running_class
from audit.models import AuditEntry
from enrollment.models import Application
from enrollment.testing import apply, recruiting_class
from kiosk import engine, views
from kiosk.models import Attempt, PracticeMode
from kiosk.tests.test_services import CAFE, clumsy_events, guided_events, record

pytestmark = pytest.mark.django_db
PHONE = "010-4321-8765"


def payload(events: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
    scenario = engine.scenario_get(CAFE)
    assert scenario is not None
    data: dict[str, Any] = {
        "id": str(uuid.uuid4()), "scenario": CAFE, "version": scenario.version,
        "mode": "practice", "barrier_free": False, "seed": 3,
        "started_at": (timezone.now() - timedelta(minutes=4)).isoformat(),
        "events": guided_events() if events is None else events,
    }
    data.update(fields)
    return data


def sync(client: Client, data: Any) -> Any:
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(reverse("kiosk-attempt-sync"), body, content_type="application/json")


@pytest.fixture
def opened(people: Any, client: Client) -> Application:
    """A learner who opened "my application" in this browser with code and phone."""
    course_class = recruiting_class(people)
    applied = apply(course_class, phone=PHONE)
    client.post(reverse("enrollment-manage"), {"code": applied.manage_code, "phone": PHONE})
    return applied.application


def test_the_list_groups_kiosks_and_apps(client: Client) -> None:
    page = client.get(reverse("kiosk-list")).content.decode()
    scenario = engine.scenario_get(CAFE)
    assert scenario is not None
    assert scenario.title in page
    assert reverse("kiosk-start", args=[CAFE]) in page
    assert "kiosk/register-sw.js" in page


def test_the_intro_offers_three_modes_and_the_barrier_free_option(client: Client) -> None:
    page = client.get(reverse("kiosk-start", args=[CAFE])).content.decode()
    for mode in PracticeMode.values:
        assert f'name="mode" value="{mode}"' in page
    assert 'name="bf" value="1"' in page
    assert f'action="{reverse("kiosk-play", args=[CAFE])}"' in page


def test_the_play_page_has_the_scenario_and_urls(client: Client) -> None:
    response = client.get(reverse("kiosk-play", args=[CAFE]) + "?mode=real&bf=1")
    assert response.status_code == 200
    assert response.context["scenario_data"]["slug"] == CAFE
    assert response.context["sync_url"] == reverse("kiosk-attempt-sync")
    assert response.context["start_url"] == reverse("kiosk-start", args=[CAFE])


@pytest.mark.parametrize("name", ["kiosk-start", "kiosk-play"])
def test_an_unknown_machine_is_not_found(client: Client, name: str) -> None:
    assert client.get(reverse(name, args=["no-such-machine"])).status_code == 404


def test_sync_stores_once_then_answers_200(client: Client, opened: Application) -> None:
    data = payload(clumsy_events())
    first = sync(client, data)
    assert first.status_code == 201
    assert first.json() | {"id": ""} == {
        "id": "", "goal_reached": True, "wrong_taps": 1, "hints": 1, "timeouts": 0,
        "steps": first.json()["steps"], "seconds": round(data["events"][-1]["t"] / 1000),
    }
    again = sync(client, data)
    assert again.status_code == 200 and again.json() == first.json()
    assert Attempt.objects.get().application_id == opened.pk


def test_sync_without_a_linked_learner_is_403_and_stores_nothing(client: Client) -> None:
    response = sync(client, payload())
    assert response.status_code == 403
    assert response.json()["anonymous"] is True
    assert not Attempt.objects.exists()


@pytest.mark.parametrize("data", [
    "not json", [], {"id": "x"},
    {"started_at": "2026-01-01T10:00:00"},  # no offset
    {"scenario": "no-such-machine"},
    {"events": [{"type": "tap", "t": 0, "screen": "menu", "element": "americano"}]},
], ids=["text", "list", "fields", "naive-time", "scenario", "replay"])
def test_sync_refuses_what_is_not_an_attempt_with_a_message(
    client: Client, opened: Application, data: Any,
) -> None:
    body = payload(**data) if isinstance(data, dict) and "id" not in data else data
    response = sync(client, body)
    assert response.status_code == 400
    assert response.json()["message"]
    assert not Attempt.objects.exists()


def test_sync_refuses_a_body_that_is_too_long(
    client: Client, opened: Application, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "MAX_BODY", 100)
    assert sync(client, payload()).status_code == 400


def test_sync_is_limited_per_browser(
    client: Client, opened: Application, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "SYNC_LIMIT", 2)
    codes = [sync(client, payload()).status_code for _ in range(3)]
    assert codes == [201, 201, 429]


def test_sync_needs_the_csrf_token(opened: Application, client: Client) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert sync(strict, payload()).status_code == 403
    assert not Attempt.objects.exists()


def test_progress_shows_the_linked_learners_attempts(client: Client, opened: Application) -> None:
    record(opened, clumsy_events(), mode=PracticeMode.PRACTICE,
           started_at=timezone.now() - timedelta(days=2))
    record(opened, mode=PracticeMode.REAL)
    page = client.get(reverse("kiosk-progress")).content.decode()
    assert "2번" in page or "2 times" in page
    assert 'id="evidence-title"' in page
    assert "kiosk/progress.js" not in page


def test_progress_for_anonymous_counts_device_attempts_and_stores_nothing(client: Client) -> None:
    page = client.get(reverse("kiosk-progress")).content.decode()
    assert "kiosk/progress.js" in page and 'data-csrf="' in page
    kept = [
        payload(clumsy_events(), started_at=(timezone.now() - timedelta(days=1)).isoformat(),
                wrong_taps=0),  # the device's own counts are not read
        payload(mode="real"),
        {"scenario": "no-such-machine"},
    ]
    response = client.post(reverse("kiosk-progress"), json.dumps(kept),
                           content_type="application/json")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert [(p.scenario.slug, p.tries, p.reached_real) for p in summary] == [(CAFE, 2, True)]
    assert not Attempt.objects.exists()
    assert "<html" not in response.content.decode()


def test_progress_for_anonymous_says_how_many_practices_of_an_earlier_machine_it_leaves_out(
    client: Client,
) -> None:
    earlier = payload([{"type": "tap", "t": 1000, "screen": "home", "element": "gone-button"}],
                      version="earlier")
    kept = [earlier, payload(), {**earlier, "id": str(uuid.uuid4())}]
    response = client.post(reverse("kiosk-progress"), json.dumps(kept),
                           content_type="application/json")
    assert [p.tries for p in response.context["summary"]] == [1]
    with override(settings.LANGUAGE_CODE):
        sentence = ngettext(
            "%(count)s practice was made on an earlier version of its machine, "
            "so it cannot be shown here.",
            "%(count)s practices were made on earlier versions of their machines, "
            "so they cannot be shown here.", 2,
        ) % {"count": 2}
    assert f'<p class="kiosk-outdated">{sentence}</p>' in response.content.decode()
    alone = client.post(reverse("kiosk-progress"), json.dumps([payload()]),
                        content_type="application/json").content.decode()
    assert "kiosk-outdated" not in alone


def test_progress_post_that_is_not_json_is_400(client: Client) -> None:
    response = client.post(reverse("kiosk-progress"), "{", content_type="application/json")
    assert response.status_code == 400


# --- Staff ---------------------------------------------------------------------------


@pytest.fixture
def taught(people: Any) -> tuple[Any, list[Application]]:
    return running_class(people, learners=2)


@pytest.mark.parametrize("who", ["instructor", "manager", "gangnam_officer", "seoul_officer",
                                 "national"])
def test_the_class_page_is_for_the_classes_staff(
    client: Client, people: Any, taught: tuple[Any, list[Application]], who: str,
) -> None:
    course_class, applications = taught
    record(applications[0], clumsy_events(), mode=PracticeMode.PRACTICE)
    client.force_login(getattr(people, who))
    response = client.get(reverse("kiosk-class", args=[course_class.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert applications[0].learner.name not in page  # masked
    assert applications[0].learner.name[0] in page


def test_outsider_gets_nothing(
    client: Client, people: Any, taught: tuple[Any, list[Application]],
) -> None:
    course_class, applications = taught
    client.force_login(people.outsider)
    assert client.get(reverse("kiosk-class", args=[course_class.pk])).status_code == 404
    handover = reverse("kiosk-class-handover", args=[course_class.pk, applications[0].pk])
    assert client.post(handover).status_code == 404
    assert HANDOVER_KEY not in client.session


def test_anonymous_staff_page_goes_to_login(
    client: Client, taught: tuple[Any, list[Application]],
) -> None:
    response = client.get(reverse("kiosk-class", args=[taught[0].pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_handover_links_practice_on_this_tablet_to_the_learner(
    client: Client, people: Any, taught: tuple[Any, list[Application]],
) -> None:
    course_class, applications = taught
    client.force_login(people.instructor)
    handover = reverse("kiosk-class-handover", args=[course_class.pk, applications[1].pk])
    response = client.post(handover)
    assert response["Location"] == reverse("kiosk-list")
    assert client.get(reverse("kiosk-class", args=[course_class.pk])).status_code == 302  # locked
    assert sync(client, payload()).status_code == 201
    assert Attempt.objects.get().learner_id == applications[1].learner_id
    # Staff take the tablet back: practice here is anonymous again.
    session = client.session
    del session[HANDOVER_KEY]
    session.save()
    assert sync(client, payload()).status_code == 403


def test_handover_is_only_for_a_confirmed_learner_of_the_class(
    client: Client, people: Any, taught: tuple[Any, list[Application]],
) -> None:
    course_class, _applications = taught
    _other_class, (other, *_rest) = running_class(people, learners=1, title="키오스크 교실")
    client.force_login(people.instructor)
    response = client.post(reverse("kiosk-class-handover", args=[course_class.pk, other.pk]))
    assert response.status_code == 404
    assert views.APPLICATION_KEY not in client.session


def test_handover_needs_post(client: Client, people: Any,
                             taught: tuple[Any, list[Application]]) -> None:
    course_class, applications = taught
    client.force_login(people.instructor)
    handover = reverse("kiosk-class-handover", args=[course_class.pk, applications[0].pk])
    assert client.get(handover).status_code == 405



# --- Links and evidence on other pages -------------------------------------------------


def test_the_home_page_links_to_practice(client: Client) -> None:
    assert reverse("kiosk-list") in client.get(reverse("pages-home")).content.decode()


def test_the_class_page_links_its_staff_to_the_kiosk_page(
    client: Client, people: Any, taught: tuple[Any, list[Application]],
) -> None:
    client.force_login(people.instructor)
    page = client.get(reverse("classes-detail", args=[taught[0].pk])).content.decode()
    assert reverse("kiosk-class", args=[taught[0].pk]) in page


def test_my_application_shows_practice_and_its_evidence(
    client: Client, opened: Application,
) -> None:
    page = client.get(reverse("enrollment-manage")).content.decode()
    assert reverse("kiosk-list") in page
    scenario = engine.scenario_get(CAFE)
    assert scenario is not None and scenario.title not in page
    record(opened, mode=PracticeMode.REAL)
    page = client.get(reverse("enrollment-manage")).content.decode()
    assert scenario.title in page


def test_the_assessment_class_page_shows_real_life_evidence(
    client: Client, people: Any, taught: tuple[Any, list[Application]],
) -> None:
    course_class, (done, practised) = taught
    record(done, mode=PracticeMode.REAL)
    record(practised, mode=PracticeMode.PRACTICE)
    client.force_login(people.instructor)
    response = client.get(reverse("assessment_staff:class", args=[course_class.pk]))
    assert [a.pk for a, _evidence in response.context["kiosk_evidence"]] == [done.pk]
    scenario = engine.scenario_get(CAFE)
    assert scenario is not None and scenario.title in response.content.decode()


def test_the_class_page_queries_do_not_grow_with_learners(client: Client, people: Any) -> None:
    client.force_login(people.instructor)
    counts = []
    for learners in (1, 5):
        course_class, applications = running_class(people, learners=learners,
                                                   title=f"수업 {learners}")
        for application in applications:
            record(application, clumsy_events(), mode=PracticeMode.PRACTICE)
            record(application, mode=PracticeMode.REAL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("kiosk-class", args=[course_class.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Review: refusals, hand-over expiry, scoping ------------------------------------------


@pytest.mark.parametrize("body", [
    "[" * 50_000 + "]" * 50_000,
    json.dumps(payload(seed=True)),
    json.dumps(payload(events=[])),
    json.dumps(payload(events=[{"type": "tap", "t": 10**15, "screen": "home",
                                "element": "take-out"}])),
    json.dumps(payload(  # started a minute from now (the clock may be ahead), ends in 11
        [{**e, "t": e["t"] + 600_000} for e in guided_events()],
        started_at=(timezone.now() + timedelta(minutes=1)).isoformat())),
    json.dumps(payload(events=[{"type": "quit", "t": 1000, "screen": "home"},
                               {"type": "tap", "t": 2000, "screen": "home",
                                "element": "take-out"}])),
    json.dumps(payload(events=[{"type": "hint", "t": 1000, "screen": "home",
                                "element": "take-out"}])),
], ids=["nested", "seed-bool", "no-events", "huge-time", "ends-in-future", "after-quit",
        "hint-names-element"])
def test_it_refuses_a_made_up_record_with_a_message_and_stores_nothing(
    client: Client, opened: Application, body: str,
) -> None:
    response = sync(client, body)
    assert response.status_code == 400
    assert response.json()["message"]
    assert not Attempt.objects.exists()


@pytest.mark.parametrize(("played", "sent_as"), [
    (PracticeMode.PRACTICE, PracticeMode.REAL), (PracticeMode.REAL, PracticeMode.PRACTICE),
])
def test_sync_refuses_a_hint_or_time_out_the_mode_never_has(
    client: Client, opened: Application, played: str, sent_as: str,
) -> None:
    response = sync(client, payload(clumsy_events(played), mode=sent_as))
    assert response.status_code == 400
    assert "hint" in response.json()["message"] or "힌트" in response.json()["message"]
    assert not Attempt.objects.exists()
    assert sync(client, payload(clumsy_events(played), mode=played)).status_code == 201


def test_it_refuses_an_attempt_id_of_another_learner_without_showing_it(
    client: Client, opened: Application, people: Any,
) -> None:
    other = apply(recruiting_class(people), phone="010-2222-3333").application
    data = payload(clumsy_events())
    record(other, data["events"], mode=PracticeMode.PRACTICE, attempt_id=uuid.UUID(data["id"]))
    response = sync(client, data)
    assert response.status_code == 400
    assert set(response.json()) == {"message"}
    assert Attempt.objects.get().learner_id == other.learner_id


def handed_over(client: Client, people: Any, course_class: Any, application: Application) -> None:
    client.force_login(people.instructor)
    client.post(reverse("kiosk-class-handover", args=[course_class.pk, application.pk]))


def test_it_ends_a_handover_that_has_lasted_too_long(
    client: Client, people: Any, taught: tuple[Any, list[Application]],
) -> None:
    course_class, applications = taught
    handed_over(client, people, course_class, applications[0])
    session = client.session
    session[views.APPLICATION_KEY]["until"] = time.time() - 1
    session.save()
    assert sync(client, payload()).status_code == 403
    assert views.APPLICATION_KEY not in client.session
    assert not Attempt.objects.exists()


def test_it_audits_the_handover(
    client: Client, people: Any, taught: tuple[Any, list[Application]],
) -> None:
    course_class, applications = taught
    handed_over(client, people, course_class, applications[0])
    entry = AuditEntry.objects.get(action="kiosk.handover")
    assert entry.actor_id == people.instructor.pk
    assert entry.target_id == str(applications[0].pk)


def test_it_limits_anonymous_progress_pages(
    client: Client, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "PROGRESS_LIMIT", 1)
    url = reverse("kiosk-progress")
    codes = [client.post(url, "[]", content_type="application/json").status_code
             for _ in range(2)]
    assert codes == [200, 429]


def test_progress_fragment_shows_only_what_the_device_sent(
    client: Client, opened: Application,
) -> None:
    # Stored for the linked learner:
    record(opened, clumsy_events(PracticeMode.REAL), mode=PracticeMode.REAL)
    response = client.post(reverse("kiosk-progress"), "[]", content_type="application/json")
    assert response.status_code == 200
    scenario = engine.scenario_get(CAFE)
    assert scenario is not None and scenario.title not in response.content.decode()


@pytest.mark.parametrize("who", ["seocho_instructor", "busan_officer", "outsider"])
def test_staff_out_of_scope_get_nothing(
    client: Client, people: Any, taught: tuple[Any, list[Application]], who: str,
) -> None:
    course_class, applications = taught
    record(applications[0], mode=PracticeMode.REAL)
    users = {
        "seocho_instructor": lambda: _granted("seocho", Role.INSTRUCTOR,
                                              center=people.seocho_center),
        "busan_officer": lambda: _granted("busan", Role.REGIONAL_OFFICER,
                                          region=people.busan_center.region.parent
                                          or people.busan_center.region),
        "outsider": lambda: people.outsider,
    }
    client.force_login(users[who]())
    assert client.get(reverse("kiosk-class", args=[course_class.pk])).status_code == 404
    evidence = client.get(reverse("assessment_staff:class", args=[course_class.pk]))
    assert evidence.status_code in (403, 404)


def _granted(username: str, role: str, **where: Any) -> Any:
    user = get_user_model().objects.create_user(username=username, password="x" * 16)
    role_grant_create(user=user, role=role, **where)
    return user


@pytest.mark.parametrize("url", [
    reverse("kiosk-progress"), reverse("kiosk-list"), reverse("kiosk-start", args=[CAFE]),
])
def test_a_page_naming_the_linked_learner_is_not_kept_by_the_browser(
    client: Client, opened: Application, url: str,
) -> None:
    linked = client.get(url)
    assert "no-store" in linked["Cache-Control"] and "private" in linked["Cache-Control"]
    anonymous = Client().get(url)
    assert "no-store" not in anonymous.get("Cache-Control", "")  # the copy kept for offline use
