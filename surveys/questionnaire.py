"""The questionnaires, as data: each question has a stable key, a type and its choices.

A response stores the version it answered (`SurveyResponse.questionnaire_version`)
and its answers by key, so an old response stays readable after the wording
changes: a new wording is a new version added below, never an edit of an old one.
The free-text question is stored in `SurveyResponse.comment`, not in `answers`.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from surveys.models import SurveyKind

SCALE = "scale"  # 1–5, scored (surveys.scoring)
FREQUENCY = "frequency"  # 1–5, how often; not part of the satisfaction score
MULTI = "multi"  # several keys
YES_NO = "yes_no"  # "yes" / "no"
TEXT = "text"  # the free-text answer (stored in `comment`)


@dataclass(frozen=True)
class Choice:
    value: int | str
    label: Promise | str
    icon: str = ""  # a large face or symbol shown beside the label (decorative)


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    text: Promise | str
    choices: tuple[Choice, ...] = ()
    hint: Promise | str = ""
    # For MULTI questions: the course topics a choice belongs to; a choice
    # without topics is offered for every course.
    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def scored(self) -> bool:
        return self.type == SCALE

    def values(self) -> set[Any]:
        return {choice.value for choice in self.choices}

    def choices_for(self, topic: str | None) -> tuple[Choice, ...]:
        """The choices of a MULTI question worth offering after a course on `topic`."""
        if topic is None or not self.topics:
            return self.choices
        fitting = tuple(
            choice for choice in self.choices
            if not self.topics.get(str(choice.value)) or topic in self.topics[str(choice.value)]
        )
        return fitting or self.choices  # a topic of its own ("other"): offer everything


@dataclass(frozen=True)
class Questionnaire:
    kind: str
    version: str
    title: Promise | str
    intro: Promise | str
    questions: tuple[Question, ...]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    @property
    def answerable(self) -> tuple[Question, ...]:
        """The questions stored in `answers` (all but the free text)."""
        return tuple(q for q in self.questions if q.type != TEXT)

    @property
    def scored(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.scored)


# Shown from the most positive down, as Korean paper questionnaires do. The faces
# are from Unicode 6 (2010): phones older than Android 5 have no 🙂 or 🙁 and
# showed an empty box.
AGREEMENT = (
    Choice(5, _("Strongly agree"), "😀"),
    Choice(4, _("Agree"), "😊"),
    Choice(3, _("Neither agree nor disagree"), "😐"),
    Choice(2, _("Disagree"), "😕"),
    Choice(1, _("Strongly disagree"), "😞"),
)

HOW_OFTEN = (
    Choice(5, _("Every day")),
    Choice(4, _("A few times a week")),
    Choice(3, _("A few times a month")),
    Choice(2, _("Hardly ever")),
    Choice(1, _("Not at all")),
)

YES_OR_NO = (Choice("yes", _("Yes")), Choice("no", _("No")))

COMMENT = Question(
    key="comment", type=TEXT,
    text=_("Is there anything else you would like to tell us? (You may leave this empty.)"),
)

COURSE_END_2026_1 = Questionnaire(
    kind=SurveyKind.COURSE_END,
    version="2026-1",
    title=_("How was the class?"),
    intro=_("Please tell us what you thought of the class. Your instructor does not see "
            "who answered what."),
    questions=(
        Question("instructor", SCALE, _("The instructor explained things kindly and clearly."),
                 AGREEMENT),
        Question("content", SCALE, _("What we learned was what I wanted to learn."),
                 AGREEMENT),
        Question("pace", SCALE, _("The pace of the class was right for me."), AGREEMENT),
        Question("place", SCALE, _("The classroom and equipment were comfortable to use."),
                 AGREEMENT),
        Question("useful", SCALE, _("What I learned helps me in daily life."), AGREEMENT),
        Question("recommend", SCALE, _("I would recommend this class to people around me."),
                 AGREEMENT),
        COMMENT,
    ),
)

# Topics (courses.models.Topic) for which each "thing" is worth asking about.
THINGS_TOPICS: dict[str, tuple[str, ...]] = {
    "messenger": ("smartphone", "messenger", "sns", "safety"),
    "video_call": ("smartphone", "messenger", "sns"),
    "photos": ("smartphone", "messenger", "sns"),
    "search": ("smartphone", "internet", "ai", "office"),
    "directions": ("smartphone", "transport", "internet"),
    "transport": ("transport", "kiosk"),
    "banking": ("finance", "shopping", "safety"),
    "shopping": ("shopping", "finance", "internet"),
    "kiosk": ("kiosk", "transport", "shopping"),
    "public_services": ("public_services", "internet", "finance"),
    "video": ("sns", "smartphone", "ai"),
}

FOLLOW_UP_2026_1 = Questionnaire(
    kind=SurveyKind.FOLLOW_UP,
    version="2026-1",
    title=_("Do you still use it?"),
    intro=_("It has been about three months since your class. Please tell us whether "
            "what you learned still helps you."),
    questions=(
        Question("still_use", FREQUENCY,
                 _("How often do you use what you learned in the class?"), HOW_OFTEN),
        Question(
            "things", MULTI, _("What do you use? Choose all that apply."),
            (
                Choice("messenger", _("Messenger (KakaoTalk and others)")),
                Choice("video_call", _("Video calls")),
                Choice("photos", _("Taking and sending photos")),
                Choice("search", _("Searching the internet")),
                Choice("directions", _("Maps and directions")),
                Choice("transport", _("Booking trains or buses")),
                Choice("banking", _("Mobile banking")),
                Choice("shopping", _("Online shopping and delivery")),
                Choice("kiosk", _("Kiosks (ordering, tickets)")),
                Choice("public_services", _("Public services (Government24)")),
                Choice("video", _("Watching videos (YouTube)")),
            ),
            topics=THINGS_TOPICS,
        ),
        Question("new_alone", YES_NO,
                 _("Since the class, have you done something new on your phone by yourself?"),
                 YES_OR_NO),
        COMMENT,
    ),
)

QUESTIONNAIRES: dict[tuple[str, str], Questionnaire] = {
    (q.kind, q.version): q for q in (COURSE_END_2026_1, FOLLOW_UP_2026_1)
}
CURRENT: dict[str, str] = {
    SurveyKind.COURSE_END: COURSE_END_2026_1.version,
    SurveyKind.FOLLOW_UP: FOLLOW_UP_2026_1.version,
}


def questionnaire_get(kind: str, version: str | None = None) -> Questionnaire:
    """The questionnaire of `kind` in `version` (the current one by default).

    Raises KeyError for an unknown kind or version.
    """
    return QUESTIONNAIRES[(kind, version or CURRENT[kind])]
