from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from surveys.services import course_end_invitations


class Command(BaseCommand):
    help = (
        "Send the end-of-course survey link by SMS to the confirmed learners of classes "
        "that ended yesterday (or up to a week ago, if a run was missed) who have not "
        "answered. Safe to run more than once: each learner gets one link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, default=None,
            help="Run as if today were this day (YYYY-MM-DD).",
        )

    def handle(self, *args: Any, date: date | None, **options: Any) -> None:
        day = date or timezone.localdate()
        sent = course_end_invitations(day=day)
        self.stdout.write(f"{sent} survey link(s) sent.")
