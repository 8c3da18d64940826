from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from enrollment.models import IdempotencyRecord


class Command(BaseCommand):
    help = (
        "Delete stored Idempotency-Key answers older than --days (default 7). A client "
        "retries within minutes; a week leaves room for a long outage. Run daily."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(days=max(options["days"], 1))
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"{deleted} idempotency record(s) deleted.")
