"""Result documents rendered from the catalog's templates: the Vietnamese text as printed, the Decree 30/2020
layout, a page kept as PNG for a human to look at (var/test-output/signing/), the sandbox and its errors."""

from __future__ import annotations

import datetime as dt
import io
import struct
import subprocess
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader

from dossiers.dossier_catalog_world import PHU_XUAN, hue_world, receive
from motcua.core.errors import DomainError
from motcua.signing import errors
from motcua.signing.documents import (
    DocumentKind,
    Rendered,
    Signer,
    context_for_dossier,
    render,
    sample_context,
    template_for,
)
from motcua.signing.models import DocumentTemplate

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = dt.datetime(2026, 1, 5, 8, 0, tzinfo=TZ)
ISSUED = dt.date(2026, 1, 5)
URL = "http://127.0.0.1:8000/xac-thuc/Zq3vJ8kT0pXy2LmN5bR7wA9cD1eF4gH6"
LEADER = Signer(authority="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", position="PHÓ CHỦ TỊCH", name="Lê Văn Bình")
BIRTH, MARRIAGE, DEATH = "1.001193", "1.000894", "1.000656"

pytestmark = pytest.mark.django_db


def pdftotext(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")


def lines_of(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def hue():
    return hue_world(T0.date())


def _dossier(hue, code: str, form: dict):
    return receive(
        hue, hue.procedure(code), point=hue.point_phu_xuan, place=hue.phu_xuan, now=T0, form_data=form
    )


def _render(dossier, kind: str = DocumentKind.RESULT, number: str = "05/GKS-UBND", **extra) -> Rendered:
    template = template_for(dossier=dossier, kind=kind)
    assert template is not None
    context = context_for_dossier(
        dossier, kind=kind, number=number, issued_on=ISSUED, verify_url=URL, signer=LEADER, extra=extra
    )
    return render(template=template, context=context)


def _birth(hue, **form):
    data = {
        "child_name": "Nguyễn Thị Ánh Dương",
        "child_birth_date": "2026-01-03",
        "child_sex": "Nữ",
        "child_birth_place": "Bệnh viện Trung ương Huế",
        "mother_name": "Phan Thị Mai",
        "father_name": "Nguyễn Văn Hưng",
        "relationship": "Mẹ",
        "parent_residence_unit": PHU_XUAN,
        **form,
    }
    return _dossier(hue, BIRTH, data)


def test_birth_certificate_prints_the_national_header_and_the_form_data_exactly(hue, output_dir: Path):
    rendered = _render(_birth(hue))
    (output_dir / "giay-khai-sinh.pdf").write_bytes(rendered.pdf)
    printed = lines_of(pdftotext(rendered.pdf))
    for line in [
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG PHÚ XUÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/GKS-UBND",
        "Huế, ngày 05 tháng 01 năm 2026",
        "GIẤY KHAI SINH",
        "Họ, chữ đệm, tên: NGUYỄN THỊ ÁNH DƯƠNG",
        "Ngày, tháng, năm sinh: 03/01/2026",
        "Ghi bằng chữ: ngày 03 tháng 01 năm 2026",
        "Giới tính: Nữ",
        "Nơi sinh: Bệnh viện Trung ương Huế",
        "Họ, chữ đệm, tên người mẹ: Phan Thị Mai",
        "Họ, chữ đệm, tên người cha: Nguyễn Văn Hưng",
        "Nơi cư trú của cha, mẹ: Phường Phú Xuân",
        "Nơi đăng ký khai sinh: Ủy ban nhân dân phường Phú Xuân",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Văn Bình",
        "Nơi nhận:",
        URL,
    ]:
        assert line in printed, (line, printed)
    # Composed Vietnamese (NFC) as written, not decomposed marks or look-alike glyphs.
    assert all(unicodedata.is_normalized("NFC", line) for line in printed)
    # Every line the renderer reports is on the page, in that order of reading (paragraphs may wrap).
    page = flat(pdftotext(rendered.pdf))
    for line in lines_of(rendered.text):
        assert line in page, line
    # A second extractor agrees on the header.
    other = PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in other and "Độc lập - Tự do - Hạnh phúc" in other


def test_a_page_is_rendered_to_png_and_kept_in_the_test_output(hue, output_dir: Path):
    rendered = _render(_birth(hue))
    pdf = output_dir / "giay-khai-sinh-trang.pdf"
    pdf.write_bytes(rendered.pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "100",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(output_dir / "giay-khai-sinh"),
        ],
        check=True,
    )
    png = (output_dir / "giay-khai-sinh.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 827 and abs(height - 1169) <= 1  # A4 at 100 dpi
    image = Image.open(io.BytesIO(png)).convert("L")

    def inked(left_mm: float, top_mm: float, right_mm: float, bottom_mm: float) -> bool:
        box = tuple(round(v / 25.4 * 100) for v in (left_mm, top_mm, right_mm, bottom_mm))
        return image.crop(box).getextrema()[0] < 100

    assert inked(95, 18, 200, 32)  # the national name and motto, top right
    assert inked(18, 18, 90, 32)  # the agency, top left
    assert not inked(0, 0, 210, 15)  # the top margin is blank
    assert inked(30, 60, 195, 100)  # the body


def test_the_page_is_a4_in_liberation_serif_with_the_signature_room_in_the_signature_block(hue):
    rendered = _render(_birth(hue))
    reader = PdfReader(io.BytesIO(rendered.pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"]["/Font"].get_object()).values()
        for font in [font.get_object()]
    }
    assert fonts and all("LiberationSerif" in name for name in fonts), fonts
    signer, seal = rendered.signer_box, rendered.seal_box
    assert signer.page == seal.page == len(reader.pages) - 1
    assert 297 < signer.x1 < signer.x2 <= 595 - 42 and 56 < signer.y1 < signer.y2 < 842 - 56
    # The seal covers the left third of the signature (Decree 30/2020 Annex I).
    third = signer.x1 + (signer.x2 - signer.x1) / 3
    assert seal.x1 < signer.x1 < seal.x2 <= third + 1
    assert seal.y1 <= signer.y1 and seal.y2 >= signer.y2


def test_marriage_certificate_and_death_extract_print_their_own_content(hue, output_dir: Path):
    marriage = _dossier(
        hue,
        MARRIAGE,
        {
            "partner_name": "Trần Văn Đức",
            "partner_birth_date": "1995-02-14",
            "partner_id_number": "046095001111",
        },
    )
    rendered = _render(marriage, number="12/GCNKH-UBND")
    (output_dir / "giay-chung-nhan-ket-hon.pdf").write_bytes(rendered.pdf)
    text = flat(pdftotext(rendered.pdf))
    assert "GIẤY CHỨNG NHẬN KẾT HÔN" in text and "Số: 12/GCNKH-UBND" in text
    assert "TRẦN VĂN ĐỨC" in text and "14/02/1995" in text and "PHAN THỊ MAI" in text
    assert "đăng ký kết hôn tại Ủy ban nhân dân phường Phú Xuân ngày 05 tháng 01 năm 2026" in text

    death = _dossier(
        hue,
        DEATH,
        {
            "deceased_name": "Hoàng Văn Thọ",
            "death_date": "2026-01-02",
            "death_place": "Bệnh viện Trung ương Huế",
        },
    )
    rendered = _render(death, number="03/TLKT-UBND")
    (output_dir / "trich-luc-khai-tu.pdf").write_bytes(rendered.pdf)
    printed = lines_of(pdftotext(rendered.pdf))
    assert "TRÍCH LỤC KHAI TỬ" in printed
    assert "Họ, chữ đệm, tên người chết: HOÀNG VĂN THỌ" in printed
    assert "Đã chết vào ngày: 02/01/2026" in printed


def test_stop_notice_and_apology_are_the_shared_forms_05_and_04(hue):
    dossier = _birth(hue)
    stop = _render(
        dossier, kind=DocumentKind.STOP_NOTICE, number="07/TB-UBND", reason="Hồ sơ giả mạo giấy tờ"
    )
    text = flat(pdftotext(stop.pdf))
    assert "THÔNG BÁO Về việc dừng giải quyết hồ sơ" in text
    assert "Lý do: Hồ sơ giả mạo giấy tờ" in text and dossier.code in text
    apology = _render(
        dossier,
        kind=DocumentKind.APOLOGY,
        number="",
        reason="Cần xác minh",
        old_date="05/01/2026",
        new_date="07/01/2026",
    )
    text = flat(pdftotext(apology.pdf))
    assert "VĂN BẢN XIN LỖI" in text and "hẹn trả kết quả vào ngày 07/01/2026" in text
    assert "Số:" in lines_of(pdftotext(apology.pdf))  # no number in a draft: the register gives it at issue


def test_a_template_of_an_earlier_version_serves_until_the_procedure_gets_its_own(hue):
    dossier = _birth(hue)
    own = template_for(dossier=dossier, kind=DocumentKind.RESULT)
    assert own is not None and own.version_id == dossier.procedure_version_id
    shared = template_for(dossier=dossier, kind=DocumentKind.STOP_NOTICE)
    assert shared is not None and shared.version_id is None
    DocumentTemplate.objects.filter(pk=own.pk).delete()
    generic = template_for(dossier=dossier, kind=DocumentKind.RESULT)
    assert generic is not None and generic.version_id is None
    text = flat(pdftotext(_render(dossier, number="01/KQ-UBND").pdf))
    assert "GIẤY KHAI SINH (BẢN CHÍNH) VÀ TRÍCH LỤC KHAI SINH BẢN SAO (NẾU CÓ YÊU CẦU)" in text
    assert "Họ, chữ đệm, tên người được khai sinh: Nguyễn Thị Ánh Dương" in text


def test_a_value_from_the_form_never_becomes_markup(hue):
    dossier = _birth(hue, child_name="An **đậm** | ô :: __x__ -- y")
    printed = lines_of(pdftotext(_render(dossier).pdf))
    assert "Họ, chữ đệm, tên: AN **ĐẬM** | Ô :: __X__ -- Y" in printed


def _template(body: str, title: str = "THỬ") -> DocumentTemplate:
    return DocumentTemplate(kind=DocumentKind.RESULT, name="Mẫu thử", title=title, symbol="T", body=body)


def _fails(body: str) -> DomainError:
    template = _template(body)
    with pytest.raises(DomainError) as caught:
        render(template=template, context=sample_context(template=template, form_schema={}))
    return caught.value


@pytest.mark.parametrize(
    "body",
    [
        "{{ form.__class__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ dossier.items.__self__ }}",
        "{{ lipsum.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ form.__init__ }}",
        "{{ issued_on.text.format_map }}",
        "{{ dossier.code.__class__.__subclasses__() }}",
    ],
)
def test_the_sandbox_refuses_attribute_access(body):
    error = _fails(body)
    assert error.code in (errors.TEMPLATE_UNSAFE, errors.TEMPLATE_ERROR)
    assert "Mẫu văn bản (Mẫu thử: nội dung)" in str(error)


def test_the_sandbox_refuses_files():
    for body in [
        "{% include '/etc/passwd' %}",
        "{% import '/etc/hostname' as h %}",
        "{% extends 'base.html' %}",
    ]:
        error = _fails(body)
        assert error.code == errors.TEMPLATE_ERROR
        assert "/etc/passwd" not in str(error) or "root:" not in str(error)


def test_a_bounded_output():
    error = _fails("{% for i in range(99999) %}{% for j in range(99999) %}xxxxxxxxxx{% endfor %}{% endfor %}")
    assert error.code == errors.TEMPLATE_TOO_LONG


def test_template_errors_say_what_is_wrong_in_vietnamese():
    error = _fails("Họ tên:: {{ form.ten_khong_co }}")
    assert error.code == errors.TEMPLATE_ERROR
    assert str(error).startswith("Mẫu văn bản (Mẫu thử: nội dung) dùng dữ liệu không có:")
    assert "ten_khong_co" in str(error)
    error = _fails("dòng một\n{% if %}")
    assert error.code == errors.TEMPLATE_ERROR
    assert "sai cú pháp ở dòng 2" in str(error)


def test_a_missing_font_is_a_clear_error(settings, tmp_path):
    settings.MOTCUA_DOCUMENT_FONTS = str(tmp_path)
    template = _template("Nội dung")
    with pytest.raises(DomainError) as caught:
        render(template=template, context=sample_context(template=template, form_schema={}))
    assert caught.value.code == errors.FONT_MISSING
    assert "fonts-liberation2" in str(caught.value) and str(tmp_path) in str(caught.value)


def test_markup_headings_pairs_and_tables_are_laid_out():
    body = "= Phần một\nTên:: **Giá trị**\n\n| Cột A | Cột B |\n| Ô-một | Ô-hai |\nĐoạn __nghiêng__ cuối."
    template = _template(body)
    rendered = render(template=template, context=sample_context(template=template, form_schema={}))
    printed = lines_of(pdftotext(rendered.pdf))
    assert "Phần một" in printed and "Tên: Giá trị" in printed and "Đoạn nghiêng cuối." in printed
    page = flat(pdftotext(rendered.pdf))
    assert all(cell in page for cell in ("Cột A", "Cột B", "Ô-một", "Ô-hai"))
    assert "Cột A | Cột B" in rendered.text


def test_a_character_the_document_font_cannot_print_is_refused_not_left_blank(hue):
    dossier = _birth(hue, child_name="Nguyễn 漢 An")
    with pytest.raises(DomainError) as caught:
        _render(dossier)
    assert caught.value.code == errors.CHARACTER_UNPRINTABLE
    assert "漢 (U+6F22)" in str(caught.value)


def test_documents_rendered_one_after_another_each_carry_only_their_own_text(hue):
    # The faces are parsed once per process and cut per document (documents.fontsubset): a document's text
    # and glyphs never come from the one rendered before it.
    first = _render(_birth(hue, child_name="Nguyễn Thị Ánh Dương"), number="05/GKS-UBND")
    second = _render(_birth(hue, child_name="Trần Quỳnh Hương"), number="06/GKS-UBND")
    third = _render(_birth(hue, child_name="Nguyễn Thị Ánh Dương"), number="05/GKS-UBND")

    first_text, second_text, third_text = (flat(pdftotext(r.pdf)) for r in (first, second, third))
    assert "NGUYỄN THỊ ÁNH DƯƠNG" in first_text and "TRẦN QUỲNH HƯƠNG" not in first_text
    assert "TRẦN QUỲNH HƯƠNG" in second_text and "ÁNH DƯƠNG" not in second_text
    assert "Số: 06/GKS-UBND" in second_text and "05/GKS-UBND" not in second_text
    assert "NGUYỄN THỊ ÁNH DƯƠNG" in third_text and "TRẦN QUỲNH HƯƠNG" not in third_text
    # Each document's faces carry the outlines its own text needs, no more: "Q" and "Ỳ" only in the second.
    for rendered, has_q in ((first, False), (second, True), (third, False)):
        assert ("Q" in _drawn_letters(rendered.pdf, "/MPDFAA+LiberationSerifBold")) is has_q
        assert ("Ỳ" in _drawn_letters(rendered.pdf, "/MPDFAA+LiberationSerifBold")) is has_q


def _embedded_programs(pdf: bytes) -> dict[str, bytes]:
    reader = PdfReader(io.BytesIO(pdf))
    programs = {}
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        programs[str(descendant["/BaseFont"])] = descendant["/FontDescriptor"]["/FontFile2"].get_data()
    return programs


def _drawn_letters(pdf: bytes, font: str) -> set[str]:
    from fontTools.ttLib import TTFont

    face = TTFont(io.BytesIO(_embedded_programs(pdf)[font]))
    drawn = {name for name in face.getGlyphOrder() if face["glyf"][name].numberOfContours != 0}
    return {chr(code) for code, name in face.getBestCmap().items() if name in drawn}


def test_the_embedded_faces_carry_the_outlines_of_the_printed_letters_only(hue):
    from fontTools.ttLib import TTFont

    rendered = _render(_birth(hue))
    programs = _embedded_programs(rendered.pdf)

    regular = TTFont(io.BytesIO(programs["/MPDFAA+LiberationSerif"]))
    glyphs = regular.getGlyphSet()
    names = regular.getGlyphOrder()
    drawn = {name for name in names if regular["glyf"][name].numberOfContours != 0}
    cmap = {chr(code): name for code, name in regular.getBestCmap().items()}
    # Printed in the regular face (the labels of the form data): its letters have outlines…
    for letter in "Nơi sinh Giới tính":
        if not letter.isspace():
            assert cmap[letter] in drawn, letter
    # …a letter no document text uses has none, and the face is far smaller than the source.
    assert cmap["Ỹ"] not in drawn
    assert len(drawn) < len(names) / 4
    assert len(programs["/MPDFAA+LiberationSerif"]) < 40_000
    assert glyphs[cmap["C"]].width > 0


def test_a_cut_face_keeps_glyph_numbers_and_composite_components():
    from fontTools.ttLib import TTFont

    from motcua.signing.documents import fontsubset

    source = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
    original = TTFont(str(source))
    face = fontsubset.read(source.read_bytes())
    cmap = original.getBestCmap()
    wanted = {original.getGlyphID(cmap[ord(c)]) for c in "Aệ"}

    cut = TTFont(io.BytesIO(face.subset(wanted)))

    assert len(cut.getGlyphOrder()) == len(original.getGlyphOrder())  # numbers unchanged
    cut_glyf, original_glyf = cut["glyf"], original["glyf"]

    def outline(font, glyf, gid):
        glyph = glyf[font.getGlyphName(gid)]
        return glyph.getCoordinates(glyf)[0] if glyph.numberOfContours else None

    kept = {gid for gid in range(len(cut.getGlyphOrder())) if outline(cut, cut_glyf, gid) is not None}
    components = set()
    for gid in wanted:
        glyph = original_glyf[original.getGlyphName(gid)]
        if glyph.isComposite():
            components |= {original.getGlyphID(c.glyphName) for c in glyph.components}
    assert components  # "ệ" is drawn from "e" and its marks
    assert kept | {0} == wanted | components | {0}  # .notdef too (empty in this face)
    for gid in kept:
        assert outline(cut, cut_glyf, gid) == outline(original, original_glyf, gid)
    assert [cut["hmtx"][cut.getGlyphName(g)] for g in range(50)] == [
        original["hmtx"][original.getGlyphName(g)] for g in range(50)
    ]
