"""Issue 9: officer input is bounded. Inbox dates outside the configured range, an apology's new
appointment beyond the legal bound, control characters and over-long text at the counter: a field
error, nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from counter_declaration import declaration_of
from motcua.catalog.models import Procedure
from motcua.dossiers import lookups, services
from motcua.dossiers.models import ApologyNotice, Dossier
from motcua.org.models import Role

from .conftest import log_in, officer
from .test_apology_pages import in_process, url
from .test_counter_reception import QR, form, mandatory_codes

pytestmark = pytest.mark.django_db

INBOX = "/can-bo/"
COUNTER = "/can-bo/tiep-nhan/"


# --- inbox date filters --------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{"to": "9999-12-31"}, {"from": "0001-01-01"}, {"from": "1999-12-31"}])
def test_an_inbox_date_outside_the_range_is_a_field_error_not_a_crash(client, hue, params):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.get(INBOX, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert "01/01/2000" in page  # the message says the allowed range
    assert 'aria-invalid="true"' in page


def test_an_inbox_date_past_the_configured_years_ahead_is_refused(client, hue, settings):
    settings.MOTCUA_DATE_MAX_YEARS_AHEAD = 1
    log_in(client, officer("phuxuan.tiepnhan"))
    too_far = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    assert client.get(INBOX, {"to": too_far}).status_code == 400
    near = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    assert client.get(INBOX, {"to": near}).status_code == 200


def test_an_inbox_date_inside_the_range_still_filters(client, hue):
    hue.receive()
    log_in(client, officer("phuxuan.tiepnhan"))
    today = timezone.localdate().isoformat()
    response = client.get(INBOX, {"from": "2000-01-01", "to": today})
    assert response.status_code == 200


def test_inbox_dates_are_typed_day_month_year(client, hue):
    """Text inputs read day/month/year whatever the browser's language (issue 17 item 11)."""
    dossier = services.accept(dossier=hue.receive(), by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan))
    log_in(client, officer("phuxuan.tiepnhan"))  # accepted here: the filters read received_at
    today = timezone.localdate()
    page = client.get(INBOX).content.decode()
    assert 'type="text" inputmode="numeric" autocomplete="off" size="10" name="from"' in page
    assert "(ngày/tháng/năm)" in page
    shown = client.get(INBOX, {"from": f"{today:%d/%m/%Y}", "to": f"{today:%d/%m/%Y}"})
    assert shown.status_code == 200 and dossier.code in shown.content.decode()
    tomorrow = today + dt.timedelta(days=1)
    hidden = client.get(INBOX, {"from": f"{tomorrow:%d/%m/%Y}"})
    assert hidden.status_code == 200 and dossier.code not in hidden.content.decode()
    assert client.get(INBOX, {"from": "31/02/2026"}).status_code == 400  # no such day


# --- apology bound -------------------------------------------------------------------------------


def bound_of(dossier: Dossier) -> dt.datetime:
    """The procedure's legal time limit once more, from the first appointment or from now if it has passed."""
    return lookups.appointment_for(
        version=dossier.procedure_version,
        received_at=max(dossier.appointment_at, timezone.now()),
        agency_id=dossier.competent_agency_id,
    )


def test_an_apology_dated_in_year_9999_is_refused_on_its_field(client, hue):
    dossier = in_process(hue)
    log_in(client, officer("phuvang.tuphap"))
    data = {"reason": "Cần xác minh thêm", "new_date": "9999-12-31", "new_time": "10:00"}
    response = client.post(url(dossier, "xin-loi/"), data)
    assert response.status_code == 400
    assert not ApologyNotice.objects.filter(dossier=dossier).exists()
    assert "9999-12-31" in response.content.decode()  # what was typed is kept


