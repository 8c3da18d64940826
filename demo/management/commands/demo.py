from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from demo.seeding import demo_seed


class Command(BaseCommand):
    help = "Seed a demo programme on the real regions (reproducible, idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["small", "national"], default="small")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, scale: str, seed: int, **options: Any) -> None:
        with transaction.atomic():
            context = demo_seed(scale=scale, seed=seed)  # type: ignore[arg-type]
        for note in context.notes:
            self.stdout.write(note)
        if context.logins:
            self.stdout.write("\nDemo logins (http://127.0.0.1:8000/staff/login/):")
            width = max(len(username) for username, _, _ in context.logins)
            for username, password, role in context.logins:
                self.stdout.write(f"  {username:<{width}}  {password}  {role}")
