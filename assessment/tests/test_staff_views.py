"""Staff pages of a class's tests: who sees them, tablet hand-over, paper entry, aside, finish."""

import pytest

from accounts.handover import HANDOVER_KEY
from assessment.models import Diagnostic, DiagnosticStatus, Mode, Purpose, Response, TakenVia
from assessment.selectors import SESSION_KEY
from assessment.services import diagnostic_answer, diagnostic_next, diagnostic_start
from assessment.testing import fixed_form, small_bank
from attendance.testing import running_class

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(people):
    versions = small_bank()
    form = fixed_form(versions, key="standard", size=6)
    course_class, applications = running_class(people)
    return course_class, applications, form


def class_url(course_class, suffix=""):
    return f"/staff/assessment/classes/{course_class.pk}/{suffix}"


def paper_url(course_class, application, purpose="pre"):
    return class_url(course_class, f"paper/{application.pk}/{purpose}/?form=standard")


def all_answers(form, number="1"):
    return {f"q{fi.position}": number for fi in form.form_items.all()}


def test_it_shows_the_class_to_its_instructor_with_masked_names_and_counts(client, people, setup):
    course_class, (first, second, _third), form = setup
    client.force_login(people.instructor)
    client.post(paper_url(course_class, first), all_answers(form))
    client.post(paper_url(course_class, second, "post"), all_answers(form, "0"))
    response = client.get(class_url(course_class))
    assert response.status_code == 200
    body = response.content.decode()
    assert "김*희" in body and "김영희" not in body
    counts = response.context["counts"]
    assert (counts["both"], counts["pre_only"], counts["post_only"], counts["neither"]) == (
        0, 1, 1, 1,
    )
    first_row = response.context["rows"][0]
    assert first_row.pre.completed and first_row.areas


def test_it_counts_the_change_for_learners_with_both_tests(client, people, setup):
    course_class, (first, *_rest), form = setup
    client.force_login(people.manager)
    client.post(paper_url(course_class, first), all_answers(form, "0"))
    client.post(paper_url(course_class, first, "post"), all_answers(form, "1"))
    row = client.get(class_url(course_class)).context["rows"][0]
    pre, post = (Diagnostic.objects.get(application=first, purpose=p) for p in ("pre", "post"))
    assert row.change == pytest.approx(post.score - pre.score) and row.change > 0


@pytest.mark.parametrize("who", ["outsider", "other_centre_manager", "other_instructor"])
def test_outsiders_get_nothing(client, people, setup, who):
    course_class, (first, *_rest), form = setup
    if who == "other_centre_manager":
        from accounts.models import Role
        from accounts.services import role_grant_create
        from accounts.testing import _user

        user = _user("seocho-manager", "서초운영자")
        role_grant_create(user=user, role=Role.CENTER_MANAGER, center=people.seocho_center)
    elif who == "other_instructor":
        course_class.instructor = None
        course_class.save(update_fields=["instructor"])
        user = people.instructor
    else:
        user = people.outsider
    client.force_login(user)
    started = diagnostic_start(purpose=Purpose.PRE, mode=Mode.ADAPTIVE, application=first)
    diagnostic = started.diagnostic
    assert client.get(class_url(course_class)).status_code == 404
    assert client.get(paper_url(course_class, first)).status_code == 404
    assert client.post(paper_url(course_class, first, "post"), all_answers(form)).status_code == 404
    start = class_url(course_class, f"start/{first.pk}/")
    assert client.post(start, {"purpose": "post", "how": "adaptive"}).status_code == 404
    abandon = class_url(course_class, f"sittings/{diagnostic.pk}/abandon/")
    assert client.get(abandon).status_code == 404
    assert client.post(abandon).status_code == 404
    finish = class_url(course_class, f"sittings/{diagnostic.pk}/finish/")
    assert client.post(finish).status_code == 404
    assert Diagnostic.objects.get().status == DiagnosticStatus.IN_PROGRESS
    assert not Response.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, setup):
    course_class, _applications, _form = setup
    response = client.get(class_url(course_class))
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_it_enters_a_paper_sheet_and_shows_the_score(client, people, setup):
    course_class, (first, *_rest), form = setup
    client.force_login(people.instructor)
    page = client.get(paper_url(course_class, first))
    assert page.status_code == 200
    # Three options and "no answer" for each of the six questions.
    assert page.content.decode().count('type="radio" name="q') == 6 * 4
    response = client.post(paper_url(course_class, first), all_answers(form), follow=True)
    diagnostic = Diagnostic.objects.get(application=first, purpose=Purpose.PRE)
    assert diagnostic.status == DiagnosticStatus.COMPLETED
    assert diagnostic.taken_via == TakenVia.PAPER and diagnostic.entered_by == people.instructor
    assert [r.correct for r in diagnostic.responses.all()] == [True] * 6
    assert response.redirect_chain[-1][0].endswith(class_url(course_class))
    assert f"{diagnostic.score:.0f}" in response.content.decode()


def test_a_sheet_with_a_question_missing_saves_nothing(client, people, setup):
    course_class, (first, *_rest), form = setup
    client.force_login(people.instructor)
    answers = all_answers(form, "2")
    del answers["q4"]
    response = client.post(paper_url(course_class, first), answers)
    assert response.status_code == 200
    assert "4" in " ".join(response.context["form"].non_field_errors())
    assert not Diagnostic.objects.exists() and not Response.objects.exists()
    # What was marked is kept on the page for the correction.
    assert 'name="q1" value="2" checked' in response.content.decode()


