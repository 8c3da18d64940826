from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from surveys.services import FOLLOW_UP_DAYS, followup_window, followups_send


class Command(BaseCommand):
    help = (
        f"Send the follow-up survey link by SMS to learners who completed a class whose "
        f"last session was {FOLLOW_UP_DAYS} days ago (up to a week more, if a run was "
        f"missed). Run daily; safe to run more than once: each learner gets one link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, default=None,
            help="Run as if today were this day (YYYY-MM-DD).",
        )

    def handle(self, *args: Any, date: date | None, **options: Any) -> None:
        day = date or timezone.localdate()
        first, last = followup_window(day)
        sent = followups_send(day=day)
        self.stdout.write(
            f"{sent} follow-up link(s) sent (classes ended {first.isoformat()} – "
            f"{last.isoformat()}).",
        )