def test_an_apology_just_over_the_legal_bound_is_refused_and_the_bound_itself_is_accepted(client, hue):
    dossier = in_process(hue)
    bound = bound_of(dossier).astimezone(lookups.TZ)
    log_in(client, officer("phuvang.tuphap"))
    over = bound + dt.timedelta(days=1)
    data = {
        "reason": "Cần xác minh thêm",
        "new_date": over.date().isoformat(),
        "new_time": over.strftime("%H:%M"),
    }
    response = client.post(url(dossier, "xin-loi/"), data)
    assert response.status_code == 400
    assert bound.strftime("%d/%m/%Y") in response.content.decode()
    assert not ApologyNotice.objects.filter(dossier=dossier).exists()
    data = {
        "reason": "Cần xác minh thêm",
        "new_date": bound.date().isoformat(),
        "new_time": bound.strftime("%H:%M"),
    }
    assert client.post(url(dossier, "xin-loi/"), data).status_code == 302
    assert ApologyNotice.objects.filter(dossier=dossier).count() == 1


# --- counter reception text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Phan\x00Thị Mai"),
        ("name", "Phan Thị Mai" * 40),
        ("id_number", "0461950012340461950012345"),
        ("phone", "0914\x00000111"),
        ("address", "12 Lê Lợi\x07"),
        ("address", "12 Lê Lợi " * 60),
        ("email", "mai@" + "x" * 300 + ".vn"),
    ],
)
def test_control_characters_and_overlong_applicant_fields_at_the_counter_are_refused(
    client, hue, field, value
):
    log_in(client, officer("phuxuan.tiepnhan"))
    before = Dossier.objects.count()
    applicant = {"name": "Phan Thị Mai", "id_number": "046195001234", "address": "12 Lê Lợi", field: value}
    response = client.post(COUNTER, form(hue, document=mandatory_codes(hue), decision="accept", **applicant))
    assert response.status_code == 400
    page = response.content.decode()
    assert "\x00" not in page
    assert f'id="id_{field}"' in page and 'aria-invalid="true"' in page
    assert Dossier.objects.count() == before


def test_a_reason_with_a_nul_byte_is_refused_at_the_counter(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    before = Dossier.objects.count()
    response = client.post(COUNTER, form(hue, cccd_qr=QR, decision="refuse", reason="Thiếu\x00giấy tờ"))
    assert response.status_code == 400
    assert Dossier.objects.count() == before


# --- counter reception: the values the fee reads -------------------------------------------------

COPY = "2.000815"  # Chứng thực bản sao từ bản chính: the fee depends on pages and copies


def copy_form(hue, **extra):
    procedure = Procedure.objects.filter(code=COPY).first()
    if procedure is None:
        pytest.skip("needs the sample catalog")
    version = lookups.version_in_force(procedure=procedure, on=hue.on)
    documents = [d.code for d in version.documents.filter(mandatory=True)]
    typed = declaration_of(procedure, on=hue.on, unit_code=hue.phu_vang.code)
    return {**form(hue, procedure=COPY, cccd_qr=QR, document=documents, decision="accept"), **typed, **extra}


def test_the_counter_asks_for_the_values_the_fee_reads(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(COUNTER, {"procedure": COPY}).content.decode()
    # In the declaration block, under the e-form's own names; the bounds are checked on posting (below).
    assert 'name="pages"' in page and 'name="copies"' in page


def test_a_copy_received_at_the_counter_is_charged_for_its_pages_and_copies(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(COUNTER, copy_form(hue, pages="3", copies="2"))
    assert response.status_code == 302
    dossier = Dossier.objects.get(procedure__code=COPY, applicant_id_number="046195001234")
    assert dossier.fee == (2000 * 2 + 1000) * 2


@pytest.mark.parametrize("copies", ["", "1000000000000", "1e30", "NaN"])
def test_a_fee_value_missing_or_out_of_range_at_the_counter_is_refused_on_its_field(client, hue, copies):
    log_in(client, officer("phuxuan.tiepnhan"))
    before = Dossier.objects.count()
    response = client.post(COUNTER, copy_form(hue, pages="3", copies=copies))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-copies"' in page
    assert Dossier.objects.count() == before
