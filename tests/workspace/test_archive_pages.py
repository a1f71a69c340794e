"""An ended body's archive in the officer workspace: its successor's officers open its dossiers, found by the
old code too, read only; an officer of another agency finds nothing and opens nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from archives import archived_at, ended
from motcua.dossiers.lookups import commune_committee_for
from motcua.dossiers.models import Dossier, State
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency, Role

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db

OLD_CODE = "UBND-XA-CU-2024-000731"


def two_other_committees(hue) -> tuple[Agency, Agency]:
    units = (
        AdministrativeUnit.objects.valid_on(hue.on)
        .filter(province_code="46", level="commune")
        .exclude(code__in=[hue.phu_xuan.code, hue.phu_vang.code])
        .order_by("code")[:2]
    )
    successor, unrelated = (commune_committee_for(unit=u, on=hue.on) for u in units)
    return successor, unrelated


def archived(hue, successor: Agency) -> Dossier:
    """A dossier waiting at the counter of an old committee that ended a year ago, taken over by
    ``successor``: its own reception officers would accept it."""
    old = ended("T.UBND.CU", successor, on=hue.on - dt.timedelta(days=365), since=dt.date(2015, 1, 1))
    dossier = hue.receive()
    assert dossier.state == State.SUBMITTED
    return archived_at(dossier, old, legacy_code=OLD_CODE)


def test_the_successor_officer_reads_the_page_without_any_action_and_a_post_is_refused(client, hue):
    successor, _unrelated = two_other_committees(hue)
    dossier = archived(hue, successor)
    log_in(client, officer(hue.staff(Role.RECEPTION_OFFICER, successor).username))
    url = f"/can-bo/ho-so/{dossier.code}/"

    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and dossier.code in page and OLD_CODE in page
    assert 'name="action"' not in page  # no action form at all (accept, supplement, refusal, steps)
    for kind in re.findall(r"/phieu/([a-z_]+)\.pdf", page):  # the slips it lists open too
        assert client.get(f"{url}phieu/{kind}.pdf").status_code == 200, kind

    for action in ("accept", "request_reception_supplement", "refuse_reception", "forward"):
        response = client.post(
            f"{url}thao-tac/", {"action": action, "version": dossier.version, "reason": "x"}, follow=True
        )
        assert response.redirect_chain == [(url, 302)], action
        assert (
            "Bạn không thể thực hiện thao tác này với hồ sơ ở thời điểm hiện tại."
            in response.content.decode()
        )
    unchanged = Dossier.objects.get(pk=dossier.pk)
    assert (unchanged.state, unchanged.version, unchanged.events.count()) == (
        dossier.state,
        dossier.version,
        dossier.events.count(),
    )


def test_an_officer_of_an_unrelated_agency_opens_nothing(client, hue):
    successor, unrelated = two_other_committees(hue)
    dossier = archived(hue, successor)
    log_in(client, officer(hue.staff(Role.RECEPTION_OFFICER, unrelated).username))
    url = f"/can-bo/ho-so/{dossier.code}/"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}thao-tac/", {"action": "accept", "version": dossier.version}).status_code == 404
    assert dossier.code not in client.get("/can-bo/", {"q": OLD_CODE}).content.decode()


def test_the_inbox_search_finds_the_archive_by_its_old_code_for_the_successor_only(client, hue):
    successor, unrelated = two_other_committees(hue)
    dossier = archived(hue, successor)
    log_in(client, officer(hue.staff(Role.RECEPTION_OFFICER, successor).username))

    assert dossier.code not in client.get("/can-bo/").content.decode()  # the archive waits for nobody
    typed = OLD_CODE.split("-", 3)[-1].lower()  # the year and number, as read from the old receipt
    page = client.get("/can-bo/", {"q": typed}).content.decode()
    assert dossier.code in page
    assert dossier.code in client.get("/can-bo/", {"q": dossier.code}).content.decode()
    assert dossier.code not in client.get("/can-bo/", {"q": "không có mã này"}).content.decode()

    client.logout()
    log_in(client, officer(hue.staff(Role.RECEPTION_OFFICER, unrelated).username))
    assert dossier.code not in client.get("/can-bo/", {"q": typed}).content.decode()
