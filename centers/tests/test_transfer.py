import csv
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from accounts.testing import YEOKSAM1, People
from audit.models import AuditEntry
from centers.models import Center, CenterKind
from centers.transfer import COLUMNS, centers_export, centers_import
from regions.models import Region

pytestmark = pytest.mark.django_db


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def _row(**changes: object) -> list[object]:
    values: dict[str, object] = {
        "배움터 ID": "", "이름": "역삼 작은도서관", "유형": "도서관",
        "도로명주소": "서울특별시 강남구 역삼로 123", "행정동코드": YEOKSAM1,
        "위도": 37.4954, "경도": 127.0331, "전화": "02-123-4567",
        "운영시간": "평일 09:00–18:00", "편의시설": "엘리베이터, 휠체어 접근", "상태": "운영",
    }
    values.update({key.replace("_", " "): value for key, value in changes.items()})
    return [values[column] for column in COLUMNS]


def _export(fmt: str) -> io.BytesIO:
    stream = io.BytesIO()
    centers_export(centers=Center.objects.all(), stream=stream, fmt=fmt)
    stream.seek(0)
    return stream


def _snapshot() -> list[tuple[object, ...]]:
    return list(Center.objects.order_by("pk").values_list(
        "pk", "name", "kind", "road_address", "region_id", "lat", "lon", "phone",
        "opening_hours", "accessibility", "status",
    ))


def _fill_details(people: People) -> None:
    centre = people.gangnam_center
    centre.lat, centre.lon = 37.49541, 127.03312
    centre.phone, centre.opening_hours = "02-3423-5000", "평일 09:00–18:00"
    centre.accessibility = ["elevator", "hearing_loop"]
    centre.road_address = "서울특별시 강남구 역삼로 7길 12"
    centre.save()
    # In practice every centre has a point (the services fill it in).
    for other in [people.seocho_center, people.busan_center]:
        other.lat, other.lon = other.region.lat + 0.001, other.region.lon - 0.001
        other.save(update_fields=["lat", "lon"])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_round_trips_an_export_without_changing_anything(people: People, fmt: str) -> None:
    _fill_details(people)
    before = _snapshot()
    audits = AuditEntry.objects.count()
    result = centers_import(stream=_export(fmt), fmt=fmt)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert _snapshot() == before
    assert AuditEntry.objects.count() == audits


def test_it_writes_csv_with_a_bom_and_korean_headers(people: People) -> None:
    _fill_details(people)
    raw = _export("csv").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS
    gangnam = next(row for row in rows if row[0] == str(people.gangnam_center.pk))
    assert gangnam[2] == "행정복지센터"
    assert gangnam[9] == "엘리베이터, 청각 보조 장치"
    assert gangnam[10] == "운영"


def test_it_exports_only_what_the_user_may_see(people: People) -> None:
    stream = io.BytesIO()
    count = centers_export(
        centers=Center.objects.for_user(people.gangnam_officer), stream=stream, fmt="xlsx",
    )
    stream.seek(0)
    sheet = load_workbook(stream).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert count == 1
    assert names == [people.gangnam_center.name]


def test_it_creates_then_updates_instead_of_duplicating(people: People) -> None:
    result = centers_import(stream=_xlsx([_row()]), fmt="xlsx", actor=people.national)
    assert result.created == 1
    centre = Center.objects.get(name="역삼 작은도서관")
    assert centre.kind == CenterKind.LIBRARY
    assert centre.accessibility == ["elevator", "wheelchair"]
    # Again without an ID: matched by name and 행정동.
    result = centers_import(stream=_xlsx([_row(전화="02-555-0000")]), fmt="xlsx")
    assert (result.created, result.updated) == (0, 1)
    # With its ID, even under a new name.
    result = centers_import(
        stream=_xlsx([_row(배움터_ID=centre.pk, 이름="역삼 공공도서관", 전화="02-555-0000")]),
        fmt="xlsx",
    )
    assert result.updated == 1
    assert Center.objects.filter(region__code=YEOKSAM1, kind=CenterKind.LIBRARY).count() == 1
    centre.refresh_from_db()
    assert (centre.name, centre.phone) == ("역삼 공공도서관", "02-555-0000")
    updates = AuditEntry.objects.filter(action="center.import_update", target_id=str(centre.pk))
    assert updates.count() == 2


def test_it_fills_missing_coordinates_from_the_neighbourhood(people: People) -> None:
    centers_import(stream=_xlsx([_row(위도="", 경도="")]), fmt="xlsx")
    centre = Center.objects.get(name="역삼 작은도서관")
    region = Region.objects.get(code=YEOKSAM1)
    assert (centre.lat, centre.lon) == (region.lat, region.lon)


def test_it_resolves_former_region_codes(people: People) -> None:
    from regions.models import RegionCodeAlias

    alias = RegionCodeAlias.objects.select_related("region").filter(
        region__level="eupmyeondong",
    ).first()
    if alias is None:
        pytest.skip("no former 행정동 code in the region data")
    centers_import(
        stream=_xlsx([_row(행정동코드=alias.old_code, 위도="", 경도="")]), fmt="xlsx",
    )
    assert Center.objects.get(name="역삼 작은도서관").region == alias.region


