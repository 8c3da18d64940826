"""Import and export of centres as Excel (xlsx) or CSV, one service for admin and command.

The file's headers and the words in its 유형 / 편의시설 / 상태 columns are the
file format's own Korean vocabulary, fixed whatever the interface language,
so that any exported file imports again unchanged. On import the internal
codes ("library") are accepted too.

Import is all or nothing: every row is checked first, and one bad row means
nothing is written; the errors name the row (as the spreadsheet numbers it:
the header is row 1) and the column.
"""

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.scoping import ScopePaths, is_national, scope_filter
from audit.services import audit_record
from centers.models import AccessibilityFeature, Center, CenterKind, CenterStatus
from regions.models import Region
from regions.selectors import region_get_by_code

COL_ID = "배움터 ID"
COL_NAME = "이름"
COL_KIND = "유형"
COL_ADDRESS = "도로명주소"
COL_REGION = "행정동코드"
COL_LAT = "위도"
COL_LON = "경도"
COL_PHONE = "전화"
COL_HOURS = "운영시간"
COL_ACCESS = "편의시설"
COL_STATUS = "상태"
COLUMNS = [
    COL_ID, COL_NAME, COL_KIND, COL_ADDRESS, COL_REGION, COL_LAT, COL_LON,
    COL_PHONE, COL_HOURS, COL_ACCESS, COL_STATUS,
]
REQUIRED_COLUMNS = [COL_NAME, COL_KIND, COL_REGION]

KIND_WORDS = {
    CenterKind.COMMUNITY_SERVICE: "행정복지센터",
    CenterKind.SENIOR_WELFARE: "노인복지관",
    CenterKind.DISABILITY_WELFARE: "장애인복지관",
    CenterKind.SOCIAL_WELFARE: "종합사회복지관",
    CenterKind.LIBRARY: "도서관",
    CenterKind.SENIOR_HALL: "경로당",
    CenterKind.CHILDREN: "지역아동센터",
    CenterKind.HUB: "거점센터",
    CenterKind.OTHER: "기타",
}
STATUS_WORDS = {
    CenterStatus.OPEN: "운영",
    CenterStatus.CLOSED_TEMPORARILY: "휴관",
    CenterStatus.CLOSED: "폐지",
}
FEATURE_WORDS = {
    AccessibilityFeature.ELEVATOR: "엘리베이터",
    AccessibilityFeature.WHEELCHAIR: "휠체어 접근",
    AccessibilityFeature.DISABLED_PARKING: "장애인 주차",
    AccessibilityFeature.BRAILLE_VOICE: "점자·음성 안내",
    AccessibilityFeature.ACCESSIBLE_TOILET: "장애인 화장실",
    AccessibilityFeature.HEARING_LOOP: "청각 보조 장치",
}


def _reverse(words: dict[Any, str]) -> dict[str, str]:
    lookup = {word: str(code) for code, word in words.items()}
    lookup.update({str(code): str(code) for code in words})
    return lookup


KIND_LOOKUP = _reverse(KIND_WORDS)
STATUS_LOOKUP = _reverse(STATUS_WORDS)
FEATURE_LOOKUP = _reverse(FEATURE_WORDS)
FEATURE_SEPARATORS = re.compile(r"\s*[,;/\n]\s*")
PHONE_PATTERN = re.compile(r"^[0-9][0-9\-\s()]{6,18}[0-9]$")
# ASCII digits only ("²".isdigit() is true), and small enough for a BIGINT column.
ID_PATTERN = re.compile(r"^[0-9]{1,18}$")
# South Korea with its islands (마라도 33.1°, 독도 131.9°) and a margin.
LAT_RANGE = (33.0, 38.7)
LON_RANGE = (124.5, 132.0)

# The fields the import may change, in the order a change is reported.
FIELDS = [
    "name", "kind", "road_address", "region_id", "lat", "lon", "phone", "opening_hours",
    "accessibility", "status",
]


class UnknownFormat(ValueError):
    pass


