"""The learner's test pages: placement to the end, resume by code, access, nothing lost."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from assessment import resume_limit, views
from assessment.models import Diagnostic, DiagnosticStatus, Mode, Purpose, Response
from assessment.services import diagnostic_answer, diagnostic_next, diagnostic_start
from assessment.testing import fixed_form, small_bank
from enrollment.testing import apply, course, recruiting_class

pytestmark = pytest.mark.django_db

PLACEMENT = reverse("assessment:placement")
RESUME = reverse("assessment:resume")
PHONE = "01031112222"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bank():
    return small_bank()


def take_url(diagnostic):
    return reverse("assessment:take", args=[diagnostic.pk])


def start_placement(client):
    response = client.post(PLACEMENT)
    diagnostic = Diagnostic.objects.latest("pk")
    assert response["Location"] == reverse("assessment:code", args=[diagnostic.pk]) + "#main"
    shown = client.get(response["Location"])
    return diagnostic, shown.context["code"]


def answer_shown(client, diagnostic, choose=lambda version: version.answer):
    page = client.get(take_url(diagnostic))
    version = page.context["version"]
    return client.post(take_url(diagnostic), {"question": version.pk, "choice": choose(version)})


def answer_to_the_end(client, diagnostic, choose=lambda version: version.answer):
    for _ in range(60):
        response = answer_shown(client, diagnostic, choose)
        if response["Location"] == reverse("assessment:result", args=[diagnostic.pk]) + "#main":
            return response
    raise AssertionError("the sitting never ended")


def test_it_takes_an_anonymous_placement_test_to_the_result(bank, client):
    assert client.get(PLACEMENT).status_code == 200
    diagnostic, code = start_placement(client)
    assert diagnostic.purpose == Purpose.PLACEMENT and diagnostic.application is None
    assert len(code.replace(" ", "")) == 8
    # Shown once only.
    assert client.get(reverse("assessment:code", args=[diagnostic.pk])).context["code"] == ""
    first = client.get(take_url(diagnostic))
    assert first.context["number"] == 1 and first.context["planned"] is None
    answer_to_the_end(client, diagnostic)
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.COMPLETED
    result = client.get(reverse("assessment:result", args=[diagnostic.pk]))
    assert result.context["score"] == round(diagnostic.score)
    assert result.context["level"] == diagnostic.placement_level
    assert reverse("finder-start") in result.content.decode()
    assert len(result.context["areas"]) == 5
    # A finished sitting goes straight to its result.
    assert client.get(take_url(diagnostic))["Location"].endswith("/result/#main")


def test_it_resumes_with_the_code_in_another_browser(bank, client):
    diagnostic, code = start_placement(client)
    answer_shown(client, diagnostic)
    answer_shown(client, diagnostic)
    other = Client()
    assert other.get(take_url(diagnostic)).status_code == 403
    typed = "-".join(code.lower().split())  # "abcd-2345"
    response = other.post(RESUME, {"code": f"  {typed} "})
    assert response["Location"] == take_url(diagnostic) + "#main"
    page = other.get(take_url(diagnostic))
    assert page.context["number"] == 3
    assert page.context["version"] == client.get(take_url(diagnostic)).context["version"]


def test_it_says_clearly_when_the_code_is_wrong(bank, client):
    start_placement(client)
    response = Client().post(RESUME, {"code": "ZZZZ 9999"})
    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    short = Client().post(RESUME, {"code": "AB"})
    assert short.status_code == 400 and short.context["form"].errors["code"]


def test_it_limits_wrong_codes_per_session(bank, client):
    diagnostic, code = start_placement(client)
    guesser = Client()
    for _ in range(resume_limit.RESUME_MAX_FAILURES):
        assert guesser.post(RESUME, {"code": "ZZZZ9999"}).status_code == 400
    locked = guesser.post(RESUME, {"code": code})
    assert locked.status_code == 429 and locked.context["locked"]
    assert guesser.get(take_url(diagnostic)).status_code == 403


def test_it_refuses_someone_elses_sitting(bank, client, people):
    diagnostic, _code = start_placement(client)
    other = Client()
    version = diagnostic_next(diagnostic)
    for url in (take_url(diagnostic), reverse("assessment:pause", args=[diagnostic.pk]),
                reverse("assessment:result", args=[diagnostic.pk]),
                reverse("assessment:code", args=[diagnostic.pk])):
        assert other.get(url).status_code == 403
    refused = other.post(take_url(diagnostic), {"question": version.pk, "choice": "a"})
    assert refused.status_code == 403
    assert not Response.objects.filter(diagnostic=diagnostic).exists()
    other.force_login(people.outsider)
    assert other.get(take_url(diagnostic)).status_code == 403


def test_it_lets_the_class_staff_open_a_course_test(bank, people, client):
    application = apply(recruiting_class(people)).application
    diagnostic = diagnostic_start(
        application=application, purpose=Purpose.PRE, mode=Mode.ADAPTIVE,
    ).diagnostic
    client.force_login(people.manager)
    assert client.get(take_url(diagnostic)).status_code == 200


def test_it_loses_nothing_on_a_double_or_stale_answer(bank, client):
    diagnostic, _code = start_placement(client)
    version = client.get(take_url(diagnostic)).context["version"]
    data = {"question": version.pk, "choice": version.answer}
    client.post(take_url(diagnostic), data)
    again = client.post(take_url(diagnostic), data, follow=True)
    assert Response.objects.filter(diagnostic=diagnostic).count() == 1
    assert again.context["number"] == 2
    other_choice = next(o["key"] for o in version.options if o["key"] != version.answer)
    stale = client.post(take_url(diagnostic), {"question": version.pk, "choice": other_choice},
                        follow=True)
    assert [str(m) for m in stale.context["messages"]] == [str(views.CALM_MESSAGE)]
    assert stale.context["number"] == 2
    saved = Response.objects.get(diagnostic=diagnostic)
    assert saved.choice == version.answer
    not_current = next(
        v for v in bank if v.pk not in {version.pk, stale.context["version"].pk}
    )
    client.post(take_url(diagnostic), {"question": not_current.pk, "choice": "a"})
    client.post(take_url(diagnostic), {"question": "nonsense", "choice": "a"})
    assert Response.objects.filter(diagnostic=diagnostic).count() == 1


def test_it_counts_i_am_not_sure_as_an_answer(bank, client):
    diagnostic, _code = start_placement(client)
    answer_shown(client, diagnostic, choose=lambda version: "")
    saved = Response.objects.get(diagnostic=diagnostic)
    assert saved.choice == "" and not saved.correct


def test_it_shows_the_screen_description_and_fixed_form_progress(bank, client, people):
    bank[0].screen = {"type": "sms", "alt": "문자 메시지 화면: 택배가 왔다는 문자"}
    bank[0].save(update_fields=["screen"])
    application = apply(recruiting_class(people)).application
    form = fixed_form(bank, size=5)
    started = diagnostic_start(
        application=application, purpose=Purpose.PRE, mode=Mode.FIXED, form=form,
    )
    session = client.session
    session["assessment-allowed"] = [started.diagnostic.pk]
    session.save()
    page = client.get(take_url(started.diagnostic))
    assert page.context["version"] == bank[0]
    assert page.context["number"] == 1 and page.context["planned"] == 5
    assert "택배가 왔다는 문자" in page.content.decode()


def test_it_shows_the_pause_page_with_the_way_back(bank, client):
    diagnostic, _code = start_placement(client)
    answer_shown(client, diagnostic)
    page = client.get(reverse("assessment:pause", args=[diagnostic.pk]))
    assert page.context["answered"] == 1
    body = page.content.decode()
    assert take_url(diagnostic) in body and RESUME in body


def open_application(client, applied):
    client.post(reverse("enrollment-manage"), {"code": applied.manage_code, "phone": PHONE})


def test_it_starts_the_pre_test_from_my_application(bank, people, client):
    applied = apply(recruiting_class(people), phone=PHONE)
    open_application(client, applied)
    page = client.get(reverse("enrollment-manage"))
    assert page.context["course_test"] == Purpose.PRE
    assert reverse("assessment:course-start") in page.content.decode()
    response = client.post(reverse("assessment:course-start"))
    diagnostic = Diagnostic.objects.get(application=applied.application)
    assert diagnostic.purpose == Purpose.PRE and diagnostic.mode == Mode.ADAPTIVE
    assert response["Location"] == reverse("assessment:code", args=[diagnostic.pk]) + "#main"
    assert client.get(take_url(diagnostic)).status_code == 200
    # Pressing the button again continues the same sitting.
    again = client.post(reverse("assessment:course-start"))
    assert again["Location"] == take_url(diagnostic) + "#main"
    assert Diagnostic.objects.filter(application=applied.application).count() == 1


def test_it_starts_no_course_test_without_the_opened_application(bank, people, client):
    applied = apply(recruiting_class(people), phone=PHONE)
    response = client.post(reverse("assessment:course-start"))
    assert response["Location"] == reverse("enrollment-manage")
    assert not Diagnostic.objects.filter(application=applied.application).exists()
    assert client.get(reverse("assessment:course-start")).status_code == 405


def test_it_shows_the_change_since_the_pre_test(bank, people, client):
    application = apply(recruiting_class(people)).application
    pre = diagnostic_start(application=application, purpose=Purpose.PRE, mode=Mode.ADAPTIVE)
    for _ in range(60):
        version = diagnostic_next(pre.diagnostic)
        if version is None:
            break
        diagnostic_answer(diagnostic=pre.diagnostic, item_version=version, choice="")
    post = diagnostic_start(application=application, purpose=Purpose.POST, mode=Mode.ADAPTIVE)
    session = client.session
    session["assessment-allowed"] = [post.diagnostic.pk]
    session.save()
    answer_to_the_end(client, post.diagnostic)
    pre.diagnostic.refresh_from_db()
    post.diagnostic.refresh_from_db()
    result = client.get(reverse("assessment:result", args=[post.diagnostic.pk]))
    assert result.context["before"] == pre.diagnostic
    assert result.context["change"] == round(post.diagnostic.score) - round(pre.diagnostic.score)
    assert result.context["change"] > 0
    changes = {row["key"]: row["change"] for row in result.context["areas"]}
    for area, scores in post.diagnostic.area_scores.items():
        if area in pre.diagnostic.area_scores:
            expected = round(scores["score"]) - round(pre.diagnostic.area_scores[area]["score"])
            assert changes[area] == expected


def test_it_links_a_placement_to_classes_at_its_level(bank, people, client):
    basic = recruiting_class(people)
    advanced = recruiting_class(
        people, course_=course("키오스크 심화", level="advanced", sessions=4),
    )
    diagnostic, _code = start_placement(client)
    answer_to_the_end(client, diagnostic)
    diagnostic.refresh_from_db()
    result = client.get(reverse("assessment:result", args=[diagnostic.pk]))
    sido = people.gangnam_center.region.sido
    assert sido in list(result.context["sidos"])
    body = result.content.decode()
    assert f'name="level" value="{diagnostic.placement_level}"' in body
    found = client.get(reverse("finder-results"), {
        "region": sido.code, "in_region": "on", "level": "advanced",
    })
    shown = {card["class"].pk for card in found.context["hits"]}
    assert advanced.pk in shown and basic.pk not in shown


def test_it_answers_a_missing_sitting_as_it_answers_someone_elses(bank, client):
    diagnostic, _code = start_placement(client)
    other = Client()
    for name in ("assessment:take", "assessment:pause", "assessment:result", "assessment:code"):
        theirs = other.get(reverse(name, args=[diagnostic.pk]))
        missing = other.get(reverse(name, args=[diagnostic.pk + 1000]))
        assert theirs.status_code == missing.status_code == 403
        assert [t.name for t in theirs.templates] == [t.name for t in missing.templates]


def test_it_points_a_course_test_result_to_the_next_step(bank, people, client):
    application = apply(recruiting_class(people)).application
    started = diagnostic_start(application=application, purpose=Purpose.PRE, mode=Mode.ADAPTIVE)
    session = client.session
    session["assessment-allowed"] = [started.diagnostic.pk]
    session.save()
    answer_to_the_end(client, started.diagnostic)
    result = reverse("assessment:result", args=[started.diagnostic.pk])
    staff_class = reverse("assessment_staff:class", args=[application.course_class_id])
    learner_page = client.get(result).content.decode()
    assert f'href="{reverse("enrollment-manage")}"' in learner_page
    assert staff_class not in learner_page
    # Handed over on the centre's tablet: staff take it back to the class.
    client.force_login(people.instructor)
    assert f'href="{staff_class}"' in client.get(result).content.decode()


def test_it_limits_placement_starts_per_address(bank, client, monkeypatch):
    monkeypatch.setattr(resume_limit, "PLACEMENT_MAX_STARTS", 2)
    start_placement(client)
    start_placement(Client())
    refused = Client().post(PLACEMENT)
    assert refused.status_code == 429 and refused.context["error"]
    assert Diagnostic.objects.count() == 2