def test_the_quick_field_fills_every_question(client, people, setup):
    course_class, (first, *_rest), _form = setup
    client.force_login(people.instructor)
    client.post(paper_url(course_class, first), {"quick": "1 2 3 0 1 2"})
    chosen = list(
        Diagnostic.objects.get().responses.order_by("position").values_list("choice", flat=True)
    )
    assert chosen == ["a", "b", "c", "", "a", "b"]


@pytest.mark.parametrize("quick", ["1 2 3", "1 2 3 4 1 2", "1 2 x 0 1 2"])
def test_a_wrong_quick_line_saves_nothing(client, people, setup, quick):
    course_class, (first, *_rest), _form = setup
    client.force_login(people.instructor)
    response = client.post(paper_url(course_class, first), {"quick": quick})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Diagnostic.objects.exists()


def test_a_second_sheet_for_the_same_test_is_refused(client, people, setup):
    course_class, (first, *_rest), form = setup
    client.force_login(people.instructor)
    client.post(paper_url(course_class, first), all_answers(form, "1"))
    response = client.post(paper_url(course_class, first), all_answers(form, "2"))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert set(Response.objects.values_list("choice", flat=True)) == {"a"}


def test_paper_answers_are_refused_while_a_tablet_sitting_is_open(client, people, setup):
    course_class, (first, *_rest), form = setup
    diagnostic_start(purpose=Purpose.PRE, mode=Mode.ADAPTIVE, application=first)
    client.force_login(people.instructor)
    response = client.post(paper_url(course_class, first), all_answers(form))
    assert response.context["form"].non_field_errors()
    assert not Response.objects.exists()


def test_the_tablet_hand_over_opens_the_question_page(client, people, setup):
    course_class, (first, *_rest), _form = setup
    client.force_login(people.instructor)
    response = client.post(
        class_url(course_class, f"start/{first.pk}/"), {"purpose": "pre", "how": "adaptive"},
    )
    diagnostic = Diagnostic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/diagnostic/{diagnostic.pk}/"
    assert diagnostic.pk in client.session[SESSION_KEY]
    assert diagnostic.entered_by == people.instructor and diagnostic.mode == Mode.ADAPTIVE
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert diagnostic_next(diagnostic).stem in page.content.decode()


def test_the_hand_over_continues_an_open_fixed_sitting(client, people, setup):
    course_class, (first, *_rest), form = setup
    client.force_login(people.instructor)
    url = class_url(course_class, f"start/{first.pk}/")
    client.post(url, {"purpose": "post", "how": "standard"})
    session = client.session
    del session[HANDOVER_KEY]  # staff took the tablet back
    session.save()
    client.post(url, {"purpose": "post", "how": "standard"})
    diagnostic = Diagnostic.objects.get()
    assert diagnostic.form == form and diagnostic.purpose == Purpose.POST


def answer_some(diagnostic, count):
    for _ in range(count):
        diagnostic_answer(diagnostic=diagnostic, item_version=diagnostic_next(diagnostic),
                          choice="a")


def test_it_sets_a_sitting_aside_after_asking(client, people, setup):
    course_class, (first, *_rest), _form = setup
    diagnostic = diagnostic_start(
        purpose=Purpose.PRE, mode=Mode.ADAPTIVE, application=first,
    ).diagnostic
    answer_some(diagnostic, 2)
    client.force_login(people.instructor)
    url = class_url(course_class, f"sittings/{diagnostic.pk}/abandon/")
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'method="post"' in confirm.content.decode()
    assert Diagnostic.objects.get().status == DiagnosticStatus.IN_PROGRESS
    client.post(url)
    assert Diagnostic.objects.get().status == DiagnosticStatus.ABANDONED
    row = client.get(class_url(course_class)).context["rows"][0]
    assert row.pre.diagnostic is None  # a new pre-test may start


def test_it_scores_a_sitting_from_the_answers_so_far(client, people, setup):
    course_class, (first, *_rest), _form = setup
    diagnostic = diagnostic_start(
        purpose=Purpose.PRE, mode=Mode.ADAPTIVE, application=first,
    ).diagnostic
    answer_some(diagnostic, 3)
    client.force_login(people.instructor)
    client.post(class_url(course_class, f"sittings/{diagnostic.pk}/finish/"))
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.COMPLETED and diagnostic.responses.count() == 3
    assert diagnostic.score is not None


def test_the_class_page_links_to_the_tests(client, people, setup):
    course_class, _applications, _form = setup
    client.force_login(people.instructor)
    body = client.get(f"/staff/classes/{course_class.pk}/").content.decode()
    assert class_url(course_class) in body


def test_a_form_key_with_a_nul_character_is_not_found(client, people, setup):
    course_class, (first, *_rest), form = setup
    client.force_login(people.instructor)
    url = class_url(course_class, f"paper/{first.pk}/pre/?form=standard%00")
    assert client.get(url).status_code == 404
    assert client.post(url, all_answers(form)).status_code == 404
    assert not Diagnostic.objects.exists()
