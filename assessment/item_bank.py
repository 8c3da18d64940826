"""The item bank as files: read and validate them, import them into versions, revise items.

The files in `assessment/data/items/<area>.json` are the source of the
wording; the database keeps every version that was ever shown (see
docs/item-bank.md). Importing is idempotent: an entry that is already stored
as one of its item's versions changes nothing, so a later calibration or an
edit in the admin is not undone by the next start of the site.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import is_national
from assessment.models import (
    Area,
    Form,
    FormItem,
    Item,
    ItemLevel,
    ItemVersion,
    ParameterSource,
)
from audit.services import audit_record

DATA = Path(__file__).resolve().parent / "data"
DEFAULT = DATA / "items"
DEFAULT_FORMS = DATA / "forms.json"

MIN_OPTIONS, MAX_OPTIONS = 2, 4
# The ranges ItemVersion's validators allow.
PARAMETER_RANGES = {"a": (0.05, 4.0), "b": (-4.0, 4.0), "c": (0.0, 0.5)}
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MARKS = "①②③④⑤⑥⑦⑧⑨⑩"

# Each screen type and the list fields its template draws (each a list of rows).
SCREEN_TYPES: dict[str, tuple[str, ...]] = {
    "home_screen": ("apps",),
    "settings": ("rows",),
    "map": ("routes",),
    "train": ("trains",),
    "kiosk": ("menu",),
    "chat": ("messages",),
    "video_call": ("buttons",),
    "bank_transfer": ("lines",),
    "sms": ("messages",),
    "gov24": ("menu",),
    "search_results": ("results",),
    "shopping_cart": ("products",),
}
CONTENT_FIELDS = ("stem", "options", "answer", "screen")


# --- Reading and validating ------------------------------------------------------


class BankFileError(ValidationError):
    """One or more problems in the bank files; `messages` names file and key for each."""


def _marks_in(value: Any) -> list[str]:
    """Every mark on the screen (keys `mark` or `<part>_mark`), at any depth."""
    if isinstance(value, dict):
        return [m for k, v in value.items() for m in (
            [v] if (k == "mark" or k.endswith("_mark")) and isinstance(v, str) else _marks_in(v))]
    if isinstance(value, list):
        return [m for v in value for m in _marks_in(v)]
    return []


def screen_problems(screen: Any) -> list[str]:
    """What is wrong with a screen description (empty when it is fine)."""
    if screen is None:
        return []
    if not isinstance(screen, dict):
        return [_("the screen must be an object or null")]
    kind = screen.get("type")
    if kind not in SCREEN_TYPES:
        return [_("unknown screen type %(type)r (known: %(known)s)") % {
            "type": kind, "known": ", ".join(sorted(SCREEN_TYPES))}]
    problems = []
    if not isinstance(screen.get("alt"), str) or not screen["alt"].strip():
        problems.append(_("the screen has no alt text"))
    for name in SCREEN_TYPES[kind]:
        rows = screen.get(name)
        if not isinstance(rows, list) or not rows:
            problems.append(_("a %(type)s screen needs a non-empty list %(field)r") % {
                "type": kind, "field": name})
    marks = _marks_in(screen)
    for mark in marks:
        if mark not in MARKS:
            problems.append(_("mark %(mark)r is not a circled number like ①") % {"mark": mark})
    if len(set(marks)) != len(marks):
        problems.append(_("a mark is used twice on the screen"))
    return problems


def _option_problems(options: Any, answer: Any) -> list[str]:
    if not isinstance(options, list) or not (MIN_OPTIONS <= len(options) <= MAX_OPTIONS):
        return [_("an item needs %(min)d to %(max)d options") % {
            "min": MIN_OPTIONS, "max": MAX_OPTIONS}]
    problems = []
    keys = []
    for option in options:
        if (not isinstance(option, dict) or not isinstance(option.get("key"), str)
                or not isinstance(option.get("text"), str) or not option["text"].strip()):
            problems.append(_("every option needs a key and a text"))
            continue
        keys.append(option["key"])
    if len(set(keys)) != len(keys):
        problems.append(_("two options have the same key"))
    if answer not in keys:
        problems.append(_("the answer %(answer)r is not among the options %(keys)s") % {
            "answer": answer, "keys": ", ".join(keys)})
    return problems


def _parameter_problems(irt: Any) -> list[str]:
    if not isinstance(irt, dict):
        return [_("the item needs IRT parameters a, b and c")]
    problems = []
    for name, (low, high) in PARAMETER_RANGES.items():
        value = irt.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(_("IRT parameter %(name)s is missing") % {"name": name})
        elif not low <= value <= high:
            problems.append(_("IRT parameter %(name)s = %(value)s is outside %(low)s to %(high)s")
                            % {"name": name, "value": value, "low": low, "high": high})
    return problems


def _marks_referenced(options: list[dict[str, Any]]) -> set[str]:
    return {ch for option in options for ch in str(option.get("text", "")) if ch in MARKS}


def entry_problems(entry: dict[str, Any]) -> list[str]:
    """What is wrong with one item's content and parameters (no key or level checks)."""
    problems = []
    if not isinstance(entry.get("stem"), str) or not entry["stem"].strip():
        problems.append(_("the question text is empty"))
    options, screen = entry.get("options"), entry.get("screen")
    problems += _option_problems(options, entry.get("answer"))
    problems += screen_problems(screen)
    problems += _parameter_problems(entry.get("irt"))
    if isinstance(options, list) and not problems:
        missing = _marks_referenced(options) - set(_marks_in(screen))
        if missing:
            problems.append(_("the options refer to %(marks)s, which the screen does not show")
                            % {"marks": " ".join(sorted(missing))})
    return problems


