"""The two data packages compared: GSO codes and names win, the other fills gaps."""

from __future__ import annotations

from collections import Counter

from motcua.geo import sources


def test_both_packages_give_the_same_codes_for_all_3321_communes_of_2025():
    units, disagreements = sources.read_new_units()
    kinds = Counter(d.kind for d in disagreements)
    assert Counter(unit.level for unit in units) == {"province": 34, "commune": 3321}
    assert kinds["missing"] == kinds["extra"] == kinds["province"] == 0


def test_2025_national_totals_are_2621_communes_687_wards_and_13_special_zones():
    units, _ = sources.read_new_units()
    types = Counter(unit.unit_type for unit in units if unit.level == "commune")
    assert types == {"xa": 2621, "phuong": 687, "dac_khu": 13}


def test_names_follow_the_gso_list_where_the_packages_disagree():
    units, disagreements = sources.read_new_units()
    by_code = {(unit.level, unit.code): unit for unit in units}
    thuan_hoa = next(d for d in disagreements if d.code == "00922")
    assert (thuan_hoa.gso, thuan_hoa.other) == ("Xã Thuận Hoà", "Xã Thuận Hòa")
    assert by_code[("commune", "00922")].name == "Xã Thuận Hoà"
    # GSO's lowercase type word is tidied, the rest of the name is kept.
    assert by_code[("commune", "06325")].name == "Xã Bắc Sơn"


def test_pre_2025_units_follow_gso_conversion_table_and_fill_gaps_from_vietnamadminunits():
    units, disagreements, abolished = sources.read_legacy_units()
    assert Counter(unit.level for unit in units) == {"province": 63, "district": 696, "commune": 10035}
    moc_chau = next(unit for unit in units if unit.level == "district" and unit.code == "123")
    assert moc_chau.name == "Thị xã Mộc Châu"
    assert moc_chau.source == "vietnamadminunits"
    assert "20176" in abolished  # Xã Hương Hòa (Phú Lộc), merged before the 2025 reform
    assert all(d.kind != "missing" or d.level == "commune" for d in disagreements)


def test_every_pre_2025_commune_has_successors_with_one_default():
    dataset, _, _ = sources.read_dataset()
    defaults = Counter(
        link.predecessor_code
        for link in dataset.successions
        if link.predecessor_level == "commune" and link.is_default
    )
    communes = [
        unit.code for unit in dataset.units if unit.period == sources.LEGACY and unit.level == "commune"
    ]
    assert all(defaults[code] == 1 for code in communes)
    # vietnam-provinces' province table says Tiền Giang also went to Tây Ninh, because of one
    # conversion row (27691, a Long An ward) filed under 82; the communes say otherwise.
    assert dataset.province_successors["82"] == ["82"]
    assert all(len(targets) == 1 for targets in dataset.province_successors.values())
    assert len(dataset.province_successors) == 63
