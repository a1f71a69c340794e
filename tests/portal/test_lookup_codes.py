"""The public lookup accepts the code as people type it and shows the procedure, the agency and the
timeline in plain words; the receipts' link opens it with the code filled in (issue 17, item 9)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from motcua.dossiers import codes, services
from motcua.org.models import Agency

from .test_eform import birth_procedure, make_citizen, media_in_tmp
from .test_lookup import lookup
from .test_my_dossiers import accepted, at_review, staff

__all__ = ["media_in_tmp"]


def compact(code: str) -> str:
    return code.replace(".", "").replace("-", "").lower()


def test_codes_typed_without_dots_in_lower_case_or_with_spaces_are_put_back_in_their_form(db):
    Agency.objects.filter(pk=Agency.objects.first().pk).update(code="000.00.64.H10")
    assert codes.normalize("000.00.64.h10-230515-0011") == "000.00.64.H10-230515-0011"
    assert codes.normalize("0000064h102305150011") == "000.00.64.H10-230515-0011"
    assert codes.normalize(" 000 00 64 H10 230515 0011 ") == "000.00.64.H10-230515-0011"
    assert codes.normalize("0000064H10-230515-12345") == "000.00.64.H10-230515-12345"  # a 5-digit day
    # what matches no unit is only upper-cased; control characters never reach the query
    assert codes.normalize("abc-1") == "ABC-1"
    assert codes.normalize("99999H99 2305150011") == "99999H992305150011"
    assert "\x00" not in codes.normalize("0000064h10\x002305150011")
    assert codes.normalize("") == ""


def test_the_lookup_finds_a_dossier_by_its_code_in_lower_case_without_dots(db):
    birth_procedure()
    dossier = accepted(make_citizen())
    for typed in (compact(dossier.code), dossier.code.lower(), " ".join(dossier.code.split("-"))):
        html = lookup(typed, "1234")
        assert 'data-testid="lookup-result"' in html, typed
        assert f'data-testid="lookup-code">{dossier.code}</dd>' in html
        assert f'data-testid="procedure">{dossier.procedure.name}</dd>' in html
        assert f'data-testid="agency">{dossier.competent_agency.name}</dd>' in html
    assert "Được tiếp nhận" in html


def test_the_lookup_shows_the_applicants_timeline_in_plain_words_without_reasons_or_internal_steps(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = at_review(citizen)
    step = dossier.current_step
    services.request_supplement(
        dossier=dossier,
        by=staff(step.role, step.agency),
        missing=["giay_chung_sinh"],
        reason="Giấy chứng sinh của bé Minh An bị mờ.",
    )
    html = lookup(compact(dossier.code), "1234")
    timeline = html[html.index('data-testid="lookup-timeline"') :]
    assert "Bạn đã nộp hồ sơ." in timeline and "Hồ sơ đã được tiếp nhận." in timeline
    assert "Cơ quan giải quyết đề nghị bạn bổ sung giấy tờ." in timeline
    assert "bé Minh An" not in html  # a reason may name people: not shown to a lookup
    assert "Chuyển bước" not in timeline and "forward" not in timeline


def test_the_receipts_link_opens_the_lookup_with_the_code_filled_in_and_nothing_else(db):
    birth_procedure()
    dossier = accepted(make_citizen())
    url = reverse("portal:lookup")
    html = Client().get(url, {"ma": compact(dossier.code), "so_cuoi": "1234"}).content.decode()
    assert f'name="ma_ho_so" value="{dossier.code}"' in html
    assert 'name="so_cuoi" value=""' in html and 'data-testid="lookup-result"' not in html
    weird = Client().get(url, {"ma": "<b>x</b>"}).content.decode()
    assert "<B>X" not in weird and "&lt;B&gt;X" in weird
    assert Client().get(url, {"ma": "x\x00"}).status_code == 400  # refused before the page


def test_typed_forms_of_one_code_share_the_failure_count(db, settings):
    settings.MOTCUA_LOOKUP_FAILURES_PER_CODE = 2
    birth_procedure()
    dossier = accepted(make_citizen())
    assert "Không tìm thấy" in lookup(dossier.code.lower(), "0000")
    assert "Không tìm thấy" in lookup(compact(dossier.code), "0000")
    response = Client().post(reverse("portal:lookup"), {"ma_ho_so": dossier.code, "so_cuoi": "1234"})
    assert response.status_code == 429
