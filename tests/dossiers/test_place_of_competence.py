"""The place that decides competence is the fact the law names, read from the e-form field the competence
rule names (CompetenceRule.place_fields), never the applicant's own residence: each basis is tested with an
applicant living elsewhere (Luật Hộ tịch 2014 Art. 13, 17, 32; building permits by the land; household
businesses by the seat)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from motcua.catalog import services as catalog_services
from motcua.core.errors import DomainError, FieldError
from motcua.dossiers import lookups, services
from motcua.dossiers.models import Dossier
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Role

from .dossier_catalog_world import MARRIAGE, complete_documents, fee_inputs, hue_world

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = dt.datetime(2026, 3, 9, 8, 0, tzinfo=TZ)  # Monday
BIRTH = "1.001193"
DEATH = "1.000656"
BUILDING_PERMIT = "1.013225"
HOUSEHOLD_BUSINESS = "1.001612"
SIGNATURE = "2.000884"  # certification: any commune, the rule names no field
THUAN_HOA = "19789"


@pytest.fixture
def hue(db):
    world = hue_world(T0.date())
    # Routing is the subject here, not the channel: birth, death and marriage are online-only at the
    # counter since Directive 24/CT-TTg (tests/dossiers/test_online_only.py), so these paper receptions
    # run with that attribute off (it changes without a new version).
    for code in (BIRTH, DEATH, MARRIAGE):
        version = lookups.version_in_force(procedure=world.procedure(code), on=T0.date())
        catalog_services.set_online_only(version=version, start=None)
    return world


def third_commune() -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.valid_on(T0.date()).filter(code=THUAN_HOA).first()
    if unit is None:
        pytest.skip("needs Huế's geography")
    return unit


def at_counter_in_phu_xuan(hue, code: str, place_form: dict[str, Any], **extra: Any) -> Dossier:
    """A resident of Phú Xuân hands the dossier in at Phú Xuân's desk; only the named fact differs."""
    procedure = hue.procedure(code)
    version = lookups.version_in_force(procedure=procedure, on=T0.date())
    return services.receive_at_counter(
        by=hue.staff(Role.RECEPTION_OFFICER, hue.point_phu_xuan.agency),
        reception_point=hue.point_phu_xuan,
        procedure=procedure,
        applicant=hue.citizen,
        applicant_info=services.ApplicantInfo(
            name=hue.citizen.full_name,
            id_number=hue.citizen.national_id,
            address="12 Lê Lợi, phường Phú Xuân, thành phố Huế",
        ),
        documents=complete_documents(version),
        form_data={**fee_inputs(version), **place_form},
        now=T0,
        **extra,
    )


def test_birth_is_routed_by_the_parents_residence_not_the_applicants(hue):
    """Art. 13 Luật Hộ tịch: the commune where the father or the mother resides; a grandmother living in
    Phú Xuân registers a child whose mother lives in Phú Vang."""
    procedure = hue.procedure(BIRTH)
    version = lookups.version_in_force(procedure=procedure, on=T0.date())
    form = {
        "applicant_name": "Phan Thị Lan",
        "applicant_id_number": "046160001111",
        "applicant_address": "12 Lê Lợi, Phường Phú Xuân",
        "child_name": "Nguyễn Phan Minh An",
        "child_birth_date": "2026-03-01",
        "child_sex": "Nam",
        "child_birth_place": "Bệnh viện Trung ương Huế",
        "mother_name": "Phan Thị Mai",
        "parent_residence_unit": hue.phu_vang.code,
    }
    dossier = services.submit_online(
        applicant=hue.citizen,
        procedure=procedure,
        form_data=form,
        documents=complete_documents(version),
        now=T0,
    )
    assert dossier.competent_agency == hue.ubnd_phu_vang
    assert (dossier.place_unit, dossier.place_field) == (hue.phu_vang, "parent_residence_unit")


def test_birth_at_the_counter_of_another_commune_goes_to_the_parents_commune(hue):
    dossier = at_counter_in_phu_xuan(hue, BIRTH, {"parent_residence_unit": hue.phu_vang.code})
    assert dossier.reception_point == hue.point_phu_xuan
    assert dossier.competent_agency == hue.ubnd_phu_vang
    assert dossier.place_field == "parent_residence_unit"


