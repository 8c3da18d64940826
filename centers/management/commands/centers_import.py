from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from centers.transfer import UnknownFormat, centers_import, file_format


class Command(BaseCommand):
    help = (
        "Create or update learning centres from an Excel (.xlsx) or CSV file; "
        "all rows or none. Rows with a 배움터 ID update that centre."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", help="import as this user (their scope applies); default: everything",
        )

    def handle(self, *args: Any, file: Path, user: str | None, **options: Any) -> None:
        try:
            fmt = file_format(file.name)
        except UnknownFormat as error:
            raise CommandError(str(error)) from None
        actor = User.objects.filter(username=user).first() if user else None
        if user and actor is None:
            raise CommandError(f"There is no user {user!r}.")
        try:
            with file.open("rb") as stream:
                result = centers_import(stream=stream, fmt=fmt, actor=actor)
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                f"{len(error.messages)} problem(s) in {file}; nothing was imported."
            ) from None
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged."
        )
