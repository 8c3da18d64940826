from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessment.item_bank import bank_files_read, bank_import_default
from assessment.models import Area, ItemLevel


def count_table(entries: list[dict[str, Any]]) -> str:
    """Items per area and level, as a Markdown table (docs/item-bank.md shows it)."""
    levels = list(ItemLevel)
    head = "| area | " + " | ".join(level.value for level in levels) + " | scenario | total |"
    rows = [head, "|" + "---|" * (len(levels) + 3)]
    for area in Area:
        mine = [e for e in entries if e["area"] == area.value]
        counts = [sum(1 for e in mine if e["level"] == level.value) for level in levels]
        scenario = sum(1 for e in mine if e.get("screen"))
        rows.append(f"| {area.value} | " + " | ".join(map(str, counts))
                    + f" | {scenario} | {len(mine)} |")
    totals = [sum(1 for e in entries if e["level"] == level.value) for level in levels]
    scenario = sum(1 for e in entries if e.get("screen"))
    rows.append("| **all** | " + " | ".join(map(str, totals)) + f" | {scenario} | {len(entries)} |")
    return "\n".join(rows)


class Command(BaseCommand):
    help = (
        "Import the item bank (assessment/data/items/*.json) and the fixed forms "
        "(assessment/data/forms.json). Idempotent; --summary only prints the counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--summary", action="store_true",
            help="print the items per area and level (Markdown) without importing",
        )

    def handle(self, *args: Any, summary: bool, **options: Any) -> None:
        try:
            if summary:
                self.stdout.write(count_table(bank_files_read()))
                return
            items, forms = bank_import_default()
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                _("%(count)d problem(s) in the item files; nothing was imported.")
                % {"count": len(error.messages)}
            ) from None
        self.stdout.write(
            _("Items: %(created)d created, %(changed)d changed, %(retired)d retired, "
              "%(unchanged)d unchanged.") % {
                "created": len(items.created), "changed": len(items.changed),
                "retired": len(items.retired), "unchanged": len(items.unchanged)}
        )
        self.stdout.write(
            _("Fixed forms: %(created)s created, %(unchanged)d unchanged.") % {
                "created": ", ".join(forms.created) or "0", "unchanged": len(forms.unchanged)}
        )
