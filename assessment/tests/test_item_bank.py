"""The item bank files, their validator, the import and revisions."""

import json
import math
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from assessment.item_bank import (
    SCREEN_TYPES,
    BankFileError,
    bank_files_read,
    bank_import,
    form_current,
    forms_file_read,
    forms_import,
    item_revise,
)
from assessment.management.commands.assessment_load_items import count_table
from assessment.models import (
    Area,
    Form,
    Item,
    ItemLevel,
    ItemVersion,
    Mode,
    ParameterSource,
    Purpose,
    Response,
)
from assessment.services import diagnostic_answer, diagnostic_start
from enrollment.testing import apply, recruiting_class


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The assertions read the English messages, whatever the site's language."""
    with translation.override("en"):
        yield


def entry(key: str = "device-basic-001", **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "key": key, "level": "basic", "stem": "전화를 걸려면?", "screen": None,
        "options": [{"key": "a", "text": "①"}, {"key": "b", "text": "②"}],
        "answer": "a", "irt": {"a": 1.0, "b": -1.0, "c": 0.3},
    }
    item["screen"] = {
        "type": "home_screen", "alt": "첫 화면", "apps": [
            {"label": "전화", "mark": "①"}, {"label": "카메라", "mark": "②"}]}
    item.update(changes)
    return item


def write(directory: Path, items: list[dict[str, Any]], *, area: str = "device",
          name: str | None = None) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / f"{name or area}.json"
    path.write_text(json.dumps({"area": area, "items": items}, ensure_ascii=False))
    return directory


def problems_of(directory: Path) -> str:
    with pytest.raises(BankFileError) as caught:
        bank_files_read(directory)
    return "\n".join(caught.value.messages)


# --- The real files ----------------------------------------------------------------


def test_it_reads_the_real_files_without_problems() -> None:
    entries = bank_files_read()
    assert {entry["area"] for entry in entries} <= set(Area.values)
    assert all(3 <= len(entry["options"]) <= 4 for entry in entries)


def test_the_real_bank_covers_every_area_and_level() -> None:
    entries = bank_files_read()
    assert len(entries) >= 120
    for area in Area.values:
        for level in ItemLevel.values:
            found = [e for e in entries if (e["area"], e["level"]) == (area, level)]
            assert len(found) >= 8, (area, level)


def test_the_real_bank_has_scenarios_of_every_screen_type() -> None:
    screens = [e["screen"] for e in bank_files_read() if e["screen"]]
    assert len(screens) >= 35
    assert {screen["type"] for screen in screens} == set(SCREEN_TYPES)


def _information(entries: list[dict[str, Any]], theta: float) -> float:
    total = 0.0
    for e in entries:
        a, b, c = e["irt"]["a"], e["irt"]["b"], e["irt"]["c"]
        p = c + (1 - c) / (1 + math.exp(-a * (theta - b)))
        total += a * a * ((p - c) / (1 - c)) ** 2 * (1 - p) / p
    return total


def test_the_real_bank_informs_across_the_ability_range_in_every_area() -> None:
    entries = bank_files_read()
    for area in Area.values:
        mine = [e for e in entries if e["area"] == area]
        for theta in (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5):
            # Information 1 is a standard error of 1 from this area alone.
            assert _information(mine, theta) >= 1.0, (area, theta)


