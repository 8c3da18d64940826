from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessment.calibration import calibration_run


class Command(BaseCommand):
    help = (
        "Estimate item parameters from the answers of completed tests (marginal maximum "
        "likelihood), report misfitting items, and record the run. Nothing changes in the "
        "bank without --apply. See docs/assessment.md, 'Calibration'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", choices=["2PL", "3PL"], default="2PL")
        parser.add_argument(
            "--min-responses", type=int, default=200, dest="min_responses",
            help="items with fewer answers are skipped (default 200)",
        )
        parser.add_argument(
            "--apply", action="store_true",
            help="store new item versions for the items that were estimated and fit",
        )

    def handle(self, *args: Any, model: str, min_responses: int, apply: bool,
               **options: Any) -> None:
        try:
            run = calibration_run(model=model, min_responses=min_responses, apply=apply)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        report = run.report
        self.stdout.write(_("%(model)s calibration from %(responses)d answers of %(learners)d "
                            "tests.") % {"model": run.model, "responses": run.responses,
                                         "learners": run.learners})
        self.stdout.write(f"{'item':<28} {'n':>6} {'a':>6} {'b':>6} {'c':>5} {'RMSD':>6} {'p':>7}")
        for item in report["items"]:
            flag = _("misfit") if item["misfit"] else ""
            self.stdout.write(
                f"{item['key']:<28} {item['n']:>6} {item['a']:>6.2f} {item['b']:>6.2f} "
                f"{item['c']:>5.2f} {item['rmsd']:>6.3f} {item['p']:>7.4f} {flag}")
        misfits = [item["key"] for item in report["items"] if item["misfit"]]
        self.stdout.write(_("Misfitting items (kept as they are, please review): %(items)s")
                          % {"items": ", ".join(misfits) or "-"})
        self.stdout.write(_("Skipped, too few answers: %(items)s") % {
            "items": ", ".join(f"{s['key']} ({s['n']})" for s in report["skipped"]) or "-"})
        if run.applied:
            self.stdout.write(_("New item versions stored: %(count)d.") % {
                "count": run.item_versions.count()})
        else:
            self.stdout.write(_("Nothing was changed in the item bank (use --apply)."))