def file_format(name: str) -> str:
    """"xlsx" or "csv" from a file name; anything else is refused."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in ("xlsx", "csv"):
        raise UnknownFormat(_("Use an Excel (.xlsx) or CSV (.csv) file."))
    return suffix


# ---------------------------------------------------------------- export

def _cell(value: Any) -> Any:
    return "" if value is None else value


def center_rows(centers: QuerySet[Center]) -> Iterator[list[Any]]:
    """One row per centre, in COLUMNS order. Pass `Center.objects.for_user(user)`."""
    for center in centers.select_related("region").order_by("pk"):
        yield [
            center.pk,
            center.name,
            KIND_WORDS.get(CenterKind(center.kind), center.kind),
            center.road_address,
            center.region.code,
            _cell(center.lat),
            _cell(center.lon),
            center.phone,
            center.opening_hours,
            ", ".join(FEATURE_WORDS.get(AccessibilityFeature(code), code)
                      for code in center.accessibility or []),
            STATUS_WORDS.get(CenterStatus(center.status), center.status),
        ]


def centers_export(*, centers: QuerySet[Center], stream: IO[bytes], fmt: str) -> int:
    """Write `centers` to `stream` as xlsx or CSV (UTF-8 with BOM, for Excel). Returns the count."""
    count = 0
    if fmt == "csv":
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(COLUMNS)
        for row in center_rows(centers):
            writer.writerow([repr(v) if isinstance(v, float) else v for v in row])
            count += 1
        text.flush()
        text.detach()
        return count
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("배움터")
    sheet.append(COLUMNS)
    for row in center_rows(centers):
        sheet.append(row)
        count += 1
    workbook.save(stream)
    return count


# ---------------------------------------------------------------- import

@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    messages: list[str] = field(default_factory=list)


def _read_csv(stream: IO[bytes]) -> list[list[Any]]:
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in Korea saves "CSV" as CP949 unless told otherwise.
        try:
            text = raw.decode("cp949")
        except UnicodeDecodeError:
            raise ValidationError(
                _("The CSV file is neither UTF-8 nor CP949 text."), code="encoding",
            ) from None
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _read_xlsx(stream: IO[bytes]) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:
        raise ValidationError(
            _("The file could not be read as an Excel workbook."), code="unreadable",
        ) from None
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_table(stream: IO[bytes], fmt: str) -> list[list[Any]]:
    return _read_csv(stream) if fmt == "csv" else _read_xlsx(stream)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel turns 1168064000 and 12 into floats
    return str(value).strip()


def _message(row: int, column: str, text: str) -> str:
    return _("Row %(row)s, '%(column)s': %(problem)s") % {
        "row": row, "column": column, "problem": text,
    }


@dataclass
class _Row:
    number: int
    center_id: int | None
    values: dict[str, Any]


class _Checker:
    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.errors: list[str] = []
        self.regions: dict[str, Region | None] = {}

    def error(self, row: int, column: str, text: str) -> None:
        self.errors.append(_message(row, column, text))

    def region(self, code: str) -> Region | None:
        if code not in self.regions:
            self.regions[code] = region_get_by_code(code)
        return self.regions[code]

    def coordinate(
        self, row: int, column: str, raw: Any, bounds: tuple[float, float],
    ) -> float | None:
        text = _text(raw)
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            self.error(row, column, _("%(value)s is not a number.") % {"value": text})
            return None
        if not bounds[0] <= number <= bounds[1]:
            self.error(
                row, column,
                _("%(value)s is outside Korea (between %(low)s and %(high)s).")
                % {"value": text, "low": bounds[0], "high": bounds[1]},
            )
            return None
        return number

    def check(self, number: int, cells: dict[str, Any]) -> _Row | None:
        before = len(self.errors)
        center_id: int | None = None
        raw_id = _text(cells.get(COL_ID))
        if raw_id:
            if ID_PATTERN.match(raw_id):
                center_id = int(raw_id)
            else:
                self.error(number, COL_ID, _("%(value)s is not a centre ID.") % {"value": raw_id})
        name = _text(cells.get(COL_NAME))
        if not name:
            self.error(number, COL_NAME, _("The name is missing."))
        elif len(name) > Center._meta.get_field("name").max_length:  # type: ignore[operator]
            self.error(number, COL_NAME, _("The name is longer than 100 characters."))
        kind_text = _text(cells.get(COL_KIND))
        kind = KIND_LOOKUP.get(kind_text)
        if kind is None:
            self.error(
                number, COL_KIND,
                _("%(value)s is not a centre type; use one of: %(choices)s.")
                % {"value": kind_text or "—", "choices": ", ".join(KIND_WORDS.values())},
            )
        code = _text(cells.get(COL_REGION))
        region = self.region(code) if code else None
        if not code:
            self.error(number, COL_REGION, _("The 행정동 code is missing."))
        elif region is None:
            self.error(
                number, COL_REGION, _("%(value)s is not a known 행정동 code.") % {"value": code},
            )
        elif region.level != Region.Level.EUPMYEONDONG:
            self.error(
                number, COL_REGION,
                _("%(value)s is the code of %(name)s, not of a 행정동 (읍·면·동).")
                % {"value": code, "name": region.full_name},
            )
            region = None
        lat = self.coordinate(number, COL_LAT, cells.get(COL_LAT), LAT_RANGE)
        lon = self.coordinate(number, COL_LON, cells.get(COL_LON), LON_RANGE)
        if (lat is None) != (lon is None) and len(self.errors) == before:
            self.error(
                number, COL_LAT if lat is None else COL_LON,
                _("Give both latitude and longitude, or neither."),
            )
        phone = _text(cells.get(COL_PHONE))
        if phone and not PHONE_PATTERN.match(phone):
            self.error(number, COL_PHONE, _("%(value)s is not a phone number.") % {"value": phone})
        features: list[str] = []
        for word in FEATURE_SEPARATORS.split(_text(cells.get(COL_ACCESS))):
            if not word:
                continue
            feature = FEATURE_LOOKUP.get(word)
            if feature is None:
                self.error(
                    number, COL_ACCESS,
                    _("%(value)s is not an accessibility feature; use: %(choices)s.")
                    % {"value": word, "choices": ", ".join(FEATURE_WORDS.values())},
                )
            elif feature not in features:
                features.append(feature)
        status_text = _text(cells.get(COL_STATUS))
        status = STATUS_LOOKUP.get(status_text) if status_text else CenterStatus.OPEN.value
        if status is None:
            self.error(
                number, COL_STATUS,
                _("%(value)s is not a status; use one of: %(choices)s.")
                % {"value": status_text, "choices": ", ".join(STATUS_WORDS.values())},
            )
        address = _text(cells.get(COL_ADDRESS))
        if len(address) > 200:
            self.error(number, COL_ADDRESS, _("The address is longer than 200 characters."))
        hours = _text(cells.get(COL_HOURS))
        if len(hours) > 200:
            self.error(number, COL_HOURS, _("The opening hours are longer than 200 characters."))
        for column, text in [(COL_NAME, name), (COL_ADDRESS, address), (COL_HOURS, hours)]:
            if "\x00" in text:
                # PostgreSQL refuses NUL in text: say so instead of failing the whole upload.
                self.error(number, column, _("The text holds a null character."))
        if len(self.errors) > before or region is None:
            return None
        if lat is None or lon is None:
            lat, lon = region.lat, region.lon
        return _Row(number, center_id, {
            "name": name, "kind": kind, "road_address": address, "region_id": region.pk,
            "lat": lat, "lon": lon, "phone": phone, "opening_hours": hours,
            "accessibility": features, "status": status,
        })


def _same(old: Any, new: Any) -> bool:
    # Excel keeps 15–16 significant digits of a float: a coordinate that comes
    # back a few 1e-15 degrees off is the same coordinate.
    if isinstance(old, float) and isinstance(new, float):
        return math.isclose(old, new, rel_tol=0, abs_tol=1e-9)
    return bool(old == new)


def _header_map(header: list[Any]) -> dict[str, int]:
    found = {_text(cell): index for index, cell in enumerate(header) if _text(cell)}
    missing = [column for column in REQUIRED_COLUMNS if column not in found]
    if missing:
        raise ValidationError(
            _("The first row must hold the column names; missing: %(columns)s.")
            % {"columns": ", ".join(missing)},
            code="header",
        )
    return {column: found[column] for column in COLUMNS if column in found}


def center_regions_allowed(actor: Any) -> set[int] | None:
    """The 행정동 ids where `actor` may add or move centres; None means anywhere.

    The import and the admin's centre form both ask this.
    """
    if actor is None or is_national(actor):
        return None
    allowed = Region.objects.eupmyeondongs().filter(scope_filter(actor, ScopePaths(region="")))
    return set(allowed.values_list("pk", flat=True))


@transaction.atomic
def centers_import(*, stream: IO[bytes], fmt: str, actor: Any = None) -> ImportResult:
    """Create or update centres from a table; all rows or none.

    A row with a 배움터 ID updates that centre; a row without one updates the
    centre with the same name in the same 행정동, or creates one. `actor` None
    is the command line (everything); a user may change only centres they can
    see, and add centres only in regions they oversee. Raises ValidationError
    with one message per problem and writes nothing if any row is bad.
    """
    table = read_table(stream, fmt)
    rows = [row for row in table if any(_text(cell) for cell in row)]
    if not rows:
        raise ValidationError(_("The file is empty."), code="empty")
    columns = _header_map(rows[0])
    checker = _Checker(actor)
    checked: list[_Row] = []
    # Spreadsheet row numbers count blank rows too.
    numbered = [
        (number, row) for number, row in enumerate(table, start=1)
        if any(_text(cell) for cell in row)
    ][1:]
    for number, cells_in_order in numbered:
        cells = {
            column: cells_in_order[index] if index < len(cells_in_order) else None
            for column, index in columns.items()
        }
        valid = checker.check(number, cells)
        if valid is not None:
            checked.append(valid)

    visible = Center.objects.all() if actor is None else Center.objects.for_user(actor)
    ids = [row.center_id for row in checked if row.center_id is not None]
    existing = {center.pk: center for center in visible.filter(pk__in=ids)}
    by_name = {
        (center.name, center.region_id): center
        for center in visible.filter(
            region_id__in={row.values["region_id"] for row in checked if row.center_id is None},
        )
    }
    creatable = center_regions_allowed(actor)
    seen_ids: dict[int, int] = {}
    seen_names: dict[tuple[str, int], int] = {}
    plan: list[tuple[_Row, Center | None]] = []
    for row in checked:
        target: Center | None = None
        if row.center_id is not None:
            if row.center_id in seen_ids:
                checker.error(
                    row.number, COL_ID,
                    _("ID %(value)s appears again (first in row %(first)s).")
                    % {"value": row.center_id, "first": seen_ids[row.center_id]},
                )
                continue
            seen_ids[row.center_id] = row.number
            target = existing.get(row.center_id)
            if target is None:
                checker.error(
                    row.number, COL_ID,
                    _("There is no centre with ID %(value)s that you may change.")
                    % {"value": row.center_id},
                )
                continue
            if (
                creatable is not None and row.values["region_id"] != target.region_id
                and row.values["region_id"] not in creatable
            ):
                # Moving a centre is adding it elsewhere: only into a region the user oversees.
                checker.error(
                    row.number, COL_REGION, _("You may not move centres to this 행정동."),
                )
                continue
        else:
            key = (row.values["name"], row.values["region_id"])
            if key in seen_names:
                checker.error(
                    row.number, COL_NAME,
                    _("%(value)s appears again in the same 행정동 (first in row %(first)s).")
                    % {"value": key[0], "first": seen_names[key]},
                )
                continue
            seen_names[key] = row.number
            target = by_name.get(key)
            if target is None and creatable is not None and key[1] not in creatable:
                checker.error(
                    row.number, COL_REGION,
                    _("You may not add centres in this 행정동."),
                )
                continue
        plan.append((row, target))
    if checker.errors:
        raise ValidationError(checker.errors, code="invalid_rows")

    result = ImportResult()
    for row, target in plan:
        if target is None:
            center = Center(**row.values)
            center.full_clean()
            center.save()
            audit_record(actor=actor, action="center.import_create", target=center,
                         data={"row": row.number})
            result.created += 1
            continue
        changed = [name for name in FIELDS if not _same(getattr(target, name), row.values[name])]
        if not changed:
            result.unchanged += 1
            continue
        for name in changed:
            setattr(target, name, row.values[name])
        target.full_clean()
        target.save(update_fields=changed)
        audit_record(
            actor=actor, action="center.import_update", target=target,
            data={"row": row.number, "fields": [name.removesuffix("_id") for name in changed]},
        )
        result.updated += 1
    return result


def iter_errors(error: ValidationError) -> Iterable[str]:
    return error.messages
