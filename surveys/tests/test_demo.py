import random
from datetime import timedelta

import pytest
from django.utils import timezone

from attendance.services import certificates_issue
from demo.seeding import DemoContext
from surveys import demo
from surveys.models import SurveyInvitation, SurveyKind, SurveyResponse
from surveys.outcomes import follow_up_summary, satisfaction_summary
from surveys.services import FOLLOW_UP_DAYS, followups_send
from surveys.testing import finished_class

pytestmark = pytest.mark.django_db


def seed(number: int = 5) -> DemoContext:
    context = DemoContext(scale="small", rng=random.Random(number))
    demo.seed(context)
    return context


def test_it_answers_finished_classes_plausibly_once(people):
    today = timezone.localdate()
    old, _ = finished_class(people, learners=12, ended=today - timedelta(days=FOLLOW_UP_DAYS))
    certificates_issue(course_class=old, by=people.manager)
    finished_class(people, learners=12, title="키오스크", ended=today - timedelta(days=3))
    seed()
    course_end = SurveyResponse.objects.filter(kind=SurveyKind.COURSE_END)
    summary = satisfaction_summary(course_end)
    assert 15 <= summary.n <= 24
    assert summary.mean is not None and 90 <= summary.mean <= 100
    follow_ups = SurveyResponse.objects.filter(kind=SurveyKind.FOLLOW_UP)
    assert set(follow_ups.values_list("application__course_class", flat=True)) == {old.pk}
    assert follow_up_summary(follow_ups).n == follow_ups.count() > 0
    assert SurveyInvitation.objects.filter(kind=SurveyKind.FOLLOW_UP).count() == 12
    assert followups_send(day=today) == 0  # the demo's learners were invited already
    before = SurveyResponse.objects.count()
    seed()
    assert SurveyResponse.objects.count() == before


def test_it_is_reproducible(people):
    finished_class(people, learners=10, ended=timezone.localdate() - timedelta(days=2))
    seed(9)
    first = sorted(SurveyResponse.objects.values_list("application_id", "score"))
    SurveyResponse.objects.all().delete()
    seed(9)
    assert sorted(SurveyResponse.objects.values_list("application_id", "score")) == first
