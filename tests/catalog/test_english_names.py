"""English names, search keywords and the home-page flag of a procedure: carried by the catalog file both
ways, refused when malformed, present for every demo procedure (issue 17, item 11)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from motcua.catalog import interchange, services
from motcua.catalog.interchange import CatalogFormatError
from motcua.catalog.models import Procedure
from motcua.catalog.time_limits import describe_time_limit

from .conftest import catalog_text

pytestmark = pytest.mark.django_db


def test_english_name_keywords_and_featured_go_in_and_come_out_of_the_catalog_file(procedure):
    procedure["name_en"] = "Trial procedure"
    procedure["keywords"] = ["thu nghiem", "pilot run"]
    procedure["featured"] = True
    services.import_catalog(text=catalog_text(procedure), publish=False)
    stored = Procedure.objects.get(code=procedure["code"])
    assert (stored.name_en, stored.keywords, stored.featured) == (
        "Trial procedure",
        "thu nghiem, pilot run",
        True,
    )
    dumped = interchange.dump_procedure(stored, list(stored.versions.all()))
    assert dumped["name_en"] == "Trial procedure"
    assert dumped["keywords"] == ["thu nghiem", "pilot run"]
    assert dumped["featured"] is True
    exported = services.export_catalog()
    assert "name_en: Trial procedure" in exported and "- pilot run" in exported


def test_a_procedure_without_them_is_exported_as_before(procedure):
    services.import_catalog(text=catalog_text(procedure), publish=False)
    stored = Procedure.objects.get(code=procedure["code"])
    dumped = interchange.dump_procedure(stored, list(stored.versions.all()))
    assert not {"name_en", "keywords", "featured"} & set(dumped)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("keywords", ["a, b"], "không chứa dấu phẩy"),
        ("keywords", [""], "không chứa dấu phẩy"),
        ("keywords", "birth", "phải là danh sách"),
        ("keywords", ["x" * 300, "y" * 300], "dài quá 500 ký tự"),
        ("featured", "yes", "phải là true hoặc false"),
        ("name_en", ["Birth"], "phải là chuỗi"),
    ],
)
def test_a_malformed_value_is_refused_with_its_line_and_imports_nothing(procedure, key, value, message):
    procedure[key] = value
    with pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=catalog_text(procedure), publish=False)
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems
    assert all(p.line for p in caught.value.problems)
    assert not Procedure.objects.filter(code=procedure["code"]).exists()


def test_every_demo_procedure_has_an_english_name_and_keywords():
    procedures = list(Procedure.objects.all())
    if not procedures:
        pytest.skip("needs the sample catalog")
    assert all(p.name_en and p.keywords for p in procedures), [p.code for p in procedures if not p.name_en]
    assert Procedure.objects.filter(featured=True).count() >= 4


def _with_english_plurals(entries: dict[str, tuple[str, str]]):
    """The translator's English catalogue entries for these messages (the .po files are theirs)."""
    catalog = trans_real.translation("en")._catalog._catalogs[0]  # type: ignore[attr-defined]
    added = {}
    for msgid, (one, many) in entries.items():
        added[(msgid, 0)], added[(msgid, 1)] = one, many
    catalog.update(added)
    return catalog, added


def test_a_time_limit_of_one_day_is_singular_and_of_more_plural():
    catalog, added = _with_english_plurals(
        {
            "%(amount)s ngày làm việc": ("%(amount)s working day", "%(amount)s working days"),
            "; trường hợp cần xác minh được gia hạn không quá %(days)s ngày làm việc": (
                "; up to %(days)s working day more when verification is needed",
                "; up to %(days)s working days more when verification is needed",
            ),
        }
    )
    try:

        def limit(amount: str, extension: int | None = None) -> str:
            version = SimpleNamespace(
                same_day_cutoff=None,
                time_limit_amount=Decimal(amount),
                time_limit_unit="working_days",
                extension_max=extension,
            )
            return describe_time_limit(version)

        with translation.override("en"):
            assert limit("1") == "1 working day"
            assert limit("3") == "3 working days"
            assert limit("0.5").endswith("working days")
            assert (
                limit("1", extension=1)
                == "1 working day; up to 1 working day more when verification is needed"
            )
            assert limit("2", extension=5).endswith("up to 5 working days more when verification is needed")
        assert limit("1") == "1 ngày làm việc"
        assert (
            limit("1", extension=5)
            == "1 ngày làm việc; trường hợp cần xác minh được gia hạn không quá 5 ngày làm việc"
        )
    finally:
        for key in added:
            catalog.pop(key, None)


def test_every_unit_reads_with_its_amount():
    for unit, text in (("hours", "4 giờ làm việc"), ("days", "4 ngày"), ("months", "4 tháng")):
        version = SimpleNamespace(
            same_day_cutoff=None, time_limit_amount=Decimal(4), time_limit_unit=unit, extension_max=None
        )
        assert describe_time_limit(version) == text
