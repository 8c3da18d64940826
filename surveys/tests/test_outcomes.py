"""The summaries against an independent computation on the raw rows (pandas, scipy)."""

import random

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from surveys.models import AnsweredVia, SurveyKind, SurveyResponse
from surveys.outcomes import follow_up_summary, satisfaction_summary, wilson
from surveys.questionnaire import questionnaire_get
from surveys.services import survey_submit
from surveys.testing import finished_class

pytestmark = pytest.mark.django_db

SCALE_KEYS = [q.key for q in questionnaire_get(SurveyKind.COURSE_END).scored]
THINGS = [str(c.value) for c in questionnaire_get(SurveyKind.FOLLOW_UP).question("things").choices]  # type: ignore[union-attr]


def answered(people, kind, rows):
    _, applications = finished_class(people, learners=len(rows), attended=False)
    for application, row in zip(applications, rows, strict=True):
        answers = {key: value for key, value in row.items() if key != "_comment"}
        survey_submit(
            application=application, kind=kind, answers=answers,
            comment=row.get("_comment", ""),
            answered_via=AnsweredVia.PAPER, by=people.manager,
        )


def random_course_end(rng: random.Random, n: int) -> list[dict]:
    rows: list[dict] = []
    for _ in range(n):
        row = {key: rng.choices([5, 4, 3, 2, 1], [70, 20, 6, 3, 1])[0] for key in SCALE_KEYS}
        for key in rng.sample(SCALE_KEYS, rng.choice([0, 0, 0, 1, 2])):
            del row[key]  # blanks
        rows.append(row)
    rows.append({"_comment": "의견만 적었습니다"})  # no score: not in n
    return rows


def test_the_satisfaction_summary_matches_pandas_and_scipy(people):
    rows = random_course_end(random.Random(7), 11)
    answered(people, SurveyKind.COURSE_END, rows)
    summary = satisfaction_summary(SurveyResponse.objects.all())

    frame = pd.DataFrame(rows).reindex(columns=SCALE_KEYS).astype("float")
    points = (frame - 1) / 4 * 100
    scores = points.mean(axis=1, skipna=True).dropna()
    n = len(scores)
    low, high = stats.t.interval(0.95, n - 1, loc=scores.mean(), scale=stats.sem(scores))
    assert summary.n == n
    assert summary.mean == pytest.approx(scores.mean(), abs=1e-3)
    assert summary.sd == pytest.approx(scores.std(ddof=1), abs=1e-3)
    assert summary.ci_low == pytest.approx(max(0, low), abs=1e-3)
    assert summary.ci_high == pytest.approx(min(100, high), abs=1e-3)
    for key in SCALE_KEYS:
        assert summary.per_question[key] == pytest.approx(frame[key].mean(skipna=True))
        assert summary.per_question_n[key] == frame[key].count()


def test_an_empty_or_single_group_has_no_interval(people):
    assert satisfaction_summary(SurveyResponse.objects.all()).n == 0
    answered(people, SurveyKind.COURSE_END, [{"instructor": 4}])
    one = satisfaction_summary(SurveyResponse.objects.all())
    assert (one.n, one.mean, one.ci_low) == (1, 75.0, None)


def test_the_follow_up_summary_matches_an_independent_count(people):
    rng = random.Random(11)
    rows = []
    for _ in range(9):
        row: dict = {"things": rng.sample(THINGS, rng.randint(0, 3)),
                     "new_alone": rng.choice(["yes", "no"])}
        if rng.random() > 0.15:
            row["still_use"] = rng.choice([5, 5, 4, 3, 2, 1])
        rows.append(row)
    answered(people, SurveyKind.FOLLOW_UP, rows)
    summary = follow_up_summary(SurveyResponse.objects.all())

    frame = pd.DataFrame(rows)
    use = frame["still_use"].dropna() if "still_use" in frame else pd.Series(dtype=float)
    weekly = int((use >= 4).sum())
    assert (summary.n, summary.answered_use, summary.still_using) == (9, len(use), weekly)
    # Wilson interval, from statsmodels' formula written out with numpy.
    z = stats.norm.ppf(0.975)
    p, m = weekly / len(use), len(use)
    centre = (p + z**2 / (2 * m)) / (1 + z**2 / m)
    half = z / (1 + z**2 / m) * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2))
    assert summary.ci_low == pytest.approx(centre - half)
    assert summary.ci_high == pytest.approx(centre + half)
    for thing in THINGS:
        share = frame["things"].apply(lambda chosen, t=thing: t in chosen).mean()
        assert summary.things[thing] == pytest.approx(share)
    assert summary.new_alone_share == pytest.approx((frame["new_alone"] == "yes").mean())


def test_the_wilson_interval_stays_inside_0_and_1():
    assert wilson(0, 0) == (None, None)
    low, high = wilson(10, 10)
    assert low is not None and high is not None
    assert low == pytest.approx(10 / (10 + 1.959963984540054**2)) and high == pytest.approx(1.0)