@pytest.mark.parametrize(("key", "size"), [("standard", 25), ("short", 15)])
def test_the_fixed_forms_balance_the_areas(key: str, size: int) -> None:
    entries = {e["key"]: e for e in bank_files_read()}
    form = next(f for f in forms_file_read(item_keys=entries) if f["key"] == key)
    assert len(form["items"]) == size
    areas = Counter(entries[k]["area"] for k in form["items"])
    assert set(areas.values()) == {size // 5} and set(areas) == set(Area.values)
    assert len({entries[k]["level"] for k in form["items"]}) == 3


# --- The validator -----------------------------------------------------------------


@pytest.mark.parametrize(("change", "expected"), [
    ({"level": "expert"}, "unknown level"),
    ({"answer": "z"}, "answer 'z' is not among the options"),
    ({"options": [{"key": "a", "text": "①"}]}, "2 to 4 options"),
    ({"options": [{"key": "a", "text": "①"}, {"key": "a", "text": "②"}]}, "same key"),
    ({"screen": {"type": "home_screen", "alt": "", "apps": [{"label": "x", "mark": "①"}]}},
     "no alt text"),
    ({"screen": {"type": "hologram", "alt": "x"}}, "unknown screen type"),
    ({"screen": {"type": "home_screen", "alt": "x"}}, "needs a non-empty list 'apps'"),
    ({"screen": {"type": "home_screen", "alt": "x", "apps": [{"label": "x", "mark": "①"}]}},
     "refer to ②"),
    ({"irt": {"a": 9.0, "b": -1.0, "c": 0.3}}, "a = 9.0 is outside"),
    ({"irt": {"a": 1.0, "b": -1.0}}, "c is missing"),
    ({"stem": " "}, "question text is empty"),
])
def test_it_names_the_file_and_key_of_each_problem(
    tmp_path: Path, change: dict[str, Any], expected: str,
) -> None:
    message = problems_of(write(tmp_path / "bank", [entry(**change)]))
    assert "device.json: device-basic-001" in message
    assert expected in message


def test_it_catches_a_duplicate_key_across_files(tmp_path: Path) -> None:
    directory = write(tmp_path / "bank", [entry()])
    write(directory, [entry(level="basic")], area="safety")
    assert "duplicate key (also in device.json)" in problems_of(directory)


def test_it_catches_an_unknown_area_and_bad_json(tmp_path: Path) -> None:
    directory = write(tmp_path / "bank", [entry()], area="cooking")
    (directory / "broken.json").write_text("{")
    message = problems_of(directory)
    assert "cooking.json: unknown area 'cooking'" in message
    assert "broken.json: not valid JSON" in message


def test_it_checks_forms_against_the_bank(tmp_path: Path) -> None:
    path = tmp_path / "forms.json"
    path.write_text(json.dumps([{"key": "standard", "name": "표준", "items": ["x", "x"]}]))
    with pytest.raises(BankFileError) as caught:
        forms_file_read(path, item_keys=["y"])
    assert "listed twice" in " ".join(caught.value.messages)
    assert "unknown item 'x'" in " ".join(caught.value.messages)


# --- Importing -----------------------------------------------------------------------



@pytest.mark.django_db
def test_it_imports_idempotently(tmp_path: Path) -> None:
    directory = write(tmp_path / "bank", [entry(), entry("device-basic-002")])
    first = bank_import(directory)
    again = bank_import(directory)
    assert sorted(first.created) == ["device-basic-001", "device-basic-002"]
    assert again.created == again.changed == again.retired == []
    assert sorted(again.unchanged) == ["device-basic-001", "device-basic-002"]
    assert ItemVersion.objects.count() == 2


@pytest.mark.django_db
def test_it_makes_a_new_version_when_the_wording_changes(tmp_path: Path) -> None:
    directory = write(tmp_path / "bank", [entry()])
    bank_import(directory)
    write(directory, [entry(stem="전화를 걸려면 어느 것을 누르나요?")])
    report = bank_import(directory)
    assert report.changed == ["device-basic-001"]
    versions = list(Item.objects.get().versions.order_by("version"))
    assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]
    assert versions[1].stem == "전화를 걸려면 어느 것을 누르나요?"


@pytest.mark.django_db
def test_it_keeps_a_calibrated_version_when_the_file_did_not_change(tmp_path: Path) -> None:
    directory = write(tmp_path / "bank", [entry()])
    bank_import(directory)
    item = Item.objects.get()
    current = item.versions.get()
    current.is_current = False
    current.save(update_fields=["is_current"])
    ItemVersion.objects.create(
        item=item, version=2, stem=current.stem, options=current.options, answer="a",
        screen=current.screen, a=1.7, b=-0.4, c=0.2, source=ParameterSource.CALIBRATED,
    )
    assert bank_import(directory).unchanged == ["device-basic-001"]
    assert item.versions.get(is_current=True).source == ParameterSource.CALIBRATED


@pytest.mark.django_db
def test_it_retires_an_item_removed_from_the_files_and_restores_it(tmp_path: Path) -> None:
    directory = write(tmp_path / "bank", [entry(), entry("device-basic-002")])
    bank_import(directory)
    write(directory, [entry()])
    assert bank_import(directory).retired == ["device-basic-002"]
    gone = Item.objects.get(key="device-basic-002")
    assert gone.retired_at is not None and gone.versions.count() == 1
    write(directory, [entry(), entry("device-basic-002")])
    assert bank_import(directory).changed == ["device-basic-002"]
    gone.refresh_from_db()
    assert gone.retired_at is None


