"""Checks every scenario file: `manage.py kiosk_validate [file …]`; exits 1 on any problem."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiosk import engine


class Command(BaseCommand):
    help = ("Check the practice scenarios (kiosk/scenarios/*.json): unreachable screens, "
            "dead ends, missing texts.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="Scenario files (default: all).")

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        found = self._problems(files)
        failed = 0
        for name, problems in found.items():
            if problems:
                failed += 1
                self.stderr.write(f"{name}:")
                for problem in problems:
                    self.stderr.write(f"  - {problem}")
            else:
                self.stdout.write(f"{name}: ok")
        if failed:
            raise CommandError(f"{failed} of {len(found)} scenario(s) have problems")
        self.stdout.write(self.style.SUCCESS(f"{len(found)} scenario(s) checked, no problems"))

    def _problems(self, files: list[Path]) -> dict[str, list[str]]:
        if not files:
            return engine.load_problems()
        found: dict[str, list[str]] = {}
        for path in files:
            try:
                found[path.name] = engine.scenario_problems(engine.load(path))
            except (OSError, engine.ScenarioError) as error:
                found[path.name] = [str(error)]
        return found
