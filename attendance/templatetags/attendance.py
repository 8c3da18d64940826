from typing import Any

from django import template

from attendance.services import may_take_attendance
from classes.models import CourseClass

register = template.Library()


@register.filter
def takes_attendance(user: Any, course_class: CourseClass) -> bool:
    """{% if user|takes_attendance:class %}: the user may open the class's attendance."""
    return may_take_attendance(user, course_class)
