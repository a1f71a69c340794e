"""``url()`` in the Jinja pages builds a route's URL from its literal parts worked out once per process
(``core.jinja._url_plan``): for every argument it answers what ``reverse`` answers, or raises as it raises."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from motcua.core import jinja

CODE = "197.53.00.H57-250908-0005"
ODD = ["a b", "ư/ơ", "x%y", "", "a/b", "?q=1", "#", "A.B~c", "-_", "12", 12, 0, -3, "1.5", "../x", "ệ"]
ROUTES = [
    ("workspace:dossier", [[CODE], *[[v] for v in ODD]]),
    ("workspace:slip", [[CODE, "receipt"], [CODE, "a.b"], [CODE, "x y"], [CODE, 7], ["a/b", "stop"]]),
    ("workspace:result_file", [[CODE, 5], [CODE, "5"], [CODE, "x"], [CODE, -1], [CODE, "1.0"], [CODE, "05"]]),
    ("workspace:document_pdf", [[CODE, "Ab-_09xyzXYZ12345678"], [CODE, "a.b"], [CODE, "ư"]]),
    ("workspace:inbox", [[]]),
]


def _reverse(name: str, args: list) -> str | type[NoReverseMatch]:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return NoReverseMatch


def _url(name: str, args: list) -> str | type[NoReverseMatch]:
    try:
        return jinja.url(name, *args)
    except NoReverseMatch:
        return NoReverseMatch


@pytest.mark.parametrize("language", ["vi", "en"])
def test_url_answers_what_reverse_answers_for_every_argument(language):
    with translation.override(language):
        for name, cases in ROUTES:
            for args in cases:
                assert _url(name, args) == _reverse(name, args), (name, args)
                assert _url(name, args) == _reverse(name, args), (name, args)  # the plan made, then used
    assert jinja.url("workspace:dossier", CODE) == f"/can-bo/ho-so/{CODE}/"


def test_the_plan_knows_each_arguments_texts_and_is_forgotten_with_the_urlconf():
    jinja.url("workspace:result_file", CODE, 5)
    plans = [p for k, p in jinja._url_plans.items() if k[3] == "workspace:result_file"]
    assert plans and plans[0] is not None
    parts, checks = plans[0]
    assert parts == ["/can-bo/ho-so/", "/ket-qua/", "/"]
    assert checks[0]("A.b~-_1") and not checks[1]("x") and checks[1]("42")
    with override_settings(ROOT_URLCONF="motcua.urls"):
        assert not any(k[3] == "workspace:result_file" for k in jinja._url_plans)


def test_a_script_prefix_is_part_of_the_url_as_reverse_writes_it():
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    set_script_prefix("/motcua/")
    try:
        assert jinja.url("workspace:dossier", CODE) == reverse("workspace:dossier", args=[CODE])
        assert jinja.url("workspace:dossier", CODE).startswith("/motcua/")
    finally:
        set_script_prefix(before)
