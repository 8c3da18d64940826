import io

import pytest
import segno
from openpyxl import load_workbook
from PIL import Image, ImageChops
from pypdf import PdfReader

from attendance.documents import check_url
from attendance.services import attendance_mark_all, certificates_issue
from attendance.testing import finish, running_class
from privacy.models import AccessLog

pytestmark = pytest.mark.django_db

TITLE = "스마트폰으로 은행 업무 보기"


def issued(people, **kwargs):
    course_class, _applications = running_class(people, title=TITLE, **kwargs)
    for session in course_class.sessions.all():
        attendance_mark_all(session=session, by=people.instructor)
    finish(course_class)
    return course_class, certificates_issue(course_class=course_class, by=people.manager)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_certificate_is_a_korean_pdf_with_a_qr_code_of_the_check_url(client, people):
    course_class, (certificate, *_) = issued(people, learners=1, names=["Nguyễn Thị Hương"])
    client.force_login(people.instructor)
    response = client.get(f"/staff/attendance/certificates/{certificate.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert TITLE in text
    assert "Nguyễn Thị Hương" in text  # the fallback font draws the Vietnamese letters
    assert course_class.center.name in text
    assert certificate.number in text
    url = check_url(certificate.verification_code)
    assert url.startswith("http") and certificate.verification_code in url
    assert url in text.replace("\n", "")
    # The embedded image is exactly the QR code of the check URL.
    (image,) = PdfReader(io.BytesIO(content)).pages[0].images
    expected = io.BytesIO()
    segno.make(url, error="m").save(expected, kind="png", scale=8, border=4)
    drawn = image.image.convert("L")
    wanted = Image.open(expected).convert("L")
    assert drawn.size == wanted.size
    assert ImageChops.difference(drawn, wanted).getbbox() is None
    # Fonts are subset: the whole NanumGothic is ~4.6 MB.
    assert len(content) < 400_000
    assert AccessLog.objects.filter(action="print", subject_type="learners.learner").count() == 1


def test_the_class_pdf_has_one_page_per_certificate(client, people):
    course_class, certificates = issued(people, learners=3)
    client.force_login(people.manager)
    response = client.get(f"/staff/attendance/classes/{course_class.pk}/certificates.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    assert all(c.number in pdf_text(response.content) for c in certificates)


@pytest.mark.parametrize("who", ["outsider", "other_instructor"])
def test_outsiders_get_no_certificate(client, people, who):
    course_class, (certificate, *_) = issued(people, learners=1)
    if who == "other_instructor":
        course_class.instructor = None
        course_class.save(update_fields=["instructor"])
        who = "instructor"
    client.force_login(getattr(people, who))
    assert client.get(f"/staff/attendance/certificates/{certificate.pk}.pdf").status_code == 404
    assert client.get(
        f"/staff/attendance/classes/{course_class.pk}/certificates.pdf",
    ).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_sign_in_sheet_is_a_pdf_and_an_xlsx_with_the_roster(client, people):
    course_class, _applications = running_class(people, names=["김영희", "이철수", "Trần Văn An"])
    session = course_class.sessions.first()
    client.force_login(people.instructor)
    response = client.get(f"/staff/attendance/sessions/{session.pk}/sheet.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    for name in ("김영희", "이철수", "Trần Văn An", course_class.course.title):
        assert name in text
    response = client.get(f"/staff/attendance/sessions/{session.pk}/sheet.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert {"김영희", "이철수", "Trần Văn An", course_class.course.title} <= set(values)
    actions = set(AccessLog.objects.values_list("action", flat=True))
    assert actions == {"print", "export"}


def test_outsiders_get_no_sign_in_sheet(client, people):
    course_class, _ = running_class(people)
    session = course_class.sessions.first()
    client.force_login(people.outsider)
    for suffix in ("sheet.pdf", "sheet.xlsx"):
        assert client.get(f"/staff/attendance/sessions/{session.pk}/{suffix}").status_code == 404
