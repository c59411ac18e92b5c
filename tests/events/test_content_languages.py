"""The organiser's texts in French, English and Arabic: which text a reader gets, the
Translations page (bad input, roles), and the reader's language on pages, e-mails and badges
(read back from the PDF)."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from eventhub.badges.documents import badge_pdf
from eventhub.booths.models import Hall
from eventhub.checkin.models import Gate
from eventhub.events.models import Event, Zone
from eventhub.events.translations import (
    missing_translations,
    save_translations,
    texts_to_translate,
    translation_languages,
)
from eventhub.extensions import db
from eventhub.registration.models import Registration


@pytest.fixture
def expo(make_event) -> Event:
    """An event written in French, translated into Arabic only."""
    event = make_event(
        slug="salon-rabat",
        name="Salon du numérique 2027",
        venue="Parc des expositions",
        main_language="fr",
    )
    visitor = event.categories[0]
    visitor.name = "Invité"
    event.set_translation("name", "ar", "معرض الرقمي 2027")
    event.set_translation("venue", "ar", "ساحة المعارض")
    visitor.set_translation("name", "ar", "ضيف")
    visitor.set_translation("name", "en", "Guest")
    db.session.commit()
    return event


def test_the_reader_s_language_else_the_main_language(expo):
    assert expo.localized("name", "ar") == "معرض الرقمي 2027"
    assert expo.localized("name", "en") == "Salon du numérique 2027"  # no English: French
    assert expo.localized("name", "fr") == "Salon du numérique 2027"
    with force_locale("ar"):
        assert expo.categories[0].localized("name") == "ضيف"
    with force_locale("en"):
        assert expo.categories[0].localized("name") == "Guest"


def test_outside_any_locale_the_main_language(app, expo):
    with app.test_request_context():
        pass
    assert expo.localized("name", None) in {"Salon du numérique 2027", "معرض الرقمي 2027"}
    assert expo.translation("name", "fr") == "Salon du numérique 2027"


def test_a_translation_is_kept_removed_and_stored(expo):
    assert expo.set_translation("name", "en", "Digital Fair 2027")
    assert not expo.set_translation("name", "en", "Digital Fair 2027")  # unchanged
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(Event).where(Event.slug == "salon-rabat"))
    assert stored.translations["en"] == {"name": "Digital Fair 2027"}
    stored.set_translation("name", "en", "")
    db.session.commit()
    db.session.expire_all()
    assert "en" not in db.session.get(Event, stored.id).translations


def test_only_translatable_fields_and_other_languages(expo):
    with pytest.raises(ValueError):
        expo.set_translation("slug", "ar", "x")
    with pytest.raises(ValueError):
        expo.set_translation("name", "fr", "x")  # the main language is the column itself
    with pytest.raises(ValueError):
        expo.set_translation("name", "de", "x")


def test_the_main_language_decides_which_column_is_which(expo):
    expo.main_language = "ar"
    assert translation_languages(expo) == ("fr", "en")
    assert expo.localized("name", "ar") == "Salon du numérique 2027"  # the column


def test_every_text_of_the_event_is_listed(expo, logic_in_english):
    expo.zones.append(Zone(name="Hall A", description="Startups"))
    db.session.add(Hall(event=expo, name="Grand hall", width=40, depth=20))
    db.session.add(Gate(event_id=expo.id, name="Porte nord"))
    db.session.commit()
    sections = texts_to_translate(expo)
    keys = {section.key: [text.key for text in section.texts] for section in sections}
    zone, hall, gate = (
        expo.zones[0],
        db.session.scalar(select(Hall)),
        db.session.scalar(select(Gate)),
    )
    assert keys["event"] == ["event_name", "event_venue"]  # no summary, no description
    assert keys["zones"] == [f"zone_{zone.id}_name", f"zone_{zone.id}_description"]
    assert keys["halls"] == [f"hall_{hall.id}_name"] and keys["gates"] == [f"gate_{gate.id}_name"]
    assert len(keys["categories"]) == 2
    missing = missing_translations(expo, sections)
    assert missing == {"en": 7, "ar": 5}  # of 8; ar: event name, venue and Invité done


def test_saving_changes_only_what_was_typed(expo):
    sections = texts_to_translate(expo)
    changed = save_translations(
        expo,
        sections,
        {("event_name", "en"): "Digital Fair 2027", ("event_venue", "ar"): ""},
    )
    assert changed == 2
    assert expo.localized("name", "en") == "Digital Fair 2027"
    assert expo.translation("venue", "ar") == ""
    assert expo.translation("name", "ar") == "معرض الرقمي 2027"  # not typed: kept


# The organiser's page.


def _page_fields(expo: Event) -> dict[str, str]:
    visitor = expo.categories[0]
    return {
        "event_name__en": "Digital Fair 2027",
        "event_name__ar": "معرض الرقمي 2027",
        "event_venue__en": "",
        "event_venue__ar": "ساحة المعارض",
        f"category_{visitor.id}_name__en": "Guest",
        f"category_{visitor.id}_name__ar": "ضيف",
    }


def test_the_organiser_translates_the_event(client, in_english, login_as, expo):
    login_as("admin")
    path = "/organiser/events/salon-rabat/translations"
    page = client.get(path).get_data(as_text=True)
    assert "Translations of Salon du numérique 2027" in page
    assert 'name="event_name__ar"' in page and 'name="event_name__fr"' not in page
    assert 'aria-current="page"' in page
    response = client.post(path, data={**_page_fields(expo), "event_name__en": "<i>Fair</i>"})
    assert response.status_code == 302 and response.headers["Location"] == path
    db.session.expire_all()
    assert expo.translation("name", "en") == "<i>Fair</i>"
    assert "&lt;i&gt;Fair&lt;/i&gt;" in client.get(path).get_data(as_text=True)
    entry = client.get("/organiser/audit").get_data(as_text=True)
    assert "updated the translations of <bdi>Salon du numérique 2027</bdi>" in entry


def test_a_too_long_translation_is_refused_and_changes_nothing(client, in_english, login_as, expo):
    login_as("admin")
    fields = {**_page_fields(expo), "event_name__en": "x" * 161}
    response = client.post("/organiser/events/salon-rabat/translations", data=fields)
    assert response.status_code == 422
    assert "Field cannot be longer than 160 characters." in response.get_data(as_text=True)
    db.session.expire_all()
    assert expo.translation("name", "en") == ""


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_only_organisers_translate(client, login_as, expo, role):
    login_as(role)
    response = client.post(
        "/organiser/events/salon-rabat/translations", data={"event_name__en": "Hacked"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert expo.translation("name", "en") == ""


def test_the_event_form_sets_the_main_language_and_summary(client, in_english, login_as, expo):
    login_as("admin")
    page = client.get("/organiser/events/salon-rabat/edit").get_data(as_text=True)
    assert "Language of these texts" in page and "Summary" in page


# What readers see.


def test_public_pages_in_the_reader_s_language(client, expo):
    client.set_cookie("eventhub_lang", "ar")
    page = client.get("/events/salon-rabat").get_data(as_text=True)
    assert "<h1>معرض الرقمي 2027</h1>" in page and "ساحة المعارض" in page
    assert "ضيف" in page  # the category in the registration form
    client.set_cookie("eventhub_lang", "en")
    page = client.get("/events/salon-rabat").get_data(as_text=True)
    assert "<h1>Salon du numérique 2027</h1>" in page and ">Guest<" in page
    client.set_cookie("eventhub_lang", "ar")
    assert "معرض الرقمي 2027" in client.get("/").get_data(as_text=True)


def test_the_confirmation_e_mail_in_the_attendee_s_language(client, outbox, expo):
    client.set_cookie("eventhub_lang", "ar")
    form = {
        "first_name": "Salma",
        "last_name": "Idrissi",
        "email": "salma@example.com",
        "country": "MA",
        "consent": "y",
    }
    assert client.post("/events/salon-rabat/register", data=form).status_code == 302
    [message] = outbox()
    assert "معرض الرقمي 2027" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "معرض الرقمي 2027" in text and "ضيف" in text and "Invité" not in text


needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext")


def _badge_text(registration: Registration, tmp_path: Path) -> str:
    path = tmp_path / f"badge-{registration.id}.pdf"
    path.write_bytes(badge_pdf(registration))
    result = subprocess.run(["pdftotext", path, "-"], check=True, capture_output=True)
    # Arabic is drawn as shaped glyphs in visual order: back to letters, in reading order.
    return unicodedata.normalize("NFKC", result.stdout.decode())


def _reads(text: str, arabic: str) -> bool:
    return arabic in text or arabic[::-1] in text


@needs_poppler
def test_badges_print_the_category_in_the_attendee_s_language(make_registration, expo, tmp_path):
    arabic = make_registration(expo, language="ar", first_name="سلمى", last_name="الإدريسي")
    english = make_registration(expo, language="en")
    french = make_registration(expo, language="fr")
    arabic_text = _badge_text(arabic, tmp_path)
    assert _reads(arabic_text, "ضيف") and "Invité" not in arabic_text
    assert "GUEST" not in arabic_text.upper()
    assert _reads(arabic_text, "الرقمي")  # the event's name in Arabic
    assert arabic.number in arabic_text  # isolated: not reversed
    assert "GUEST" in _badge_text(english, tmp_path).upper()
    assert "Salon du numérique 2027" in _badge_text(english, tmp_path)  # no English name
    assert "INVITÉ" in _badge_text(french, tmp_path).upper()
