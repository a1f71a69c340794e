"""The Jinja pages' ``date`` filter and ``static()`` take short cuts (``core.jinja``): each answers what
Django's ``|date`` filter and ``{% static %}`` answer, in any active time zone and script prefix."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import defaultfilters
from django.templatetags.static import static as django_static
from django.test import override_settings
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import timezone

from motcua.core import jinja

UTC = dt.UTC
MOMENTS = [
    dt.datetime(2025, 9, 8, 16, 59, tzinfo=UTC),  # the next day in Hà Nội's time
    dt.datetime(2025, 12, 31, 23, 30, 5, tzinfo=UTC),
    dt.datetime(2026, 1, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")),
    dt.datetime(2026, 3, 29, 1, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
    dt.datetime(2026, 7, 4, 9, 5, 1, 999, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
]


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "UTC", "America/New_York"])
@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("form", ["H:i d/m/Y", "d/m/Y", "j F Y"])
def test_date_of_an_aware_moment_is_djangos_in_the_active_zone(zone, moment, form):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        expected = defaultfilters.date(timezone.template_localtime(moment), form)
        assert jinja.date(moment, form) == expected


def test_date_of_naive_moments_days_and_nothing_is_djangos():
    naive = dt.datetime(2025, 9, 8, 7, 5)
    assert jinja.date(naive) == defaultfilters.date(naive, "H:i d/m/Y") == "07:05 08/09/2025"
    assert jinja.date(dt.date(2025, 9, 8), "d/m/Y") == "08/09/2025"
    assert jinja.date(None) == jinja.date("") == ""


def test_date_without_time_zones_leaves_the_moment_as_it_is():
    moment = dt.datetime(2025, 9, 8, 16, 59, tzinfo=UTC)
    with override_settings(USE_TZ=False):
        assert jinja.date(moment) == defaultfilters.date(moment, "H:i d/m/Y") == "16:59 08/09/2025"


@pytest.mark.parametrize("prefix", ["/", "/motcua/", "/a b/"])
def test_static_answers_what_the_static_tag_answers_under_each_script_prefix(prefix):
    set_script_prefix(prefix)
    try:
        for path in ("motcua/css/site.css", "workspace/workspace.css", "khác/tệp lạ.css"):
            assert jinja.static(path) == django_static(path)
            assert jinja.static(path) == django_static(path)  # remembered: the same answer
    finally:
        clear_script_prefix()


def test_static_follows_a_changed_static_url():
    first = jinja.static("motcua/css/site.css")
    with override_settings(STATIC_URL="/tinh/"):
        assert jinja.static("motcua/css/site.css") == "/tinh/motcua/css/site.css"
    assert jinja.static("motcua/css/site.css") == first
