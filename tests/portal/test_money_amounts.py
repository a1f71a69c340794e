"""Amounts of money read as the reader's language writes them: "8.000 đồng" or "8,000 VND"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from motcua.portal.templatetags.humanize_vnd import vnd


def test_an_amount_reads_in_dong_with_dots_in_vietnamese():
    with translation.override("vi"):
        assert vnd(50000) == "50.000 đồng"
        assert vnd(Decimal("1250000")) == "1.250.000 đồng"
        assert vnd(0) == "0 đồng"
        assert vnd(None) == ""


def test_an_amount_reads_in_vnd_with_commas_in_english():
    with translation.override("en"):
        assert vnd(50000) == "50,000 VND"
        assert vnd(Decimal("1250000")) == "1,250,000 VND"
        assert vnd(0) == "0 VND"
        assert vnd(None) == ""


@pytest.mark.django_db
def test_the_procedure_page_shows_the_fee_in_the_readers_language():
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = english.get("/dich-vu-cong/thu-tuc/1.014199/").content.decode()
    assert "600,000 VND" in page and "đồng" not in page
    vietnamese = Client()
    vietnamese.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert "600.000 đồng" in vietnamese.get("/dich-vu-cong/thu-tuc/1.014199/").content.decode()
