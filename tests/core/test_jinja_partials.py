"""The partials the officer's dossier page renders in Jinja write what their Django copies write (the
citizen's page and the prefill notes still include those): the e-form as filled and a registry address's
reading, in both languages, byte for byte."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import get_template
from django.utils import translation

from motcua.core import jinja
from motcua.dossiers.formview import FormEntry

CODE = "197.53.00.H57-250908-0005"
ENTRIES = [
    FormEntry(name="ho_ten", label="Họ và tên", text="Nguyễn Văn <An> & 'Bình'"),
    FormEntry(name="ghi_chu", label="Ghi chú", text="dòng một\ndòng hai\r\n<b>ba</b>"),
    FormEntry(name="ban_ve", label="Bản vẽ", text='ban ve & "mat bang".pdf', is_file=True),
    FormEntry(name="dia_chi", label="Địa chỉ", parts=[("Số nhà", "12 <Lê Lợi>"), ("Phường", "Thuận Hóa")]),
    FormEntry(name="trong", label="Trống", text=""),
]
COMMUNE = SimpleNamespace(
    commune=object(), label="Phường Thuận Hóa, Thành phố Huế (trước đây: Phường Phú Hội)", ambiguous=False
)
AMBIGUOUS = SimpleNamespace(
    commune=None,
    label="",
    ambiguous=True,
    candidate_labels=[(object(), "Phường An Cựu"), (object(), "Phường <Thủy> Xuân & Vỹ Dạ")],
)
NOTHING = SimpleNamespace(commune=None, label="", ambiguous=False, candidate_labels=[])


def _both(name: str, context: dict, language: str, jinja_context: dict | None = None) -> tuple[str, str]:
    """Both renderings; quotes are escaped by Django as ``&quot;``/``&#x27;`` and by markupsafe (every Jinja
    page) as ``&#34;``/``&#39;``: the same characters, so the Jinja spelling is read as Django's.
    ``jinja_context`` replaces what the Jinja copy is given in another shape."""
    with translation.override(language):
        django = get_template(name, using="django").render(context)
        compiled = jinja._template(name, language).render({**context, **(jinja_context or {})})
    return django, compiled.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_form_entries_read_the_same_in_jinja_as_in_django(language):
    context = {
        "form_entries": ENTRIES,
        "dossier": SimpleNamespace(code=CODE),
        "file_url_name": "workspace:form_file",
    }
    rows = [
        (e.name, e.label, e.text, e.is_file, e.parts) for e in ENTRIES
    ]  # as the officer's page passes them
    django, compiled = _both("dossiers/_form_entries.html", context, language, {"form_entries": rows})
    assert compiled == django
    assert "Nguyễn Văn &lt;An&gt; &amp; &#x27;Bình&#x27;" in compiled
    assert "dòng một<br>dòng hai<br>&lt;b&gt;ba&lt;/b&gt;" in compiled
    assert f'href="/can-bo/ho-so/{CODE}/to-khai/ban_ve/" download' in compiled
    assert "<li>Số nhà: 12 &lt;Lê Lợi&gt;</li>" in compiled


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("reading", [COMMUNE, AMBIGUOUS, NOTHING], ids=["commune", "ambiguous", "nothing"])
def test_an_address_reading_reads_the_same_in_jinja_as_in_django(language, reading):
    django, compiled = _both("registries/_address_reading.html", {"reading": reading}, language)
    assert compiled == django


def test_the_provenance_table_shows_each_registry_value_and_its_correction():
    rows = [
        SimpleNamespace(
            label="Họ và tên",
            registry_value="Trần Thị <B>",
            registry="CSDL quốc gia về dân cư",
            reading=None,
            corrected=False,
            submitted_value="Trần Thị <B>",
            reason="",
        ),
        SimpleNamespace(
            label="Địa chỉ",
            registry_value="12 Lê Lợi, Phú Hội",
            registry="CSDL quốc gia về dân cư",
            reading=COMMUNE,
            corrected=True,
            submitted_value="",
            reason="Chuyển nơi ở",
        ),
    ]
    with translation.override("vi"):
        html = jinja._template("registries/_provenance.html", "vi").render({"provenance": rows})
    assert html.count('data-testid="provenance-row"') == 2
    assert "<td>Trần Thị &lt;B&gt;<br>" in html
    assert "<td>Giữ nguyên</td>" in html
    assert '<tr class="corrected" data-testid="provenance-row">' in html
    assert "<strong>Đã sửa:</strong> —" in html  # the corrected value is empty: a dash, as |default:"—"
    assert "<td>Chuyển nơi ở</td>" in html and "<td>—</td>" in html
    assert 'data-testid="address-reading">đơn vị hành chính hiện nay: <strong>Phường Thuận Hóa' in html
