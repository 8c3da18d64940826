from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from privacy.models import AccessLog

BATCH_SIZE = 5000


class Command(BaseCommand):
    help = "Delete access-log entries older than ACCESS_LOG_RETENTION. Run daily from cron."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted, delete nothing.",
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        cutoff = timezone.now() - settings.ACCESS_LOG_RETENTION
        expired = AccessLog.objects.filter(at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"{expired.count()} entries older than {cutoff:%Y-%m-%d} to delete.")
            return
        deleted = 0
        # In batches: years of entries deleted at once would hold a long lock.
        while True:
            ids = list(expired.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
            if not ids:
                break
            count, _by_model = AccessLog.objects.filter(pk__in=ids).delete()
            deleted += count
        self.stdout.write(f"Deleted {deleted} entries older than {cutoff:%Y-%m-%d}.")
