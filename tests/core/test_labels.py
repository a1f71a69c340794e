"""``core.labels``: a choices class's labels translated once per language answer what ``str(member.label)``
answers in that language."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from motcua.catalog.models import Action
from motcua.core import labels
from motcua.dossiers.constants import EventKind
from motcua.org.models import Role


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("choices", [Role, Action, EventKind])
def test_labels_are_the_members_labels_in_the_active_language(language, choices):
    with translation.override(language):
        table = labels.labels(choices)
        assert table == {member.value: str(member.label) for member in choices}
        for member in choices:
            assert labels.label(choices, member) == str(member.label)  # a member finds its value's label


def test_each_language_has_its_own_table():
    with translation.override("en"):
        en = labels.label(Role, Role.LEADER)
        assert en == str(Role.LEADER.label)
    with translation.override("vi"):
        assert labels.label(Role, Role.LEADER) == str(Role.LEADER.label)
    with translation.override("en"):
        assert labels.label(Role, Role.LEADER) == en


def test_a_value_outside_the_class_is_itself_or_the_default():
    assert labels.label(Role, "no-such-role") == "no-such-role"
    assert labels.label(Role, "no-such-role", "—") == "—"


def test_a_changed_language_setting_forgets_the_tables():
    labels.labels(Role)
    with override_settings(LANGUAGE_CODE="en"):
        assert not labels._tables
