"""Issue 11, items 5 and 7, each test built from its rule.

Item 5 (same-day limits): marriage registration is same day, next working day when received after 15:00,
extendable by at most 5 working days with a reason when verification is needed (Luật Hộ tịch 2014 Art.
18(2); the catalog's ``extension_max``). Item 7 (apologies, Circular 03/2025 form 04): issued no later than
one working day before the appointment (MOTCUA_APOLOGY_LEAD_DAYS), once per dossier unless the catalog
allows more (``apologies_allowed``); lateness is measured against the first appointment.
"""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import DomainError
from motcua.dossiers import access, selectors, services, slips
from motcua.dossiers.models import Dossier, EventKind
from motcua.dossiers.status import TimeStatus, time_status
from motcua.org.models import Role

from .dossier_catalog_world import MARRIAGE, actor_for, advance, hue_world, receive
from .dossier_world import T0, TZ, to_review

H = dt.timedelta(hours=1)


@pytest.fixture
def hue(db):
    return hue_world(T0.date())


def marriage_received(hue, at: dt.datetime) -> Dossier:
    dossier = receive(hue, hue.procedure(MARRIAGE), point=hue.point_phu_vang, place=hue.phu_vang, now=at)
    return services.accept(dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang), now=at)


def at_review(hue, at: dt.datetime = T0) -> Dossier:
    return advance(hue, marriage_received(hue, at), now=at, stop_at="tham_dinh")


# --- item 5: same day, extension -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.datetime(2026, 3, 9, 14, 0, tzinfo=TZ), dt.datetime(2026, 3, 9, 17, 0, tzinfo=TZ)),
        (dt.datetime(2026, 3, 9, 15, 30, tzinfo=TZ), dt.datetime(2026, 3, 10, 17, 0, tzinfo=TZ)),
    ],
    ids=["14:00 same day", "15:30 next working day"],
)
def test_marriage_is_same_day_and_next_working_day_after_15_00(hue, received, due):
    dossier = marriage_received(hue, received)
    assert dossier.appointment_at == dossier.initial_appointment_at == due
    receipt = dict(slips.slip_for(dossier=dossier, kind="receipt").lines)
    limit = receipt["Thời gian giải quyết theo quy định"]
    assert limit.startswith("trong ngày (hồ sơ nhận sau 15:00 trả trong ngày làm việc tiếp theo)")
    assert "1 ngày làm việc" not in limit and "không quá 5 ngày làm việc" in limit


def test_an_extension_beyond_five_working_days_is_refused_and_changes_nothing(hue):
    dossier = at_review(hue)
    with pytest.raises(DomainError) as error:
        services.extend(dossier=dossier, by=actor_for(hue, dossier), days=6, reason="Xác minh", now=T0 + H)
    assert error.value.code == "extension.too_long"
    dossier.refresh_from_db()
    assert dossier.appointment_at == dt.datetime(2026, 3, 9, 17, 0, tzinfo=TZ)
    assert not dossier.events.filter(kind=EventKind.EXTENDED).exists()


def test_an_extension_without_a_reason_is_refused(hue):
    dossier = at_review(hue)
    with pytest.raises(DomainError) as error:
        services.extend(dossier=dossier, by=actor_for(hue, dossier), days=3, reason="  ", now=T0 + H)
    assert error.value.code == "reason.required"
    assert not dossier.events.filter(kind=EventKind.EXTENDED).exists()


def test_an_extension_on_a_version_without_one_is_refused(world):
    assert world.version.extension_max is None
    dossier = to_review(world)
    assert not access.may(world.specialist_pv, access.Act.EXTEND, dossier, on=T0.date())
    with pytest.raises(DomainError) as error:
        services.extend(dossier=dossier, by=world.specialist_pv, days=1, reason="Xác minh", now=T0 + 2 * H)
    assert error.value.code == "extension.not_allowed"


def test_an_extension_is_for_the_competent_agency_and_only_once(hue):
    dossier = at_review(hue)
    outsider = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    with pytest.raises(DomainError) as error:
        services.extend(dossier=dossier, by=outsider, days=2, reason="Xác minh", now=T0 + H)
    assert error.value.code == "extension.forbidden"
    by = actor_for(hue, dossier)
    dossier = services.extend(dossier=dossier, by=by, days=2, reason="Xác minh", now=T0 + H)
    assert dossier.appointment_at == dt.datetime(2026, 3, 11, 17, 0, tzinfo=TZ)
    with pytest.raises(DomainError) as again:
        services.extend(dossier=dossier, by=actor_for(hue, dossier), days=3, reason="Lần hai", now=T0 + 2 * H)
    assert again.value.code == "extension.repeated"


