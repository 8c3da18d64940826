"""Load the shipped region files (regions/data/) into the database.

Called by the data migration `0002_load_regions` and by `manage.py
load_regions`. It takes the model classes as arguments so that the migration
can pass its historical models. Loading is an upsert keyed by code: a second
run updates rows in place, and a code no longer in the files is marked
inactive rather than deleted (centres may still point at it).
"""

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA_DIR / "regions.csv"
ALIASES_CSV = DATA_DIR / "code_aliases.csv"
BOUNDARY_FILES = (
    DATA_DIR / "boundaries_sigungu.geojson",
    DATA_DIR / "boundaries_eupmyeondong.geojson",
)
BATCH = 1000


@dataclass(frozen=True)
class LoadResult:
    regions: int
    created: int
    deactivated: int
    boundaries: int
    aliases: int


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _fields(row: dict[str, str]) -> dict[str, Any]:
    return {
        "level": row["level"],
        "name": row["name"],
        "full_name": row["full_name"],
        "lat": float(row["lat"]),
        "lon": float(row["lon"]),
        "point_source": row["point_source"],
        "population": int(row["population"]) if row["population"] else None,
        "pension_share": Decimal(row["pension_share"]) if row["pension_share"] else None,
        "is_autonomous": row["autonomous"] == "1",
        "is_active": True,
    }


def _upsert_regions(region_model: Any, rows: list[dict[str, str]]) -> tuple[dict[str, Any], int]:
    existing = {region.code: region for region in region_model.objects.all()}
    new, changed = [], []
    for row in rows:
        region = existing.get(row["code"])
        values = _fields(row)
        if region is None:
            new.append(region_model(code=row["code"], **values))
        elif any(getattr(region, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(region, name, value)
            changed.append(region)
    region_model.objects.bulk_create(new, batch_size=BATCH)
    # Only rows that differ are written: bulk_update of every row takes seconds.
    region_model.objects.bulk_update(changed, [*_fields(rows[0])], batch_size=BATCH)
    by_code = {region.code: region for region in region_model.objects.all()}
    return by_code, len(new)


def _link_ancestors(region_model: Any, rows: list[dict[str, str]], by_code: dict[str, Any]) -> None:
    """Set parent, and the sido and sigungu ancestors (a row is its own at its level)."""
    parent_of = {row["code"]: row["parent_code"] or None for row in rows}

    def ancestor(code: str, level: str) -> Any:
        current: str | None = code
        while current is not None and by_code[current].level != level:
            current = parent_of[current]
        return by_code[current] if current is not None else None

    changed = []
    for code, parent_code in parent_of.items():
        region = by_code[code]
        links = {
            "parent_id": by_code[parent_code].pk if parent_code else None,
            "sido_id": getattr(ancestor(code, "sido"), "pk", None),
            "sigungu_id": getattr(ancestor(code, "sigungu"), "pk", None),
        }
        if any(getattr(region, name) != value for name, value in links.items()):
            for name, value in links.items():
                setattr(region, name, value)
            changed.append(region)
    region_model.objects.bulk_update(changed, ["parent", "sido", "sigungu"], batch_size=BATCH)


def _load_boundaries(boundary_model: Any, by_code: dict[str, Any]) -> int:
    boundary_model.objects.all().delete()
    boundaries = []
    for path in BOUNDARY_FILES:
        collection = json.loads(path.read_text(encoding="utf-8"))
        for feature in collection["features"]:
            region = by_code.get(feature["properties"]["code"])
            if region is not None:
                geometry = json.dumps(feature["geometry"], separators=(",", ":"))
                boundaries.append(boundary_model(region=region, geojson=geometry))
    boundary_model.objects.bulk_create(boundaries, batch_size=200)
    return len(boundaries)


def _load_aliases(alias_model: Any, by_code: dict[str, Any]) -> int:
    alias_model.objects.all().delete()
    aliases = [
        alias_model(old_code=row["old_code"], region=by_code[row["new_code"]])
        for row in _read_csv(ALIASES_CSV)
        if row["new_code"] in by_code and row["old_code"] not in by_code
    ]
    alias_model.objects.bulk_create(aliases, batch_size=BATCH)
    return len(aliases)


def load_regions(region_model: Any, boundary_model: Any, alias_model: Any) -> LoadResult:
    rows = _read_csv(REGIONS_CSV)
    by_code, created = _upsert_regions(region_model, rows)
    _link_ancestors(region_model, rows, by_code)
    shipped = {row["code"] for row in rows}
    deactivated = region_model.objects.exclude(code__in=shipped).update(is_active=False)
    return LoadResult(
        regions=len(rows),
        created=created,
        deactivated=deactivated,
        boundaries=_load_boundaries(boundary_model, by_code),
        aliases=_load_aliases(alias_model, by_code),
    )