@pytest.mark.django_db
def test_it_imports_nothing_when_a_file_is_bad(tmp_path: Path) -> None:
    directory = write(tmp_path / "bank", [entry(), entry("device-basic-002", answer="q")])
    with pytest.raises(BankFileError):
        bank_import(directory)
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_a_form_whose_wording_changed_gets_a_new_edition(tmp_path: Path) -> None:
    directory = write(tmp_path / "bank", [entry(), entry("device-basic-002")])
    bank_import(directory)
    forms = tmp_path / "forms.json"
    forms.write_text(json.dumps([{"key": "standard", "name": "표준",
                                  "items": ["device-basic-001", "device-basic-002"]}]))
    assert forms_import(forms).created == ["standard"]
    assert forms_import(forms).unchanged == ["standard"]
    first_version = Form.objects.get(key="standard").form_items.first().item_version
    write(directory, [entry(stem="바뀐 질문"), entry("device-basic-002")])
    bank_import(directory)
    assert forms_import(forms).created == ["standard-v2"]
    # The old form still points at what its learners saw.
    assert Form.objects.get(key="standard").form_items.first().item_version == first_version
    assert Form.objects.get(key="standard-v2").form_items.first().item_version.stem == "바뀐 질문"


# --- Revising ------------------------------------------------------------------------


@pytest.mark.django_db
def test_revising_keeps_the_version_learners_answered(people, tmp_path: Path) -> None:
    bank_import(write(tmp_path / "bank", [entry()]))
    item = Item.objects.get()
    old = item.versions.get()
    application = apply(recruiting_class(people)).application
    sitting = diagnostic_start(application=application, purpose=Purpose.PRE, mode=Mode.ADAPTIVE)
    diagnostic_answer(diagnostic=sitting.diagnostic, item_version=old, choice="a")
    stem = "전화를 걸 때 누르는 그림은?"
    new = item_revise(item=item, stem=stem, b=-1.2, by=people.national)
    assert (new.version, new.is_current, new.stem, new.b) == (2, True, stem, -1.2)
    assert new.created_by == people.national
    old.refresh_from_db()
    assert (old.is_current, old.stem) == (False, "전화를 걸려면?")
    assert Response.objects.get().item_version == old
    # The file has not changed since: the next import leaves the revision current.
    assert bank_import(tmp_path / "bank").unchanged == ["device-basic-001"]
    assert item.versions.get(is_current=True) == new


@pytest.mark.django_db
def test_only_national_administrators_revise(people, tmp_path: Path) -> None:
    bank_import(write(tmp_path / "bank", [entry()]))
    item = Item.objects.get()
    with pytest.raises(ValidationError):
        item_revise(item=item, stem="다른 질문", by=people.seoul_officer)
    with pytest.raises(ValidationError) as caught:
        item_revise(item=item, answer="z", by=people.national)
    assert "not among the options" in " ".join(caught.value.messages)
    assert item.versions.count() == 1


# --- The command and the docs -----------------------------------------------------


def test_the_docs_show_the_current_counts() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "item-bank.md").read_text()
    assert count_table(bank_files_read()) in docs


def test_the_short_form_is_part_of_the_standard_form() -> None:
    forms = {f["key"]: f["items"] for f in forms_file_read(item_keys=[
        e["key"] for e in bank_files_read()])}
    assert set(forms["short"]) < set(forms["standard"])


@pytest.mark.django_db
def test_the_command_imports_the_bundled_bank_once() -> None:
    out = StringIO()
    call_command("assessment_load_items", stdout=out)
    total = len(bank_files_read())
    assert f"Items: {total} created, 0 changed, 0 retired, 0 unchanged." in out.getvalue()
    assert "Fixed forms: standard, short created, 0 unchanged." in out.getvalue()
    out = StringIO()
    call_command("assessment_load_items", stdout=out)
    assert f"0 created, 0 changed, 0 retired, {total} unchanged." in out.getvalue()
    assert Form.objects.count() == 2 and form_current("standard").form_items.count() == 25


@pytest.mark.django_db
def test_a_wording_revision_keeps_calibrated_parameters_and_the_form_edition(
    people, tmp_path: Path,
) -> None:
    bank_import(write(tmp_path / "bank", [entry()]))
    forms = tmp_path / "forms.json"
    forms.write_text(json.dumps([{"key": "short", "name": "짧은", "items": ["device-basic-001"]}]))
    forms_import(forms)
    item = Item.objects.get()
    calibrated = item_revise(item=item, a=1.6, b=-0.7, c=0.2, by=people.national)
    ItemVersion.objects.filter(pk=calibrated.pk).update(source=ParameterSource.CALIBRATED)
    # A parameter-only change keeps the form's edition.
    assert forms_import(forms).unchanged == ["short"]
    reworded = item_revise(item=item, stem="전화를 걸 때는?", by=people.national)
    assert (reworded.a, reworded.b, reworded.source) == (1.6, -0.7, ParameterSource.CALIBRATED)
    assert item_revise(item=item, stem="전화를 걸 때는?", by=people.national) == reworded
    assert forms_import(forms).created == ["short-v2"]
    assert form_current("short").key == "short-v2"
