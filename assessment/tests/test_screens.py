"""Every scenario screen renders, with its alt text and the marks its options name."""

import html
import re

import pytest
from django.template.loader import render_to_string

from assessment.item_bank import MARKS, bank_files_read

SCENARIOS = [entry for entry in bank_files_read() if entry["screen"]]


@pytest.mark.parametrize("entry", SCENARIOS, ids=[entry["key"] for entry in SCENARIOS])
def test_it_renders_every_screen_with_its_alt_text_and_marks(entry: dict) -> None:
    page = html.unescape(render_to_string(
        "assessment/screens/screen.html", {"screen": entry["screen"]},
    ))
    assert f'class="screen screen--{entry["screen"]["type"]}"' in page
    caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", page, re.S)
    assert caption and entry["screen"]["alt"] in caption.group(1)
    drawing = re.search(r'<div class="screen__device" aria-hidden="true">(.*)</div>', page, re.S)
    assert drawing is not None
    shown = set(re.findall(r'<span class="screen-mark">(.)</span>', drawing.group(1)))
    referenced = {ch for option in entry["options"] for ch in option["text"] if ch in MARKS}
    assert referenced <= shown
    # Every mark in the drawing is also in the alt text, so a listener can follow the options.
    assert all(mark in entry["screen"]["alt"] for mark in shown)


def test_the_drawing_has_no_inline_styles_or_focusable_parts() -> None:
    for entry in SCENARIOS:
        page = render_to_string("assessment/screens/screen.html", {"screen": entry["screen"]})
        assert "style=" not in page
        assert not re.search(r"<(a|button|input)\b", page)
