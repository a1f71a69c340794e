"""Smaller things a citizen or officer tripped over (issue 17, item 11): counts of paper copies for a
document that is electronic, and a clock glyph that rendered as a box."""

from __future__ import annotations

import html

import pytest
from django.template.loader import render_to_string

from motcua.catalog.models import Procedure, RequiredDocument
from motcua.dossiers.constants import TimeStatus

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"


def test_a_document_taken_electronically_shows_no_paper_counts(client):
    procedure = Procedure.objects.filter(code=BIRTH).first()
    if procedure is None:
        pytest.skip("needs the sample catalog")
    page = html.unescape(client.get(f"/dich-vu-cong/thu-tuc/{BIRTH}/").content.decode())
    electronic = RequiredDocument.objects.filter(
        version__procedure=procedure, originals=0, copies=0
    ).values_list("name", flat=True)
    assert electronic
    assert "<td>0</td><td>0</td>" not in page
    for name in electronic:
        row = page[page.index(name) :]
        row = row[: row.index("</tr>")]
        assert 'data-testid="electronic-document">Bản điện tử, không nộp bản giấy</td>' in row
    # paper documents still say how many originals and copies
    assert "<td>1</td><td>0</td>" in page or "<td>0</td><td>1</td>" in page or "<td>1</td><td>1</td>" in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_due_soon_mark_is_an_inline_svg_icon_hidden_from_screen_readers(language):
    from django.utils import translation

    with translation.override(language):
        text = render_to_string("workspace/_time_status.html", {"status": TimeStatus.DUE_SOON})
        label = str(TimeStatus.DUE_SOON.label)
    assert "⏰" not in text
    assert '<svg class="icon icon-clock" aria-hidden="true" focusable="false"' in text
    assert html.escape(label) in text
