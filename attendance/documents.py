"""Printed documents: certificates (수료증) and sign-in sheets, as PDF and xlsx.

PDFs are drawn with fpdf2 in NanumGothic (Korean), with DejaVu Sans as the
fallback for letters NanumGothic lacks (Vietnamese and other Latin-extended
names); both are vendored in attendance/fonts/ with their licences, and fpdf2
embeds only the glyphs used. The certificate's QR code (segno) links to the
public check page.
"""

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from attendance.models import Certificate
from attendance.services import verification_code_display
from classes.models import ClassSession

FONTS = Path(__file__).resolve().parent / "fonts"
KOREAN = "NanumGothic"
FALLBACK = "DejaVuSans"


def check_url(code: str) -> str:
    """The public page that confirms a certificate: what the QR code holds."""
    path = reverse("certificates-check-code", kwargs={"code": code})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def korean_pdf(*, title: str, orientation: str = "portrait") -> FPDF:
    """An A4 document with the vendored Korean font and a fallback for other scripts."""
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator(_("Digital Learning Centre"))
    pdf.set_lang("ko")
    pdf.add_font(KOREAN, "", str(FONTS / "NanumGothic.ttf"))
    pdf.add_font(KOREAN, "B", str(FONTS / "NanumGothicBold.ttf"))
    pdf.add_font(FALLBACK, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FALLBACK, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_fallback_fonts([FALLBACK], exact_match=False)
    pdf.set_auto_page_break(auto=True, margin=15)
    return pdf


def _date(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


# --- Certificates ------------------------------------------------------------------


def _certificate_page(pdf: FPDF, certificate: Certificate) -> None:
    application = certificate.application
    course_class = application.course_class
    course = course_class.course
    learner = application.learner
    minutes = certificate.total_sessions * course.minutes_per_session
    hours = f"{minutes / 60:g}"
    issued = _date(certificate.issued_at.date())
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_draw_color(30, 80, 140)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)

    pdf.set_xy(pdf.l_margin + 5, 22)
    pdf.set_font(KOREAN, "", 11)
    pdf.cell(text=_("No. %(number)s") % {"number": certificate.number})
    pdf.set_y(45)
    pdf.set_font(KOREAN, "B", 36)
    pdf.cell(width, 18, _("Certificate of Completion"), align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)

    rows = [
        (_("Name"), learner.name),
        (_("Year of birth"), _("%(year)s") % {"year": learner.birth_year}),
        (_("Course"), course.title),
        (_("Centre"), course_class.center.name),
        (_("Period"), f"{_date(course_class.first_date)} ~ {_date(course_class.last_date)}"),
        (_("Hours"), _("%(hours)s hours (attended %(attended)s of %(total)s sessions)") % {
            "hours": hours, "attended": certificate.attended_sessions,
            "total": certificate.total_sessions,
        }),
    ]
    for label, value in rows:
        pdf.set_x(pdf.l_margin + 15)
        pdf.set_font(KOREAN, "B", 14)
        pdf.cell(35, 11, label)
        pdf.set_font(KOREAN, "", 14)
        pdf.multi_cell(width - 50, 11, str(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(14)
    pdf.set_font(KOREAN, "", 15)
    pdf.set_x(pdf.l_margin + 10)
    pdf.multi_cell(
        width - 20, 10,
        _("The person named above has completed the course above of the %(programme)s "
          "programme, and is awarded this certificate.")
        % {"programme": _("Digital Learning Centre")},
        align="C", new_x="LMARGIN", new_y="NEXT",
    )
    pdf.ln(12)
    pdf.set_font(KOREAN, "", 14)
    pdf.cell(width, 10, issued, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(KOREAN, "B", 20)
    pdf.cell(width, 12, _("Digital Learning Centre"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(KOREAN, "", 13)
    pdf.cell(width, 9, course_class.center.name, align="C", new_x="LMARGIN", new_y="NEXT")

    url = check_url(certificate.verification_code)
    size = 30
    top = pdf.h - 25 - size
    pdf.image(io.BytesIO(qr_png(url)), x=pdf.l_margin + 5, y=top, w=size, h=size)
    pdf.set_xy(pdf.l_margin + size + 10, top + 4)
    pdf.set_font(KOREAN, "", 10)
    pdf.multi_cell(
        width - size - 15, 6,
        _("Check this certificate: scan the code or visit %(url)s") % {"url": url},
        align="L", new_x="LMARGIN", new_y="NEXT",
    )
    pdf.set_x(pdf.l_margin + size + 10)
    pdf.set_font(KOREAN, "B", 11)
    pdf.cell(text=_("Verification code: %(code)s") % {
        "code": verification_code_display(certificate.verification_code),
    })


def certificates_pdf(certificates: list[Certificate]) -> bytes:
    """One page per certificate. Expects application__learner, application__course_class
    __course and __center to be loaded."""
    pdf = korean_pdf(title=_("Certificate of Completion"))
    for certificate in certificates:
        _certificate_page(pdf, certificate)
    return bytes(pdf.output())


# --- Sign-in sheets ----------------------------------------------------------------


@dataclass
class SheetRow:
    number: int
    name: str
    birth_year: int


def _session_heading(session: ClassSession) -> list[tuple[str, str]]:
    course_class = session.course_class
    return [
        (_("Course"), course_class.course.title),
        (_("Centre"), course_class.center.name),
        (_("Session"), _("Session %(number)s") % {"number": session.number}),
        (_("Date"), f"{_date(session.date)} {session.starts_at:%H:%M}–{session.ends_at:%H:%M}"),
    ]


def sign_in_sheet_pdf(session: ClassSession, rows: list[SheetRow]) -> bytes:
    pdf = korean_pdf(title=_("Sign-in sheet"))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(KOREAN, "B", 20)
    pdf.cell(width, 12, _("Sign-in sheet"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for label, value in _session_heading(session):
        pdf.set_font(KOREAN, "B", 11)
        pdf.cell(25, 7, label)
        pdf.set_font(KOREAN, "", 11)
        pdf.cell(width - 25, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    columns: list[tuple[str, float]] = [
        (_("No."), 15), (_("Name"), 60), (_("Year of birth"), 30), (_("Signature"), 0),
    ]
    columns[-1] = (columns[-1][0], width - sum(w for _label, w in columns[:-1]))

    def header() -> None:
        pdf.set_font(KOREAN, "B", 12)
        pdf.set_fill_color(230, 236, 245)
        for label, column_width in columns:
            pdf.cell(column_width, 10, label, border=1, align="C", fill=True)
        pdf.ln()
        pdf.set_font(KOREAN, "", 13)

    header()
    for row in rows:
        if pdf.will_page_break(14):
            pdf.add_page()
            header()
        values = [str(row.number), row.name, str(row.birth_year), ""]
        for (_label, column_width), value in zip(columns, values, strict=True):
            pdf.cell(column_width, 14, value, border=1, align="C")
        pdf.ln()
    pdf.ln(6)
    pdf.set_font(KOREAN, "", 10)
    pdf.multi_cell(
        width, 6,
        _("Enter this sheet afterwards on the paper-entry page of the session."), align="L",
    )
    return bytes(pdf.output())


def sign_in_sheet_xlsx(session: ClassSession, rows: list[SheetRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Sign-in sheet")[:31]
    bold = Font(bold=True)
    for label, value in _session_heading(session):
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    header = [_("No."), _("Name"), _("Year of birth"), _("Signature")]
    sheet.append(header)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_row = sheet.max_row
    for column in range(1, len(header) + 1):
        cell = sheet.cell(row=header_row, column=column)
        cell.font = bold
        cell.border = border
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append([row.number, row.name, row.birth_year, ""])
        sheet.row_dimensions[sheet.max_row].height = 30
        for column in range(1, len(header) + 1):
            sheet.cell(row=sheet.max_row, column=column).border = border
    for letter, column_width in zip("ABCD", (8, 24, 12, 30), strict=True):
        sheet.column_dimensions[letter].width = column_width
    sheet.print_title_rows = f"{header_row}:{header_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
