from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from notifications.services import reminders_enqueue


class Command(BaseCommand):
    help = (
        "Write a reminder to the outbox for every confirmed learner whose class meets "
        "tomorrow. Safe to run more than once a day: each reminder is written once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, default=None,
            help="The class day to remind of (YYYY-MM-DD); default tomorrow.",
        )

    def handle(self, *args: Any, date: date | None, **options: Any) -> None:
        day = date or timezone.localdate() + timedelta(days=1)
        written = reminders_enqueue(day=day)
        self.stdout.write(f"{written} reminder(s) written for {day.isoformat()}.")