def _file_problems(path: Path, data: Any, seen: dict[str, str]) -> list[str]:
    name = path.name
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return [_("%(file)s: expected an object with \"area\" and \"items\"") % {"file": name}]
    area = data.get("area")
    if area not in Area.values:
        return [_("%(file)s: unknown area %(area)r") % {"file": name, "area": area}]
    problems = []
    for index, entry in enumerate(data["items"]):
        key = entry.get("key") if isinstance(entry, dict) else None
        where = f"{name}: {key or f'items[{index}]'}"
        if not isinstance(entry, dict):
            problems.append(_("%(where)s: an item must be an object") % {"where": where})
            continue
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            problems.append(_("%(where)s: the key must be lowercase letters, digits and "
                              "hyphens, at most 40") % {"where": where})
        elif key in seen:
            problems.append(_("%(where)s: duplicate key (also in %(other)s)")
                            % {"where": where, "other": seen[key]})
        else:
            seen[key] = name
        if entry.get("level") not in ItemLevel.values:
            problems.append(_("%(where)s: unknown level %(level)r") % {
                "where": where, "level": entry.get("level")})
        problems += [f"{where}: {problem}" for problem in entry_problems(entry)]
    return problems


def bank_files_read(directory: Path = DEFAULT) -> list[dict[str, Any]]:
    """Every item in the files, with its `area`; raises BankFileError listing every problem."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    items: list[dict[str, Any]] = []
    paths = sorted(Path(directory).glob("*.json"))
    if not paths:
        raise BankFileError(_("%(dir)s: no item files") % {"dir": directory})
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            problems.append(_("%(file)s: not valid JSON (%(error)s)") % {
                "file": path.name, "error": error})
            continue
        found = _file_problems(path, data, seen)
        problems += found
        if not found:
            items += [{**entry, "area": data["area"]} for entry in data["items"]]
    if problems:
        raise BankFileError(problems)
    return items


def forms_file_read(
    path: Path = DEFAULT_FORMS, *, item_keys: Iterable[str],
) -> list[dict[str, Any]]:
    """The fixed forms, each `{"key", "name", "items": [item keys]}`, checked against the bank."""
    known = set(item_keys)
    try:
        forms = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise BankFileError(_("%(file)s: not valid JSON (%(error)s)") % {
            "file": Path(path).name, "error": error}) from None
    problems = []
    if not isinstance(forms, list):
        raise BankFileError(_("%(file)s: expected a list of forms") % {"file": Path(path).name})
    for form in forms:
        key = form.get("key") if isinstance(form, dict) else None
        where = f"{Path(path).name}: {key}"
        if not isinstance(key, str) or not KEY_PATTERN.match(key) or not form.get("name"):
            problems.append(_("%(where)s: a form needs a key and a name") % {"where": where})
            continue
        keys = form.get("items") or []
        if len(set(keys)) != len(keys):
            problems.append(_("%(where)s: an item is listed twice") % {"where": where})
        for item_key in keys:
            if item_key not in known:
                problems.append(_("%(where)s: unknown item %(item)r") % {
                    "where": where, "item": item_key})
    if problems:
        raise BankFileError(problems)
    return forms


# --- Importing ----------------------------------------------------------------------


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _content(entry: dict[str, Any]) -> dict[str, Any]:
    irt = entry["irt"]
    return {
        "stem": entry["stem"], "options": entry["options"], "answer": entry["answer"],
        "screen": entry.get("screen"), "a": float(irt["a"]), "b": float(irt["b"]),
        "c": float(irt["c"]),
    }


def _version_content(version: ItemVersion) -> dict[str, Any]:
    return {
        "stem": version.stem, "options": version.options, "answer": version.answer,
        "screen": version.screen, "a": version.a, "b": version.b, "c": version.c,
    }


def _new_version(item: Item, content: dict[str, Any], *, by: Any, **extra: Any) -> ItemVersion:
    """Store `content` as the item's next, current version (the old one stays, not current)."""
    latest = item.versions.order_by("-version").first()
    item.versions.filter(is_current=True).update(is_current=False)
    version = ItemVersion(
        item=item, version=(latest.version + 1) if latest else 1, is_current=True,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        **{"source": ParameterSource.EXPERT, **extra}, **content,
    )
    # Field ranges only: the database enforces the version constraints.
    version.full_clean(validate_unique=False, validate_constraints=False)
    version.save()
    return version


