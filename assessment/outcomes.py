"""What learners gained: pre-test against post-test, per learner and in aggregate.

A learner's gain is read from the completed pre- and post-test of one
application (one person in one class). Abandoned or unfinished sittings and
placement tests never count. In aggregate only applications with both tests
form pairs; those with one test or none are counted and excluded, never
imputed (docs/outcomes.md).

Figures are on the 0–100 score scale (assessment.scoring):

- gain % = (mean post − mean pre) / mean pre, the programme's headline figure;
- the paired mean difference (post − pre) with a 95 % confidence interval
  from the t-distribution with n − 1 degrees of freedom;
- the effect size Cohen's d_z = mean difference / standard deviation of the
  differences (the paired-design d; 0.2 small, 0.5 medium, 0.8 large);
- the share of pairs whose level (assessment.scoring.placement_level) went up.

Rows are read with one `values_list` query of the needed columns (each
area's score cast to a float in SQL), so a national aggregate over hundreds of
thousands of diagnostics builds no ORM objects.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from django.db.models import FloatField
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from scipy import stats as scipy_stats

from assessment import scoring
from assessment.models import Area, Diagnostic, DiagnosticStatus, ItemLevel, Purpose

LEVEL_RANK = {ItemLevel.BASIC.value: 0, ItemLevel.EVERYDAY.value: 1, ItemLevel.ADVANCED.value: 2}
CONFIDENCE = 0.95
AREAS: tuple[str, ...] = tuple(Area.values)  # read once: Area.values rebuilds the list


@dataclass(frozen=True)
class Sitting:
    score: float
    level: str
    areas: Mapping[str, float]  # area → 0–100 score (areas the sitting asked about)


@dataclass(frozen=True)
class Change:
    """One application's pre and post (None where the test is missing)."""

    application_id: int
    pre: float | None
    post: float | None
    pre_level: str
    post_level: str
    per_area: Mapping[str, tuple[float | None, float | None]]

    @property
    def change(self) -> float | None:
        return None if self.pre is None or self.post is None else self.post - self.pre

    def area_change(self, area: str) -> float | None:
        pre, post = self.per_area.get(area, (None, None))
        return None if pre is None or post is None else post - pre


@dataclass(frozen=True)
class Paired:
    """Figures over the pairs of one measure (overall, or one area)."""

    n_pairs: int
    mean_pre: float | None
    mean_post: float | None
    gain_pct: float | None
    mean_diff: float | None
    ci_low: float | None
    ci_high: float | None
    sd_diff: float | None
    effect_size: float | None
    moved_up: int
    moved_up_share: float | None


@dataclass(frozen=True)
class Gain(Paired):
    """Overall figures, the exclusions, and the same figures per area."""

    n_pre_only: int = 0
    n_post_only: int = 0
    n_neither: int = 0
    per_area: dict[str, Paired] = field(default_factory=dict)

    @property
    def n_excluded(self) -> int:
        return self.n_pre_only + self.n_post_only + self.n_neither

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "n_excluded": self.n_excluded}


def _level_of_score(score: float) -> str:
    return scoring.placement_level((score - scoring.SCALE_CENTER) / scoring.POINTS_PER_THETA)


def paired(pre: Iterable[float], post: Iterable[float],
           pre_levels: Iterable[str] = (), post_levels: Iterable[str] = ()) -> Paired:
    """The paired figures for equal-length sequences of pre and post scores."""
    before = np.asarray(list(pre), dtype=float)
    after = np.asarray(list(post), dtype=float)
    n = len(before)
    moved = sum(
        LEVEL_RANK[b] < LEVEL_RANK[a] for b, a in zip(pre_levels, post_levels, strict=True)
    )
    if n == 0:
        return Paired(0, None, None, None, None, None, None, None, None, 0, None)
    diff = after - before
    mean_pre, mean_post, mean_diff = float(before.mean()), float(after.mean()), float(diff.mean())
    ci_low = ci_high = sd = effect = None
    if n >= 2:
        sd = float(diff.std(ddof=1))
        half = float(scipy_stats.t.ppf((1 + CONFIDENCE) / 2, n - 1)) * sd / math.sqrt(n)
        ci_low, ci_high = mean_diff - half, mean_diff + half
        effect = mean_diff / sd if sd > 0 else None
    return Paired(
        n_pairs=n, mean_pre=mean_pre, mean_post=mean_post,
        gain_pct=(mean_post - mean_pre) / mean_pre if mean_pre > 0 else None,
        mean_diff=mean_diff, ci_low=ci_low, ci_high=ci_high, sd_diff=sd, effect_size=effect,
        moved_up=int(moved), moved_up_share=moved / n,
    )


