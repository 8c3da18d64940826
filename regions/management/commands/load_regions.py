import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from regions.loading import load_regions
from regions.models import Region, RegionBoundary, RegionCodeAlias


class Command(BaseCommand):
    help = "Load or refresh regions from regions/data/ (also done by migrate)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            result = load_regions(Region, RegionBoundary, RegionCodeAlias)
        self.stdout.write(
            f"{result.regions} regions ({result.created} new, {result.deactivated} deactivated), "
            f"{result.boundaries} boundaries, {result.aliases} former codes "
            f"in {time.perf_counter() - started:.1f} s"
        )
