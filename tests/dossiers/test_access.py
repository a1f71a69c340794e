"""Who may read a dossier and its timeline: the applicant and staff of the agencies involved, nobody else."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from motcua.core.errors import DomainError
from motcua.dossiers import selectors, services
from motcua.org.models import Role

from .dossier_world import T0, make_staff, receive_px_for_pv, to_review

H = dt.timedelta(hours=1)


def test_the_applicant_and_staff_of_involved_agencies_see_the_dossier(world):
    dossier = to_review(world)
    on = T0.date()
    for reader in (world.citizen, world.officer_px, world.specialist_pv, world.clerk_pv, world.leader_px):
        assert selectors.can_view(dossier=dossier, user=reader, on=on), reader
    for outsider in (world.stranger, world.dept_specialist, world.postal):
        assert not selectors.can_view(dossier=dossier, user=outsider, on=on), outsider
        with pytest.raises(DomainError) as error:
            selectors.timeline_for(dossier=dossier, user=outsider, now=T0 + 2 * H)
        assert error.value.code == "dossier.forbidden"


def test_staff_of_another_commune_do_not_see_it(world):
    from .dossier_world import _committee, _unit

    other_unit = _unit("19999", "Phường Thử", "phuong", "commune", world.province)
    other = make_staff(_committee(other_unit, "T.OTHER"), Role.LEADER)
    dossier = receive_px_for_pv(world)
    assert not selectors.visible_dossiers(user=other, on=T0.date()).filter(pk=dossier.pk).exists()


def test_the_applicant_reads_the_timeline_in_plain_vietnamese(world):
    dossier = to_review(world)
    dossier = services.request_supplement(
        dossier=dossier,
        by=world.specialist_pv,
        missing=["XNTT"],
        reason="Giấy xác nhận đã quá 6 tháng",
        now=T0 + 2 * H,
    )
    timeline = selectors.timeline_for(dossier=dossier, user=world.citizen, now=T0 + 3 * H)
    assert timeline.for_applicant
    texts = [entry.text for entry in timeline.entries]
    assert texts[0] == "Bạn đã nộp hồ sơ."
    assert re.fullmatch(r"Hồ sơ đã được tiếp nhận\. Ngày hẹn trả kết quả: \d\d:\d\d 12/03/2026\.", texts[1])
    assert texts[-1].startswith("Cơ quan giải quyết đề nghị bạn bổ sung giấy tờ.")
    assert timeline.entries[-1].reason == "Giấy xác nhận đã quá 6 tháng"
    # No staff names and no internal steps for the applicant.
    assert all(entry.actor == "" for entry in timeline.entries)
    assert timeline.steps == []
    assert timeline.national_status == 5
    assert timeline.national_status_label == "Yêu cầu bổ sung"
    assert "receipt" in timeline.slips and "supplement" in timeline.slips


def test_staff_read_the_full_timeline_with_steps(world):
    dossier = to_review(world)
    timeline = selectors.timeline_for(dossier=dossier, user=world.specialist_pv, now=T0 + 2 * H)
    assert not timeline.for_applicant
    assert [e.kind for e in timeline.entries] == ["submitted", "received", "step_action"]
    assert timeline.entries[2].actor == world.officer_px.staff.full_name
    assert [s["name"] for s in timeline.steps] == ["Tiếp nhận hồ sơ", "Thẩm định"]
    assert timeline.steps[1]["agency"] == world.ubnd_phu_vang.name


def test_get_dossier_by_code_hides_dossiers_of_others(world):
    dossier = receive_px_for_pv(world)
    assert selectors.get_dossier(code=dossier.code, user=world.citizen, on=T0.date()) == dossier
    with pytest.raises(DomainError):
        selectors.get_dossier(code=dossier.code, user=world.stranger, on=T0.date())


def test_the_admin_lists_dossiers_read_only(world, admin_client):
    dossier = to_review(world)
    page = admin_client.get(f"/admin/dossiers/dossier/{dossier.pk}/change/")
    assert page.status_code == 200
    assert dossier.code in page.content.decode()
    assert admin_client.get("/admin/dossiers/dossier/add/").status_code == 403
    assert admin_client.get("/admin/integrations/outboxmessage/").status_code == 200