def _sittings(applications: Any) -> dict[int, dict[str, Sitting]]:
    """{application id: {"pre": Sitting, "post": Sitting}} from completed course tests."""
    # Each area's score cast to a float in SQL: no JSON decoding per value in Python.
    area_columns = {
        f"area_{area}": Cast(KeyTextTransform("score", KeyTransform(area, "area_scores")),
                             FloatField())
        for area in AREAS
    }
    rows = Diagnostic.objects.filter(
        application__in=applications.values("pk"),
        status=DiagnosticStatus.COMPLETED,
        purpose__in=[Purpose.PRE, Purpose.POST],
    ).annotate(**area_columns).values_list(
        "application_id", "purpose", "score", "placement_level", *area_columns,
    )
    found: dict[int, dict[str, Sitting]] = {}
    for application_id, purpose, score, level, *areas in rows.iterator(chunk_size=5_000):
        per_area = {
            area: value for area, value in zip(AREAS, areas, strict=True)
            if value is not None
        }
        found.setdefault(application_id, {})[purpose] = Sitting(
            score=score, level=level or _level_of_score(score), areas=per_area,
        )
    return found


def changes(applications: Any) -> list[Change]:
    """Pre, post and change per application that has at least one completed course test."""
    result = []
    for application_id, tests in sorted(_sittings(applications).items()):
        pre, post = tests.get(Purpose.PRE), tests.get(Purpose.POST)
        result.append(Change(
            application_id=application_id,
            pre=pre.score if pre else None, post=post.score if post else None,
            pre_level=pre.level if pre else "", post_level=post.level if post else "",
            per_area={
                area: (pre.areas.get(area) if pre else None, post.areas.get(area) if post else None)
                for area in AREAS
            },
        ))
    return result


def change_for(application: Any) -> Change:
    """One application's change (the learner's own page, the class roster)."""
    found = changes(type(application).objects.filter(pk=application.pk))
    if found:
        return found[0]
    empty = dict.fromkeys(Area.values, (None, None))
    return Change(application.pk, None, None, "", "", empty)


def gain_summary(applications: Any) -> Gain:
    """The aggregate over a queryset of applications (every one counts once).

    Applications with both tests form the pairs; the rest are counted in
    n_pre_only, n_post_only and n_neither. Per area, a pair needs that area
    scored in both tests, so an area's n can be smaller than the overall n.
    """
    sittings = _sittings(applications)
    total = applications.count()
    pairs = [(t[Purpose.PRE], t[Purpose.POST]) for t in sittings.values()
             if Purpose.PRE in t and Purpose.POST in t]
    pre_only = sum(1 for t in sittings.values() if set(t) == {Purpose.PRE})
    post_only = sum(1 for t in sittings.values() if set(t) == {Purpose.POST})
    overall = paired(
        [pre.score for pre, _ in pairs], [post.score for _, post in pairs],
        [pre.level for pre, _ in pairs], [post.level for _, post in pairs],
    )
    per_area = {}
    for area in Area.values:
        both = [(pre.areas[area], post.areas[area]) for pre, post in pairs
                if area in pre.areas and area in post.areas]
        per_area[area] = paired(
            [b for b, _ in both], [a for _, a in both],
            [_level_of_score(b) for b, _ in both], [_level_of_score(a) for _, a in both],
        )
    return Gain(
        **asdict(overall), n_pre_only=pre_only, n_post_only=post_only,
        n_neither=total - len(pairs) - pre_only - post_only, per_area=per_area,
    )