def test_it_reports_every_bad_row_and_writes_nothing(people: People) -> None:
    before = _snapshot()
    rows = [
        _row(이름="좋은 행", 행정동코드=YEOKSAM1),  # row 2: fine
        _row(이름="없는 동", 행정동코드="1168099999"),  # row 3
        _row(이름="이상한 유형", 유형="우주정거장"),  # row 4
        _row(이름="북극", 위도=91.5),  # row 5
        _row(이름=""),  # row 6
        _row(배움터_ID=people.gangnam_center.pk, 이름="하나"),  # row 7
        _row(배움터_ID=people.gangnam_center.pk, 이름="둘"),  # row 8
        _row(이름="글자 위도", 위도="북위 37도"),  # row 9
    ]
    with pytest.raises(ValidationError) as caught:
        centers_import(stream=_xlsx(rows), fmt="xlsx")
    messages = caught.value.messages
    assert len(messages) == 6, messages

    def about(row: int, column: str) -> str:
        found = [m for m in messages if m.startswith((f"{row}행", f"Row {row},"))]
        assert len(found) == 1, (row, messages)
        assert f"'{column}'" in found[0]
        return found[0]

    assert "1168099999" in about(3, "행정동코드")
    assert "우주정거장" in about(4, "유형")
    assert "91.5" in about(5, "위도")
    about(6, "이름")
    assert str(people.gangnam_center.pk) in about(8, "배움터 ID")
    assert "북위 37도" in about(9, "위도")
    assert _snapshot() == before
    assert not Center.objects.filter(name="좋은 행").exists()


def test_it_refuses_a_district_code_and_an_unknown_id(people: People) -> None:
    with pytest.raises(ValidationError) as caught:
        centers_import(
            stream=_xlsx([_row(행정동코드="1168000000"), _row(배움터_ID=999999)]), fmt="xlsx",
        )
    text = " ".join(caught.value.messages)
    assert "1168000000" in text and "999999" in text


def test_a_user_changes_only_centres_in_scope(people: People) -> None:
    busan = people.busan_center
    rows = [_row(배움터_ID=busan.pk, 이름="바뀐 이름", 행정동코드=busan.region.code)]
    with pytest.raises(ValidationError):
        centers_import(stream=_xlsx(rows), fmt="xlsx", actor=people.gangnam_officer)
    # A centre manager may update their own centre but not add one.
    own = [_row(배움터_ID=people.gangnam_center.pk, 이름="역삼1동 배움터")]
    assert centers_import(stream=_xlsx(own), fmt="xlsx", actor=people.manager).updated == 1
    with pytest.raises(ValidationError):
        centers_import(stream=_xlsx([_row()]), fmt="xlsx", actor=people.manager)
    assert centers_import(
        stream=_xlsx([_row()]), fmt="xlsx", actor=people.gangnam_officer,
    ).created == 1
    busan.refresh_from_db()
    assert busan.name != "바뀐 이름"


def test_it_reads_a_cp949_csv_from_korean_excel(people: People) -> None:
    text = io.StringIO()
    csv.writer(text).writerows([COLUMNS, [str(v) for v in _row(운영시간="평일 09:00-18:00")]])
    result = centers_import(stream=io.BytesIO(text.getvalue().encode("cp949")), fmt="csv")
    assert result.created == 1


def test_the_commands_export_and_import(people: People, tmp_path: Path) -> None:
    _fill_details(people)
    before = _snapshot()
    for name in ["centres.xlsx", "centres.csv"]:
        out = io.StringIO()
        call_command("centers_export", str(tmp_path / name), stdout=out)
        assert "3 centres" in out.getvalue()
        out = io.StringIO()
        call_command("centers_import", str(tmp_path / name), stdout=out)
        assert "0 created, 0 updated, 3 unchanged" in out.getvalue()
    assert _snapshot() == before


@pytest.mark.parametrize("raw", ["99999999999999999999", "²", "１２"])
def test_it_refuses_an_id_that_is_not_a_plain_number(people: People, raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        centers_import(stream=_xlsx([_row(배움터_ID=raw)]), fmt="xlsx")
    [message] = caught.value.messages
    assert "'배움터 ID'" in message and raw in message


def test_it_refuses_a_null_character_in_text(people: People) -> None:
    text = io.StringIO()
    csv.writer(text).writerows([COLUMNS, [str(v) for v in _row(이름="역삼\x00도서관")]])
    with pytest.raises(ValidationError) as caught:
        centers_import(stream=io.BytesIO(text.getvalue().encode()), fmt="csv")
    assert "'이름'" in caught.value.messages[0]
    assert not Center.objects.filter(name__startswith="역삼").exclude(
        pk=people.gangnam_center.pk,
    ).exists()


def test_a_user_cannot_move_a_centre_out_of_their_region(people: People) -> None:
    centre = people.gangnam_center
    busan_code = people.busan_center.region.code
    moved = [_row(배움터_ID=centre.pk, 이름=centre.name, 행정동코드=busan_code)]
    for actor in [people.gangnam_officer, people.manager]:
        with pytest.raises(ValidationError) as caught:
            centers_import(stream=_xlsx(moved), fmt="xlsx", actor=actor)
        assert "'행정동코드'" in caught.value.messages[0]
    centre.refresh_from_db()
    assert centre.region.code == YEOKSAM1
    # Within the officer's own 강남구 a move is fine; the national admin moves anywhere.
    assert centers_import(stream=_xlsx(moved), fmt="xlsx", actor=people.national).updated == 1


def test_the_import_command_names_an_unknown_user(people: People, tmp_path: Path) -> None:
    path = tmp_path / "centres.xlsx"
    path.write_bytes(_xlsx([_row()]).getvalue())
    with pytest.raises(CommandError, match="nobody"):
        call_command("centers_import", str(path), "--user", "nobody")