def _import_entry(entry: dict[str, Any], *, by: Any, report: ImportReport) -> None:
    content = _content(entry)
    item = Item.objects.filter(key=entry["key"]).first()
    if item is None:
        item = Item.objects.create(key=entry["key"], area=entry["area"], level=entry["level"])
        _new_version(item, content, by=by)
        report.created.append(item.key)
        return
    # An entry already stored as any version is imported: a calibration or an
    # admin edit made after it stays current.
    stored = any(_version_content(v) == content for v in item.versions.all())
    moved = (item.area, item.level, item.retired_at) != (entry["area"], entry["level"], None)
    if moved:
        item.area, item.level, item.retired_at = entry["area"], entry["level"], None
        item.save(update_fields=["area", "level", "retired_at"])
    if not stored:
        _new_version(item, content, by=by)
    (report.changed if moved or not stored else report.unchanged).append(item.key)


def bank_import(directory: Path = DEFAULT, *, by: Any = None) -> ImportReport:
    """Bring the database in line with the files, all or nothing.

    New keys become items; an entry whose wording, options, answer, screen or
    parameters are not yet stored becomes the item's next current version; an
    item no longer in the files is retired (kept, with its versions and
    responses, but no longer drawn).
    """
    entries = bank_files_read(directory)
    report = ImportReport()
    with transaction.atomic():
        for entry in entries:
            _import_entry(entry, by=by, report=report)
        keys = {entry["key"] for entry in entries}
        gone = Item.objects.filter(retired_at__isnull=True).exclude(key__in=keys)
        report.retired = sorted(gone.values_list("key", flat=True))
        gone.update(retired_at=timezone.now())
        touched = report.created + report.changed + report.retired
        if touched:
            # One entry per import, on the first item it touched; the data counts them all.
            audit_record(actor=by, action="assessment.bank_import",
                         target=Item.objects.get(key=touched[0]), data={
                "created": len(report.created), "changed": len(report.changed),
                "retired": len(report.retired)})
    return report


# --- Fixed forms -------------------------------------------------------------------


def form_versions(key: str) -> list[Form]:
    """The editions of a form, oldest first: `standard`, `standard-v2`, `standard-v3`, …"""
    pattern = rf"^{re.escape(key)}(-v[0-9]+)?$"
    forms = list(Form.objects.filter(key__regex=pattern))
    return sorted(forms, key=lambda form: int(form.key.rsplit("-v", 1)[1])
                  if form.key != key else 1)


