"""The Huế demo world: geography, organization, the sample catalog and its document templates, loaded
idempotently."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings


def load_demo(
    *,
    province_code: str | None = None,
    all_provinces: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Load everything the demo needs; running it twice changes nothing. Returns the demo accounts."""
    from motcua.catalog.services import import_sample_catalog
    from motcua.geo.services import load_units
    from motcua.org.demo import generate_demo_organization
    from motcua.signing.interchange import import_sample_templates

    say = progress or (lambda _msg: None)
    province_code = province_code or settings.MOTCUA_PROVINCE_CODE
    load_units(provinces=None if all_provinces else [province_code], progress=say)
    accounts = generate_demo_organization(province_code=province_code, progress=say)
    import_sample_catalog(progress=say)
    # Result documents, the stop notice and the apology of the sample catalog (catalog data, not code).
    import_sample_templates()
    return accounts
