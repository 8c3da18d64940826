"""The printable fixed form, read back from the PDF."""

import io

import pytest
from pypdf import PdfReader

from accounts.models import User
from assessment.documents import answer_key_pdf, form_pdf, screen_parts
from assessment.models import ItemVersion
from assessment.testing import fixed_form, small_bank

pytestmark = pytest.mark.django_db

SCREEN = {
    "type": "messenger", "alt": "문자 화면: 택배가 왔다는 문자",
    "title": "문자 메시지", "lines": ["[택배] 주소를 확인하세요", "http://bit.ly/xx"],
    "buttons": [{"label": "링크 열기"}, "삭제"],
}


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_it_prints_every_question_without_the_answers():
    versions = small_bank()
    ItemVersion.objects.filter(pk=versions[0].pk).update(screen=SCREEN)
    form = fixed_form(versions, key="standard", size=20)
    text, pages = pdf_text(form_pdf(form))
    compact = text.replace(" ", "").replace("\n", "")
    for fi in form.form_items.select_related("item_version"):
        assert fi.item_version.stem.replace(" ", "") in compact
    assert "링크열기" in compact and "택배" in compact  # the screen is drawn as text
    assert "①" in text and "④" not in text  # the bank's questions have three options
    # Copies are printed for learners: the answers are in a document of their own.
    assert "Answer grid" not in text and "정답" not in text
    # 20 questions in large print: several pages, not one per question.
    assert 2 <= pages <= 11


def test_the_answer_key_is_a_document_of_its_own():
    versions = small_bank()
    form = fixed_form(versions, key="standard", size=12)
    text, pages = pdf_text(answer_key_pdf(form))
    assert "Answer grid" in text or "정답" in text
    assert pages == 1
    assert versions[0].stem not in text


def test_a_screen_without_elements_falls_back_to_its_description():
    title, lines, buttons = screen_parts({"type": "map", "alt": "지도 앱: 현재 위치 단추"})
    assert (title, lines, buttons) == ("", ["지도 앱: 현재 위치 단추"], [])


def test_staff_print_it_and_others_are_sent_away(client, people):
    form = fixed_form(small_bank(per_area=2), key="standard")
    url = "/staff/assessment/forms/standard.pdf"
    assert client.get(url).status_code == 302
    client.force_login(people.instructor)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get("/staff/assessment/forms/nope.pdf").status_code == 404
    assert form.name.replace(" ", "") in pdf_text(response.content)[0].replace(" ", "")


def test_staff_print_the_answer_key_and_others_are_sent_away(client, people):
    fixed_form(small_bank(per_area=2), key="standard")
    url = "/staff/assessment/forms/standard/answers.pdf"
    assert client.get(url).status_code == 302
    client.force_login(User.objects.create_user(username="no-role", password="x" * 16))
    assert client.get(url).status_code == 404
    client.force_login(people.instructor)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)[0]
    assert "Answer grid" in text or "정답" in text
    assert client.get("/staff/assessment/forms/nope/answers.pdf").status_code == 404
