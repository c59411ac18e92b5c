"""The programmes as data, without HTTP: saving, renaming, and the forms' choice lists."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from eventhub.deals.programmes.catalogue import (
    ProgrammeError,
    known_programme,
    programme_choices,
    programme_names,
    save_programme,
)
from eventhub.extensions import db
from eventhub.profiles.forms import StartupFilterForm, StartupForm
from tests.support import factories


def test_no_programme_no_choice(app):
    assert programme_choices() == [("", "—")]
    assert known_programme("Accelerate") is None


def test_choices_come_from_the_table_in_the_readers_language(programmes):
    with force_locale("ar"):
        choices = dict(programme_choices())
    assert choices["DigitAgri"] == "الفلاحة الرقمية"
    assert list(choices) == ["", "Accelerate", "Boost up Lab", "DigitAgri"]
    assert known_programme("DigitAgri") == "DigitAgri"
    assert known_programme("digitagri") is None and known_programme(None) is None


def test_a_startup_keeps_a_programme_no_longer_listed(programmes):
    startup = factories.create_startup(programme="Old Cohort").startup
    with force_locale("en"):
        form = StartupForm(obj=startup, formdata=None)
        values = [value for value, _label in form.programme.choices]
        assert values == ["", "Accelerate", "Boost up Lab", "DigitAgri", "Old Cohort"]
        filters = [value for value, _label in StartupFilterForm(formdata=None).programme.choices]
        assert "Old Cohort" not in filters


def test_save_and_rename(programmes):
    startup = factories.create_startup(programme="Boost up Lab").startup
    boost = next(p for p in programmes if p.name == "Boost up Lab")
    save_programme(boost, " Boost Lab ", "New text", {"en": "Boost Lab", "ar": ""})
    db.session.commit()
    assert boost.name == "Boost Lab" and boost.description == "New text"
    assert boost.translation("name", "ar") == ""  # cleared
    assert db.session.get(type(startup), startup.id).programme == "Boost Lab"
    assert "Boost Lab" in programme_names()


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "name_required"), ("  ", "name_required"), ("ACCELERATE", "programme_exists")],
)
def test_bad_names_are_refused(programmes, name, code):
    with pytest.raises(ProgrammeError) as refused:
        save_programme(None, name)
    assert refused.value.code == code and refused.value.field == "name"
