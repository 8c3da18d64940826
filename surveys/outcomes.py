"""Aggregate survey figures with their uncertainty (docs/surveys.md).

Both functions take a queryset of SurveyResponse (already scoped and filtered
by the caller: one class, a centre, a region, a course …) and read only the
columns they need.
"""

import math
from dataclasses import dataclass, field
from typing import Any

from scipy import stats as scipy_stats

from surveys.models import SurveyKind
from surveys.questionnaire import FREQUENCY, MULTI, YES_NO, questionnaire_get

# "Still using" = at least a few times a week on the frequency scale.
WEEKLY = 4
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Satisfaction:
    n: int  # responses with a score
    mean: float | None  # mean 100-point score
    sd: float | None  # sample standard deviation (n − 1)
    ci_low: float | None  # 95 % confidence interval of the mean (t distribution)
    ci_high: float | None
    per_question: dict[str, float] = field(default_factory=dict)  # mean answer, 1–5
    per_question_n: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FollowUp:
    n: int  # follow-up responses
    answered_use: int  # of which answered "how often"
    still_using: int  # answered at least a few times a week
    still_using_share: float | None
    ci_low: float | None  # Wilson 95 % interval of the share
    ci_high: float | None
    things: dict[str, float] = field(default_factory=dict)  # share of the n choosing each
    new_alone_share: float | None = None  # of those who answered the yes/no question


def satisfaction_summary(responses: Any) -> Satisfaction:
    rows = list(
        responses.filter(kind=SurveyKind.COURSE_END).values_list("score", "answers"),
    )
    scores = [score for score, _answers in rows if score is not None]
    sums: dict[str, list[int]] = {}
    for _score, answers in rows:
        for key, value in answers.items():
            if isinstance(value, int) and not isinstance(value, bool):
                sums.setdefault(key, []).append(value)
    keys = [q.key for q in questionnaire_get(SurveyKind.COURSE_END).scored]
    order = keys + sorted(set(sums) - set(keys))  # questions of older versions after
    per_question = {key: sum(sums[key]) / len(sums[key]) for key in order if key in sums}
    per_question_n = {key: len(sums[key]) for key in per_question}
    n = len(scores)
    if n == 0:
        return Satisfaction(0, None, None, None, None, per_question, per_question_n)
    mean = sum(scores) / n
    if n < 2:
        return Satisfaction(n, mean, None, None, None, per_question, per_question_n)
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1))
    half = float(scipy_stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return Satisfaction(
        n, mean, sd, max(0.0, mean - half), min(100.0, mean + half), per_question,
        per_question_n,
    )


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | tuple[None, None]:
    """The Wilson score interval of a proportion (good also near 0 % and 100 %)."""
    if n == 0:
        return None, None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def follow_up_summary(responses: Any) -> FollowUp:
    answers_list = list(
        responses.filter(kind=SurveyKind.FOLLOW_UP).values_list("answers", flat=True),
    )
    questionnaire = questionnaire_get(SurveyKind.FOLLOW_UP)
    use_key = next(q.key for q in questionnaire.questions if q.type == FREQUENCY)
    things_key = next(q.key for q in questionnaire.questions if q.type == MULTI)
    yes_key = next(q.key for q in questionnaire.questions if q.type == YES_NO)
    uses = [a[use_key] for a in answers_list if isinstance(a.get(use_key), int)]
    still = sum(1 for value in uses if value >= WEEKLY)
    n = len(answers_list)
    counts: dict[str, int] = {}
    for answers in answers_list:
        for thing in answers.get(things_key) or []:
            counts[thing] = counts.get(thing, 0) + 1
    things = {
        str(choice.value): counts.get(str(choice.value), 0) / n
        for choice in questionnaire.question(things_key).choices  # type: ignore[union-attr]
    } if n else {}
    yes_no = [a[yes_key] for a in answers_list if a.get(yes_key) in ("yes", "no")]
    low, high = wilson(still, len(uses))
    return FollowUp(
        n=n, answered_use=len(uses), still_using=still,
        still_using_share=still / len(uses) if uses else None, ci_low=low, ci_high=high,
        things=things,
        new_alone_share=yes_no.count("yes") / len(yes_no) if yes_no else None,
    )
