"""Loading a plan: the JSON Schema, then every reference; each problem names its path; nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from motcua.reorg import plans, services
from motcua.reorg.models import Plan, PlanStatus
from motcua.reorg.plans import PlanError

from .conftest import AFTER


def _problems(document) -> list[str]:
    with pytest.raises(PlanError) as refused:
        services.load_plan(text=plans.dump(document))
    assert not Plan.objects.exists()
    return [str(problem) for problem in refused.value.problems]


def test_a_sound_plan_is_saved_exactly_as_validated(reorg):
    document = reorg.plan()
    plan = services.load_plan(text=plans.dump(document))
    assert (plan.code, plan.status, plan.province_code) == ("thu-nghiem-2026", PlanStatus.DRAFT, "46")
    assert plan.document == document


def test_schema_errors_name_their_path(reorg):
    document = reorg.plan()
    document["units"][0]["change"] = "fuse"
    document["agencies"]["end"][0]["successors"] = []
    del document["name"]
    problems = _problems(document)
    assert any(p.startswith("units[0]:") for p in problems), problems
    assert any(p.startswith("agencies.end[0].successors:") for p in problems), problems
    assert any("“name”" in p for p in problems), problems


def test_a_control_character_anywhere_in_the_plan_is_refused_with_its_path(reorg):
    document = reorg.plan()
    document["name"] = "Sắp xếp\x00 thử"
    document["legal_basis"] = ["Nghị quyết\x07"]
    problems = _problems(document)
    assert any(p.startswith("name:") and "ký tự điều khiển" in p for p in problems), problems
    assert any(p.startswith("legal_basis[0]:") for p in problems), problems


def test_unknown_codes_are_reported_with_their_path_and_nothing_is_saved(reorg):
    document = reorg.plan()
    document["agencies"]["end"][3]["successors"][0]["agency"] = "000.99.98.H46"
    document["units"][0]["from"].append("99899")
    document["competence"][0]["procedure"] = "KHONG.CO"
    document["staff"][0]["username"] = "nobody-here"
    document["choices"] = [{"dossier": "KHONG-CO-HO-SO", "unit": "99811"}]
    problems = _problems(document)
    assert "agencies.end[3].successors[0].agency: không có cơ quan mã 000.99.98.H46" in problems[0] or any(
        p.startswith("agencies.end[3].successors[0].agency: không có cơ quan mã 000.99.98.H46")
        for p in problems
    ), problems
    expected = ("units[0].from[2]:", "competence[0].procedure:", "staff[0].username:", "choices[0].dossier:")
    for prefix in expected:
        assert any(p.startswith(prefix) for p in problems), (prefix, problems)


def test_shares_must_sum_to_one(reorg):
    document = reorg.plan()
    document["units"][1]["into"][0]["share"] = 0.5
    document["agencies"]["end"][2]["successors"][1].pop("share")
    problems = _problems(document)
    assert any(p.startswith("units[1].into: tổng tỷ lệ là 1.1") for p in problems), problems
    assert any(p.startswith("agencies.end[2].successors: tỷ lệ phải") for p in problems), problems


def test_a_new_agency_follows_the_organizations_rules(reorg):
    document = reorg.plan()
    document["agencies"]["open"][0]["code"] = "SAI-DANG"
    problems = _problems(document)
    assert any(p.startswith("agencies.open[0]:") and "QCVN 102:2016" in p for p in problems), problems


def test_no_district_body_is_opened_or_given_competence_after_the_reform(reorg):
    document = reorg.plan()
    document["agencies"]["open"][1]["level"] = "district"
    document["competence"][0] |= {"agency_rule": "named", "agency": "000.12.98.H46"}
    problems = _problems(document)
    assert any(p.startswith("agencies.open[1]:") and "01/07/2025" in p for p in problems), problems
    assert any(
        p.startswith("competence[0].agency: cơ quan mã 000.12.98.H46 thuộc cấp huyện") and "72/2025/QH15" in p
        for p in problems
    ), problems


def test_a_plan_cannot_take_effect_before_an_applied_plan_of_the_province(reorg):
    choices = [{"dossier": reorg.dossiers["d_in_c"].code, "unit": "99812"}]
    applied = services.load_plan(text=plans.dump(reorg.plan(choices=choices)))
    services.apply_plan(plan=applied, now=AFTER)
    document = reorg.plan(code="som-hon", effective_at="2026-03-01T00:00:00+07:00", units=[], agencies={},
                          competence=[], staff=[], reception_points={}, office_hours=[])  # fmt: skip
    with pytest.raises(PlanError) as refused:
        services.load_plan(text=plans.dump(document))
    assert any(
        str(p).startswith("effective_at: trước thời điểm của phương án thu-nghiem-2026")
        for p in refused.value.problems
    )


@pytest.mark.parametrize(
    "moment, day",
    [
        ("9999-01-01T00:00:00+07:00", "01/01/9999"),
        ("0001-01-01T00:00:00+07:00", "?"),  # before the first instant Python holds in UTC
        ("1900-01-01T00:00:00+07:00", "01/01/1900"),
    ],
)
def test_an_effective_moment_far_in_the_future_or_the_past_is_refused_and_nothing_is_saved(
    reorg, moment, day
):
    problems = _problems(reorg.plan(effective_at=moment))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"effective_at: ngày {day} nằm ngoài khoảng cho phép: từ ngày 02/09/1945")
    assert f"không quá {plans.MAX_YEARS_AHEAD} năm kể từ hôm nay" in problems[0]


def test_the_effective_date_may_be_the_founding_day_or_five_years_ahead_and_no_later(reorg):
    today = dt.date(2026, 12, 1)
    document = reorg.plan(
        units=[], agencies={}, competence=[], staff=[], reception_points={}, office_hours=[]
    )
    for moment in ("1945-09-02T12:00:00+07:00", "2031-12-01T23:59:00+07:00"):
        assert plans.validate({**document, "effective_at": moment}, today=today)
    for moment in ("1945-09-01T00:00:00+07:00", "2031-12-02T00:00:00+07:00", "2031-12-01T17:00:00Z"):
        with pytest.raises(PlanError) as refused:
            plans.validate({**document, "effective_at": moment}, today=today)
        assert [p.path for p in refused.value.problems] == ["effective_at"], moment
    # 29 February: five years on is 28 February.
    assert plans.latest_effective(dt.date(2028, 2, 29)) == dt.date(2033, 2, 28)


def test_yaml_that_does_not_parse_names_its_line(db):
    with pytest.raises(PlanError) as refused:
        services.load_plan(text="format: motcua-reorg/1\ncode: [unclosed\n")
    assert str(refused.value.problems[0]).startswith("dòng ")


def test_load_command_reports_every_problem_and_exits_non_zero(reorg, tmp_path, capsys):
    document = reorg.plan()
    document["agencies"]["end"][0]["code"] = "T.RG.X"
    path = tmp_path / "plan.yaml"
    path.write_text(plans.dump(document), encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("reorg", "load", str(path))
    assert "agencies.end[0].code: không có cơ quan mã T.RG.X" in capsys.readouterr().err
    assert not Plan.objects.exists()


def test_admin_saves_a_valid_plan_and_shows_the_errors_of_a_bad_one(reorg, admin_client):
    from django.urls import reverse

    bad = reorg.plan()
    bad["competence"][0]["scope"] = "77777"
    response = admin_client.post(reverse("admin:reorg_plan_add"), {"text": plans.dump(bad)})
    assert response.status_code == 200
    assert "competence[0].scope: không có đơn vị hành chính mã 77777" in response.content.decode()
    assert not Plan.objects.exists()
    response = admin_client.post(reverse("admin:reorg_plan_add"), {"text": plans.dump(reorg.plan())})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get()
    page = admin_client.get(reverse("admin:reorg_plan_dry_run", args=[plan.pk]))
    assert page.status_code == 200 and reorg.dossiers["a"].code in page.content.decode()
