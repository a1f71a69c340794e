"""What a citizen posts is read by a form: odd input is a message on the page, never a 500."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import SatisfactionRating

from .test_eform import media_in_tmp
from .test_lookup import NOT_FOUND, a_dossier

__all__ = ["media_in_tmp"]


def test_an_overlong_lookup_with_control_characters_finds_nothing_and_says_so(db):
    response = Client().post(
        reverse("portal:lookup"), {"ma_ho_so": "H\x00" * 500, "so_cuoi": "12\x0034" * 10}
    )
    # The ID ending is not 4 digits: said beside it, and nothing is looked up.
    assert response.status_code == 400
    html = response.content.decode()
    assert "4 số cuối số định danh cá nhân phải gồm đúng 4 chữ số" in html and NOT_FOUND not in html


def test_a_rating_from_the_lookup_with_an_unknown_level_rates_nothing(db):
    dossier = a_dossier()
    response = Client().post(
        reverse("portal:lookup_rate"),
        {"ma_ho_so": dossier.code, "so_cuoi": "1234", "level": "tuyệt vời", "comment": "x" * 5000},
    )
    assert response.status_code in (200, 400)
    assert not SatisfactionRating.objects.filter(dossier=dossier).exists()
