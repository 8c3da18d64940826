"""Demo survey answers (after attendance, ORDER 60, and the tests, ORDER 70).

- Finished classes: about 88 % of confirmed learners answer the end-of-course
  questionnaire (a quarter on paper, most on the tablet, some by the SMS link).
  Each item is 매우 그렇다 with probability .89, 그렇다 .09, 보통 .017, 그렇지 않다 .003,
  left blank 3 % of the time — an expected score of 96.7 / 100, close to the
  programme's 97.3. About one in six writes a comment.
- Classes whose last session was 90 or more days ago: every learner who
  completed (has a certificate) got the follow-up link (an invitation row, so
  `surveys_send_followups` sends nothing again); about 60 % answered.

Reproducible from `context.rng`; idempotent: a class with any response of a
kind is skipped for that kind. Bulk inserts in chunks of classes.
"""

import hashlib
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from attendance.models import Certificate
from classes.models import ClassStatus, CourseClass
from demo.seeding import DemoContext, in_chunks
from enrollment.models import Application, ApplicationStatus
from surveys.models import AnsweredVia, SurveyInvitation, SurveyKind, SurveyResponse
from surveys.questionnaire import questionnaire_get
from surveys.scoring import response_score
from surveys.services import FOLLOW_UP_DAYS, LINK_DAYS

ORDER = 75
CHUNK = 500
# A learner's link anyone trying the demo (and the browser tests) can open: a
# learner of a running class, not answered yet. Demo data only.
DEMO_LINK_TOKEN = "demo-try-the-survey"

COMMENTS = [
    "강사님이 친절하게 알려 주셔서 좋았습니다.",
    "손주에게 영상통화를 혼자 걸 수 있게 되었어요.",
    "진도가 조금 빨랐어요. 한 번 더 듣고 싶습니다.",
    "글씨가 큰 교재가 있으면 좋겠어요.",
    "키오스크 주문을 이제 혼자 합니다. 감사합니다.",
    "다음에 은행 앱 수업도 열어 주세요.",
    "교실이 조금 더웠어요.",
    "서포터즈 선생님이 옆에서 도와주셔서 든든했습니다.",
    "복습할 수 있는 자료를 주시면 좋겠어요.",
    "집에서 가까워서 다니기 편했어요.",
]
FOLLOW_UP_COMMENTS = [
    "카카오톡으로 사진 보내는 건 매일 해요.",
    "배운 걸 자꾸 잊어버려서 다시 배우고 싶어요.",
    "혼자서 기차표를 예매해 봤어요.",
    "은행 앱은 아직 무서워서 못 써요.",
]


def _classes(kind: str, *, ended_before: Any) -> Iterator[list[CourseClass]]:
    answered = SurveyResponse.objects.filter(kind=kind).values("application__course_class_id")
    classes = (
        CourseClass.objects.filter(status=ClassStatus.FINISHED, last_date__lte=ended_before)
        .exclude(pk__in=answered).select_related("course").order_by("pk")
    )
    yield from in_chunks(classes, CHUNK)


def _when(context: DemoContext, day: Any, later_days: int) -> datetime:
    moment = datetime.combine(
        day + timedelta(days=context.rng.randint(0, later_days)),
        time(context.rng.randint(10, 20), context.rng.randint(0, 59)),
    )
    return timezone.make_aware(moment)


def _agreement(context: DemoContext) -> int | None:
    roll = context.rng.random()
    if roll < 0.03:
        return None
    return context.rng.choices([5, 4, 3, 2], [89, 9, 1.7, 0.3])[0]


def _via(context: DemoContext) -> str:
    return context.rng.choices(
        [AnsweredVia.TABLET, AnsweredVia.PAPER, AnsweredVia.PHONE], [60, 25, 15],
    )[0]


def _course_end(context: DemoContext) -> int:
    questionnaire = questionnaire_get(SurveyKind.COURSE_END)
    made = 0
    for chunk in _classes(SurveyKind.COURSE_END, ended_before=timezone.localdate()):
        by_class = {c.pk: c for c in chunk}
        responses = []
        for application in Application.objects.filter(
            course_class__in=chunk, status=ApplicationStatus.CONFIRMED,
        ).order_by("pk"):
            if context.rng.random() >= 0.88:
                continue
            course_class = by_class[application.course_class_id]
            answers = {}
            for question in questionnaire.scored:
                value = _agreement(context)
                if value is not None:
                    answers[question.key] = value
            comment = context.rng.choice(COMMENTS) if context.rng.random() < 0.17 else ""
            via = _via(context)
            responses.append(SurveyResponse(
                application=application, kind=SurveyKind.COURSE_END,
                questionnaire_version=questionnaire.version, answers=answers, comment=comment,
                score=response_score(questionnaire, answers), answered_via=via,
                submitted_at=_when(context, course_class.last_date, 2),
                entered_by_id=None if via == AnsweredVia.PHONE else course_class.instructor_id,
            ))
        with transaction.atomic():
            SurveyResponse.objects.bulk_create(responses, batch_size=2_000)
        made += len(responses)
    return made


