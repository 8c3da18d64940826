from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from centers.models import Center
from centers.transfer import UnknownFormat, centers_export, file_format


class Command(BaseCommand):
    help = "Write learning centres to an Excel (.xlsx) or CSV (UTF-8 with BOM) file."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", help="export what this user may see; default: every centre",
        )

    def handle(self, *args: Any, file: Path, user: str | None, **options: Any) -> None:
        try:
            fmt = file_format(file.name)
        except UnknownFormat as error:
            raise CommandError(str(error)) from None
        # The command line is the operator: everything, unless a user's scope is asked for.
        centers = (
            Center.objects.for_user(User.objects.get(username=user)) if user
            else Center.objects.all()
        )
        with file.open("wb") as stream:
            count = centers_export(centers=centers, stream=stream, fmt=fmt)
        self.stdout.write(f"{count} centres written to {file}.")
