import base64
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from privacy import crypto


class Command(BaseCommand):
    help = (
        "Print a new key for PII_ENCRYPTION_KEYS ('id:base64key'), "
        "or with --blind-index a key for PII_BLIND_INDEX_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--id", dest="key_id", default=None,
            help="Key id (letters, digits, '-', '_'); default: k<today's date>.",
        )
        parser.add_argument(
            "--blind-index", action="store_true", help="Print a blind-index key instead.",
        )

    def handle(self, *args: Any, key_id: str | None, blind_index: bool, **options: Any) -> None:
        if blind_index:
            self.stdout.write(base64.urlsafe_b64encode(os.urandom(32)).decode())
            return
        key_id = key_id or f"k{timezone.localdate():%Y%m%d}"
        try:
            self.stdout.write(crypto.generate_key_line(key_id))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