@pytest.mark.parametrize(
    ("filled", "routed_by"),
    [
        ({"deceased_last_residence_unit": "vang", "death_unit": "xuan", "body_found_unit": "hoa"}, "vang"),
        ({"death_unit": "vang", "body_found_unit": "xuan"}, "vang"),
        ({"body_found_unit": "vang"}, "vang"),
        ({"death_unit": "hoa"}, "hoa"),
    ],
)
def test_death_is_routed_by_last_residence_else_place_of_death_else_where_the_body_was_found(
    hue, filled, routed_by
):
    """Art. 32 Luật Hộ tịch: the deceased's last residence; unknown: where the person died or the body
    was found."""
    units = {"vang": hue.phu_vang, "xuan": hue.phu_xuan, "hoa": third_commune()}
    form = {name: units[key].code for name, key in filled.items()}
    dossier = at_counter_in_phu_xuan(hue, DEATH, form)
    expected = units[routed_by]
    assert dossier.place_unit == expected
    assert dossier.competent_agency == lookups.commune_committee_for(unit=expected, on=T0.date())
    assert dossier.place_field == next(iter(filled))


def test_death_without_any_place_is_refused_beside_the_first_field_and_nothing_is_kept(hue):
    before = Dossier.objects.count()
    with pytest.raises(FieldError) as refused:
        at_counter_in_phu_xuan(hue, DEATH, {"death_place": "Tại nhà"})
    assert refused.value.code == "competence.place_missing"
    assert refused.value.field == "deceased_last_residence_unit"
    assert "nơi cư trú cuối cùng của người chết" in str(refused.value)
    assert Dossier.objects.count() == before


def test_building_permit_goes_to_the_commune_where_the_land_lies(hue):
    dossier = at_counter_in_phu_xuan(hue, BUILDING_PERMIT, {"land_unit": hue.phu_vang.code})
    assert dossier.competent_agency == hue.ubnd_phu_vang
    assert dossier.place_field == "land_unit"


def test_household_business_goes_to_the_commune_of_its_seat(hue):
    dossier = at_counter_in_phu_xuan(hue, HOUSEHOLD_BUSINESS, {"business_seat_unit": hue.phu_vang.code})
    assert dossier.competent_agency == hue.ubnd_phu_vang
    assert dossier.place_field == "business_seat_unit"


@pytest.mark.parametrize("party", ["applicant", "partner"])
def test_marriage_goes_to_the_residence_of_either_party_as_they_choose(hue, party):
    """Art. 17 Luật Hộ tịch: the commune where one of the two resides (the applicant in Phú Xuân, the
    partner in Phú Vang)."""
    chosen = hue.phu_xuan if party == "applicant" else hue.phu_vang
    dossier = at_counter_in_phu_xuan(hue, MARRIAGE, {"party_residence_unit": chosen.code})
    assert dossier.competent_agency == lookups.commune_committee_for(unit=chosen, on=T0.date())
    assert dossier.place_field == "party_residence_unit"


def test_an_explicit_place_fills_the_named_field_when_the_form_has_none(hue):
    """The one rule for callers that pass ``place_unit`` (post, counter, API): it is the named fact."""
    dossier = at_counter_in_phu_xuan(hue, BIRTH, {}, place_unit=hue.phu_vang)
    assert dossier.competent_agency == hue.ubnd_phu_vang
    assert dossier.form_data["parent_residence_unit"] == hue.phu_vang.code
    assert dossier.place_field == "parent_residence_unit"


def test_an_explicit_place_that_contradicts_the_form_is_refused(hue):
    before = Dossier.objects.count()
    with pytest.raises(DomainError) as refused:
        at_counter_in_phu_xuan(
            hue, BIRTH, {"parent_residence_unit": hue.phu_vang.code}, place_unit=hue.phu_xuan
        )
    assert refused.value.code == "competence.place_mismatch"
    assert Dossier.objects.count() == before


def test_a_place_that_is_not_a_commune_in_force_is_refused_beside_its_field(hue):
    with pytest.raises(FieldError) as refused:
        at_counter_in_phu_xuan(hue, BUILDING_PERMIT, {"land_unit": "99999"})
    assert (refused.value.code, refused.value.field) == ("competence.place_invalid", "land_unit")


def test_a_procedure_whose_rule_names_no_field_takes_the_place_given(hue):
    dossier = at_counter_in_phu_xuan(hue, SIGNATURE, {}, place_unit=hue.phu_xuan)
    assert dossier.competent_agency == hue.ubnd_phu_xuan
    assert dossier.place_field == ""
    with pytest.raises(FieldError) as refused:
        at_counter_in_phu_xuan(hue, SIGNATURE, {})
    assert refused.value.code == "competence.place_missing"