def _follow_up_answers(context: DemoContext, topic: str) -> dict[str, Any]:
    questionnaire = questionnaire_get(SurveyKind.FOLLOW_UP)
    things = questionnaire.question("things")
    assert things is not None
    offered = [str(choice.value) for choice in things.choices_for(topic)]
    answers: dict[str, Any] = {
        "still_use": context.rng.choices([5, 4, 3, 2, 1], [35, 33, 16, 11, 5])[0],
        "new_alone": "yes" if context.rng.random() < 0.55 else "no",
    }
    if answers["still_use"] > 1:
        count = min(len(offered), context.rng.randint(1, 3))
        answers["things"] = sorted(context.rng.sample(offered, count))
    return answers


def _follow_up(context: DemoContext) -> int:
    questionnaire = questionnaire_get(SurveyKind.FOLLOW_UP)
    today = timezone.localdate()
    made = 0
    for chunk in _classes(
        SurveyKind.FOLLOW_UP, ended_before=today - timedelta(days=FOLLOW_UP_DAYS),
    ):
        by_class = {c.pk: c for c in chunk}
        invited = set(SurveyInvitation.objects.filter(
            kind=SurveyKind.FOLLOW_UP, application__course_class__in=chunk,
        ).values_list("application_id", flat=True))
        invitations, responses = [], []
        completed = Certificate.objects.filter(
            application__course_class__in=chunk, revoked_at__isnull=True,
        ).select_related("application").order_by("application_id")
        for certificate in completed:
            application = certificate.application
            if application.pk in invited:
                continue
            course_class = by_class[application.course_class_id]
            sent = _when(context, course_class.last_date + timedelta(days=FOLLOW_UP_DAYS), 0)
            answers_now = context.rng.random() < 0.6
            token = f"demo:{application.pk}:{context.rng.random()}"
            invitations.append(SurveyInvitation(
                application=application, kind=SurveyKind.FOLLOW_UP,
                token_hash=hashlib.sha256(token.encode()).hexdigest(), created_at=sent,
                expires_at=sent + timedelta(days=LINK_DAYS[SurveyKind.FOLLOW_UP]),
                used_at=sent + timedelta(hours=3) if answers_now else None,
            ))
            if not answers_now:
                continue
            answers = _follow_up_answers(context, course_class.course.topic)
            responses.append(SurveyResponse(
                application=application, kind=SurveyKind.FOLLOW_UP,
                questionnaire_version=questionnaire.version, answers=answers,
                comment=(context.rng.choice(FOLLOW_UP_COMMENTS)
                         if context.rng.random() < 0.1 else ""),
                score=None, answered_via=AnsweredVia.PHONE,
                submitted_at=sent + timedelta(hours=3),
            ))
        with transaction.atomic():
            SurveyInvitation.objects.bulk_create(invitations, batch_size=2_000)
            SurveyResponse.objects.bulk_create(responses, batch_size=2_000)
        made += len(responses)
    return made


def _demo_link() -> None:
    digest = hashlib.sha256(DEMO_LINK_TOKEN.encode()).hexdigest()
    if SurveyInvitation.objects.filter(token_hash=digest).exists():
        return
    application = (
        Application.objects.filter(
            course_class__status=ClassStatus.RUNNING, status=ApplicationStatus.CONFIRMED,
        )
        .exclude(survey_invitations__kind=SurveyKind.COURSE_END)
        .exclude(survey_responses__kind=SurveyKind.COURSE_END)
        .order_by("course_class_id", "pk").first()
    )
    if application is None:
        return
    now = timezone.now()
    SurveyInvitation.objects.create(
        application=application, kind=SurveyKind.COURSE_END, token_hash=digest,
        created_at=now, expires_at=now + timedelta(days=365),
    )


def seed(context: DemoContext) -> None:
    course_end = _course_end(context)
    follow_up = _follow_up(context)
    _demo_link()
    context.notes.append(
        f"Surveys: {course_end} end-of-course answers, {follow_up} three-month follow-ups; "
        f"a learner's survey link to try: /survey/{DEMO_LINK_TOKEN}/",
    )