def form_current(key: str) -> Form | None:
    """The newest edition of a form: what a new sitting should use."""
    editions = form_versions(key)
    return editions[-1] if editions else None


def _same_form(form: Form, item_keys: list[str]) -> bool:
    rows = list(form.form_items.select_related("item_version__item").order_by("position"))
    if [row.item_version.item.key for row in rows] != item_keys:
        return False
    current = {v.item_id: v for v in ItemVersion.objects.filter(
        is_current=True, item__key__in=item_keys)}
    return all(
        {f: getattr(row.item_version, f) for f in CONTENT_FIELDS}
        == {f: getattr(current[row.item_version.item_id], f) for f in CONTENT_FIELDS}
        for row in rows
    )


@dataclass
class FormsReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def forms_import(path: Path = DEFAULT_FORMS, *, by: Any = None) -> FormsReport:
    """Create the fixed forms; a form whose items changed gets a new edition.

    A stored form never changes: its results stay comparable. When the file
    lists other items, or one of its items' wording changed, the import
    creates the next edition (`standard` → `standard-v2` → …); parameter-only
    changes (a calibration) do not make a new edition.
    """
    keys = Item.objects.filter(retired_at__isnull=True).values_list("key", flat=True)
    report = FormsReport()
    with transaction.atomic():
        for spec in forms_file_read(path, item_keys=keys):
            latest = form_current(spec["key"])
            if latest is not None and _same_form(latest, spec["items"]):
                report.unchanged.append(latest.key)
                continue
            edition = len(form_versions(spec["key"])) + 1
            key = spec["key"] if edition == 1 else f"{spec['key']}-v{edition}"
            form = Form.objects.create(key=key, name=spec["name"])
            current = {v.item.key: v for v in ItemVersion.objects.filter(
                is_current=True, item__key__in=spec["items"]).select_related("item")}
            FormItem.objects.bulk_create([
                FormItem(form=form, item_version=current[item_key], position=position)
                for position, item_key in enumerate(spec["items"], start=1)
            ])
            audit_record(actor=by, action="assessment.form_create", target=form,
                         data={"items": len(spec["items"])})
            report.created.append(key)
    return report


def bank_import_default(*, by: Any = None) -> tuple[ImportReport, FormsReport]:
    """Import the bundled items and forms (the demo and `assessment_load_items` call this)."""
    return bank_import(by=by), forms_import(by=by)


# --- Revising in the admin -----------------------------------------------------------

_KEEP: Any = object()


def item_revise(
    *, item: Item, by: Any, stem: str | None = None, options: list[dict[str, str]] | None = None,
    answer: str | None = None, screen: Any = _KEEP, a: float | None = None,
    b: float | None = None, c: float | None = None,
) -> ItemVersion:
    """Store an edited item as its next version; the versions learners answered stay.

    Only national administrators change items. Arguments left out keep the
    current value. Nothing changed: the current version is returned as is.
    Parameters typed by a person are expert values; a wording change alone
    keeps the current parameters and where they came from.
    """
    if not is_national(by):
        raise ValidationError(_("Only national administrators can change items."),
                              code="permission")
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)  # one revision at a time
        current = locked.versions.get(is_current=True)
        content = _version_content(current)
        changes = {"stem": stem, "options": options, "answer": answer, "a": a, "b": b, "c": c}
        content.update({k: v for k, v in changes.items() if v is not None})
        if screen is not _KEEP:
            content["screen"] = screen
        entry = {**content, "irt": {k: content[k] for k in "abc"}}
        problems = entry_problems(entry)
        if problems:
            raise ValidationError(problems, code="invalid")
        if content == _version_content(current):
            return current
        params_changed = any(content[k] != getattr(current, k) for k in "abc")
        extra = ({} if params_changed
                 else {"source": current.source, "calibration": current.calibration})
        version = _new_version(locked, content, by=by, **extra)
        audit_record(actor=by, action="assessment.item_revise", target=locked,
                     data={"version": version.version})
    return version
