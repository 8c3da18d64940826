"""The printable fixed form: a paper test in large print, and its answer grid.

Drawn with fpdf2 in attendance's vendored NanumGothic (see
attendance/documents.py). Every question is one block that is never split
across pages; a scenario screen is drawn as a framed box with the screen's
title, lines and buttons as text (or its text description, `alt`). The
answer grid for staff (the correct option of every question) is a document of
its own: copies of the test are printed for learners, and must not carry it.
"""

from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF

from assessment.models import Form, ItemVersion
from attendance.documents import KOREAN, korean_pdf

CIRCLED = "①②③④"
BODY_PT = 15  # at least 14 pt: older learners read it without glasses
LINE_MM = 8.5
TITLE_KEYS = ("title", "heading", "header", "app", "name")
LINE_KEYS = ("lines", "text", "body", "messages", "items", "rows", "fields")
BUTTON_KEYS = ("buttons", "actions", "tabs")


def _pdf(title: str) -> FPDF:
    pdf = korean_pdf(title=title)
    pdf.set_margins(18, 15, 18)
    return pdf


def _width(pdf: FPDF) -> float:
    return float(pdf.w - pdf.l_margin - pdf.r_margin)


def _line_count(pdf: FPDF, width: float, height: float, text: str) -> int:
    lines: list[str] = pdf.multi_cell(  # type: ignore[assignment]
        width, height, text, dry_run=True, output="LINES",
    )
    return len(lines)


# --- Scenario screens --------------------------------------------------------------


def _text(value: Any) -> str:
    """A screen element as text: a string, or a dict's label/text/title."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("label", "text", "title", "name", "value"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return ""


def _texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [t for t in (_text(v) for v in value) if t]
    text = _text(value)
    return [text] if text else []


def screen_parts(screen: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """(title, lines, buttons) read from a screen's JSON; the `alt` text when it has none."""
    title = next((_text(screen[k]) for k in TITLE_KEYS if _text(screen.get(k))), "")
    lines = [line for k in LINE_KEYS for line in _texts(screen.get(k))]
    buttons = [button for k in BUTTON_KEYS for button in _texts(screen.get(k))]
    if not (title or lines or buttons):
        lines = _texts(screen.get("alt"))
    return title, lines, buttons


def _screen_height(pdf: FPDF, parts: tuple[str, list[str], list[str]], width: float) -> float:
    title, lines, buttons = parts
    rows = (1 if title else 0) + len(buttons)
    rows += sum(_line_count(pdf, width - 8, 7, line) for line in lines)
    return rows * 7.5 + 8


