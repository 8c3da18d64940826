"""The national course catalogue (Korean), with a lesson plan per session.

Idempotent by title: a course already there is left as it is.
"""

from courses.catalogue import CATALOGUE
from courses.models import Course, LessonPlan
from demo.seeding import DemoContext

ORDER = 25


def seed(context: DemoContext) -> None:
    created = 0
    for title, level, topic, groups, summary, goals, lessons in CATALOGUE:
        course, was_created = Course.objects.get_or_create(
            title=title,
            defaults={
                "level": level, "topic": topic, "target_groups": list(groups),
                "summary": summary, "goals": goals, "session_count": len(lessons),
                "minutes_per_session": 120,
            },
        )
        if not was_created:
            continue
        course.full_clean()
        created += 1
        plans = []
        for number, line in enumerate(lessons, start=1):
            head, _, body = line.partition(": ")
            plans.append(LessonPlan(
                course=course, number=number, title=head[:120], content=body or head,
            ))
        LessonPlan.objects.bulk_create(plans)
    context.notes.append(f"Courses: {created} new, {Course.objects.count()} in all.")
