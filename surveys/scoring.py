"""The 100-point satisfaction score (docs/surveys.md has a worked example).

Each 5-point agreement item maps linearly onto 0–100: 매우 그렇다 (5) → 100,
그렇다 (4) → 75, 보통이다 (3) → 50, 그렇지 않다 (2) → 25, 전혀 그렇지 않다 (1) → 0,
i.e. (answer − 1) / 4 × 100. A response's score is the mean over the items it
answered; blank items are left out (not counted as 0 nor as 3). A response
with no scored item answered has no score (None) and does not count in n.
A group's score is the mean of its responses' scores, so each learner weighs
the same whatever the number of items they answered.
"""

from collections.abc import Mapping
from typing import Any

from surveys.questionnaire import Questionnaire


def item_points(answer: int) -> float:
    return (answer - 1) / 4 * 100


def response_score(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> float | None:
    points = [
        item_points(answers[question.key])
        for question in questionnaire.scored
        if isinstance(answers.get(question.key), int)
    ]
    if not points:
        return None
    return round(sum(points) / len(points), 4)
