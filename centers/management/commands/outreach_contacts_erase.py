from typing import Any

from django.core.management.base import BaseCommand

from centers.services import outreach_contacts_erase


class Command(BaseCommand):
    help = "Erase the contacts of outreach requests finished more than a year ago (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        erased = outreach_contacts_erase()
        self.stdout.write(f"Erased the contacts of {erased} outreach request(s).")