# --- item 7: apologies and lateness ----------------------------------------------------------------------


def test_an_apology_within_the_last_working_day_is_refused(world):
    dossier = to_review(world)  # due Thursday 12 March 2026, 17:00
    thursday = dt.datetime(2026, 3, 12, 8, 0, tzinfo=TZ)
    assert not selectors.can_draft_apology(dossier=dossier, user=world.specialist_pv, now=thursday)
    with pytest.raises(DomainError) as error:
        services.draft_apology(
            dossier=dossier,
            by=world.specialist_pv,
            reason="Chờ xác minh",
            new_appointment_at=dossier.appointment_at + dt.timedelta(days=1),
            now=thursday,
        )
    assert error.value.code == "apology.too_late"
    assert not dossier.apologies.exists()


def test_an_apology_after_the_deadline_is_refused(world):
    dossier = to_review(world)
    late = dossier.appointment_at + H
    with pytest.raises(DomainError) as error:
        services.draft_apology(
            dossier=dossier,
            by=world.specialist_pv,
            reason="Chờ xác minh",
            new_appointment_at=late + dt.timedelta(days=1),
            now=late,
        )
    assert error.value.code == "apology.too_late"


def test_the_lead_days_are_a_setting(world, settings):
    settings.MOTCUA_APOLOGY_LEAD_DAYS = 2
    dossier = to_review(world)  # due Thursday: the apology is issued by Tuesday
    wednesday = dt.datetime(2026, 3, 11, 9, 0, tzinfo=TZ)
    assert not selectors.can_draft_apology(dossier=dossier, user=world.specialist_pv, now=wednesday)
    tuesday = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    assert selectors.can_draft_apology(dossier=dossier, user=world.specialist_pv, now=tuesday)


def sign(world, dossier, now, new):
    notice = services.draft_apology(
        dossier=dossier, by=world.specialist_pv, reason="Chờ xác minh", new_appointment_at=new, now=now
    )
    return services.sign_apology(notice=notice, by=world.leader_pv, now=now)


def test_a_second_apology_is_refused_unless_the_catalog_allows_more(world):
    dossier = to_review(world)
    first = dossier.appointment_at
    dossier = sign(world, dossier, T0 + 2 * H, first + dt.timedelta(days=4))  # Monday 16 March
    with pytest.raises(DomainError) as error:
        services.draft_apology(
            dossier=dossier,
            by=world.specialist_pv,
            reason="Lần hai",
            new_appointment_at=dossier.appointment_at + dt.timedelta(days=1),
            now=T0 + 3 * H,
        )
    assert error.value.code == "apology.limit"
    ProcedureVersion.objects.filter(pk=world.version.pk).update(apologies_allowed=2)
    dossier = Dossier.objects.get(pk=dossier.pk)
    dossier = sign(world, dossier, T0 + 3 * H, dossier.appointment_at + dt.timedelta(days=1))
    assert dossier.apologies.filter(signed_at__isnull=False).count() == 2
    assert dossier.initial_appointment_at == first


def test_a_late_dossier_is_still_late_against_the_first_appointment_after_an_apology(world):
    dossier = to_review(world)
    first = dossier.appointment_at
    dossier = sign(world, dossier, T0 + 2 * H, first + dt.timedelta(days=4))
    finished = first + dt.timedelta(days=1)  # before the moved appointment, after the first
    dossier.finished_at = finished
    assert time_status(dossier=dossier, now=finished) == TimeStatus.OVERDUE
    dossier.finished_at = None
    assert time_status(dossier=dossier, now=first + H) == TimeStatus.OVERDUE
    assert time_status(dossier=dossier, now=T0 + 3 * H) == TimeStatus.ON_TIME


def test_the_apology_slip_has_the_form_04_title(world):
    dossier = to_review(world)
    dossier = sign(world, dossier, T0 + 2 * H, dossier.appointment_at + dt.timedelta(days=1))
    slip = slips.slip_for(dossier=dossier, kind="apology")
    assert slip.form == "04"
    assert slip.title == "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"
