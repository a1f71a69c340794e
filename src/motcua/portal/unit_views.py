"""Administrative units for the e-form's unit picker: the communes of a province, as JSON.

The picker works without JavaScript (the form lists the chosen province's communes); with it, changing
the province reloads the commune select from this endpoint, served by the portal itself (no CDN).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from motcua.core.errors import DomainError
from motcua.geo import selectors as geo


@require_GET
def communes(request: HttpRequest) -> JsonResponse:
    """``?tinh=<province GSO code>`` -> ``{"province": {code, name}, "communes": [{code, name}, ...]}``.

    Communes (xã, phường, đặc khu) in force today, in Vietnamese alphabetical order (``geo.collation``).
    An unknown province answers 404 with ``{"error": <Vietnamese message>}``.
    """
    today = timezone.localdate()
    code = str(request.GET.get("tinh", "")).strip()[:8]
    try:
        province = geo.province(code=code, on=today)
    except DomainError as error:
        return JsonResponse({"error": str(error)}, status=404, json_dumps_params={"ensure_ascii": False})
    units = [(u.code, u.name) for u in geo.commune_choices(province_code=province.code, on=today)]
    response = JsonResponse(
        {
            "province": {"code": province.code, "name": province.name},
            "communes": [{"code": c, "name": n} for c, n in units],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