def _draw_screen(pdf: FPDF, screen: dict[str, Any]) -> None:
    width = _width(pdf) - 20
    parts = screen_parts(screen)
    title, lines, buttons = parts
    pdf.set_font(KOREAN, "", 14)
    x, top = pdf.l_margin + 10, pdf.get_y() + 2
    height = _screen_height(pdf, parts, width)
    pdf.set_line_width(0.6)
    pdf.rect(x, top, width, height, round_corners=True)
    pdf.set_xy(x + 4, top + 4)
    if title:
        pdf.set_font(KOREAN, "B", 14)
        pdf.cell(width - 8, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(KOREAN, "", 14)
    for line in lines:
        pdf.set_x(x + 4)
        pdf.multi_cell(width - 8, 7, line, new_x="LMARGIN", new_y="NEXT")
    for button in buttons:
        pdf.set_x(x + 4)
        pdf.cell(width - 8, 7, f"[ {button} ]", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top + height + 3)


# --- The questions -----------------------------------------------------------------


def _block_height(pdf: FPDF, number: int, version: ItemVersion) -> float:
    """Roughly how tall a question is, to start it on a new page when it would not fit."""
    width = _width(pdf)
    pdf.set_font(KOREAN, "B", BODY_PT)
    stem_lines = _line_count(pdf, width - 12, LINE_MM, version.stem)
    height = stem_lines * LINE_MM + len(version.options) * LINE_MM * 1.3 + 10
    if version.screen:
        pdf.set_font(KOREAN, "", 14)
        height += _screen_height(pdf, screen_parts(version.screen), width - 20) + 5
    return height


def _question(pdf: FPDF, number: int, version: ItemVersion) -> None:
    if pdf.get_y() + _block_height(pdf, number, version) > pdf.h - pdf.b_margin:
        pdf.add_page()
    width = _width(pdf)
    pdf.set_font(KOREAN, "B", BODY_PT)
    pdf.cell(12, LINE_MM, f"{number}.")
    pdf.multi_cell(width - 12, LINE_MM, version.stem, new_x="LMARGIN", new_y="NEXT")
    if version.screen:
        _draw_screen(pdf, version.screen)
    pdf.set_font(KOREAN, "", BODY_PT)
    for index, option in enumerate(version.options):
        pdf.set_x(pdf.l_margin + 12)
        pdf.multi_cell(width - 12, LINE_MM * 1.3, f"{CIRCLED[index]}  {option['text']}",
                       new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)


def _header(pdf: FPDF, form: Form) -> None:
    width = _width(pdf)
    pdf.set_font(KOREAN, "B", 22)
    pdf.cell(width, 12, _("Digital skills check"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(KOREAN, "", 14)
    pdf.cell(width, 8, form.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(KOREAN, "", BODY_PT)
    for label in (_("Name"), _("Class"), _("Date")):
        pdf.cell(30, 11, label, border=1)
        pdf.cell(width - 30, 11, "", border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(30, 11, _("Which test"), border=1)
    pdf.cell(width - 30, 11, "  □ " + _("Before the course") + "     □ " + _("After the course"),
             border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(
        width, LINE_MM,
        _("Circle one answer for each question. If you do not know, leave it blank. "
          "Take your time."),
        new_x="LMARGIN", new_y="NEXT",
    )
    pdf.ln(4)


def _answer_grid(pdf: FPDF, form: Form, versions: list[ItemVersion]) -> None:
    """For staff: the correct option of every question, to check the entry."""
    pdf.add_page()
    width = _width(pdf)
    pdf.set_font(KOREAN, "B", 18)
    pdf.cell(width, 11, _("Answer grid (for staff)"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(KOREAN, "", 12)
    pdf.multi_cell(
        width, 7,
        _("Keep this page away from learners. Enter each sheet on the class's test page: "
          "1 to 4 for the circled option, 0 for no answer."),
        new_x="LMARGIN", new_y="NEXT",
    )
    pdf.ln(3)
    columns = 5
    cell = width / (columns * 2)
    pdf.set_font(KOREAN, "", 14)
    for start in range(0, len(versions), columns):
        for offset, version in enumerate(versions[start:start + columns]):
            keys = [option["key"] for option in version.options]
            correct = CIRCLED[keys.index(version.answer)] if version.answer in keys else "?"
            pdf.cell(cell, 10, f"{start + offset + 1}", border=1, align="C")
            pdf.cell(cell, 10, correct, border=1, align="C")
        pdf.ln(10)


def _versions(form: Form) -> list[ItemVersion]:
    return [
        row.item_version
        for row in form.form_items.select_related("item_version").order_by("position")
    ]


def form_pdf(form: Form) -> bytes:
    """The test for learners: every question, no answers."""
    versions = _versions(form)
    pdf = _pdf(form.name)
    pdf.add_page()
    _header(pdf, form)
    for number, version in enumerate(versions, start=1):
        _question(pdf, number, version)
    return bytes(pdf.output())


def answer_key_pdf(form: Form) -> bytes:
    """The answer grid alone, for staff."""
    pdf = _pdf(form.name)
    _answer_grid(pdf, form, _versions(form))
    return bytes(pdf.output())
