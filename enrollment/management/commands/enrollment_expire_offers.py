from typing import Any

from django.core.management.base import BaseCommand

from enrollment.services import offers_expire


class Command(BaseCommand):
    help = (
        "Cancel seat offers whose deadline has passed and offer the seats to the next "
        "learners on the waiting list. Run every few minutes (cron or a systemd timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = offers_expire()
        self.stdout.write(f"{expired} offer(s) expired.")
