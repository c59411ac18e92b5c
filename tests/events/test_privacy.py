"""The event's privacy notice: which text a reader gets (their language, the default one,
any other, the platform's notice), the organiser's form (bad input, roles), the public page
and its link from the registration form."""

from __future__ import annotations

import pytest

from eventhub.events.editing import EventError
from eventhub.events.privacy import (
    MAX_PRIVACY_TEXT,
    privacy_notice,
    privacy_texts,
    set_privacy_texts,
)
from eventhub.extensions import db


def test_the_reader_s_language_first(make_event):
    event = make_event()
    set_privacy_texts(event, {"fr": "Avis", "en": "Notice", "ar": "إشعار"})
    assert privacy_notice(event, "ar", ["fr"]).text == "إشعار"
    assert privacy_notice(event, "en", ["fr"]).language == "en"


def test_fallback_to_the_default_language_then_any(make_event):
    event = make_event()
    set_privacy_texts(event, {"fr": "Avis", "ar": "إشعار"})
    assert privacy_notice(event, "en", ["fr"]) == privacy_notice(event, "fr")
    assert privacy_notice(event, "en", ["fr"]).text == "Avis"
    set_privacy_texts(event, {"ar": "إشعار"})
    notice = privacy_notice(event, "en", ["fr"])
    assert (notice.text, notice.language, notice.is_default) == ("إشعار", "ar", False)


def test_no_text_means_the_platform_notice(make_event):
    event = make_event()
    notice = privacy_notice(event, "fr", ["fr"])
    assert notice.is_default and notice.language is None
    set_privacy_texts(event, {"fr": "   \n "})  # blank is no text
    assert privacy_notice(event, "fr").is_default


def test_texts_are_trimmed_and_a_long_one_refused(make_event):
    event = make_event()
    set_privacy_texts(event, {"fr": "  Avis\x00 ", "en": None})
    assert privacy_texts(event) == {"fr": "Avis", "en": "", "ar": ""}
    with pytest.raises(EventError) as refused:
        set_privacy_texts(event, {"fr": "Nouveau", "en": "x" * (MAX_PRIVACY_TEXT + 1)})
    assert (refused.value.code, refused.value.field) == ("privacy_text_too_long", "text_en")
    assert privacy_texts(event)["fr"] == "Avis"  # nothing changed


# The organiser's form.


def test_the_organiser_writes_the_notice(client, in_english, login_as, make_event):
    event = make_event(slug="privacy-expo")
    login_as("admin")
    path = "/organiser/events/privacy-expo/privacy"
    page = client.get(path).get_data(as_text=True)
    assert "Notice in Arabic" in page and 'aria-current="page"' in page
    response = client.post(
        path,
        data={
            "text_fr": "Avis",
            "text_en": "<b>Notice</b>",
            "text_ar": "",
            "retention_months": "12",  # the retention is on the page too (eventhub/privacy)
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == path
    db.session.refresh(event)
    assert privacy_texts(event) == {"fr": "Avis", "en": "<b>Notice</b>", "ar": ""}
    assert "&lt;b&gt;Notice&lt;/b&gt;" in client.get(path).get_data(as_text=True)


def test_a_too_long_text_is_refused_and_changes_nothing(client, in_english, login_as, make_event):
    event = make_event(slug="privacy-long")
    set_privacy_texts(event, {"fr": "Avis"})
    db.session.commit()
    login_as("admin")
    response = client.post(
        "/organiser/events/privacy-long/privacy",
        data={"text_fr": "Nouveau", "text_en": "x" * (MAX_PRIVACY_TEXT + 1)},
    )
    assert response.status_code == 422
    assert "Field cannot be longer than 20000 characters." in response.get_data(as_text=True)
    db.session.refresh(event)
    assert privacy_texts(event)["fr"] == "Avis"


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_only_organisers_write_the_notice(client, login_as, make_event, role):
    event = make_event()
    login_as(role)
    path = f"/organiser/events/{event.slug}/privacy"
    assert client.get(path).status_code == 403
    assert client.post(path, data={"text_fr": "Piraté"}).status_code == 403
    db.session.refresh(event)
    assert privacy_texts(event)["fr"] == ""


def test_anonymous_is_sent_to_sign_in(client, make_event):
    event = make_event()
    response = client.post(f"/organiser/events/{event.slug}/privacy", data={"text_fr": "x"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_unknown_event_is_404(client, login_as):
    login_as("admin")
    assert client.get("/organiser/events/no-such-event/privacy").status_code == 404
    assert client.get("/events/no-such-event/privacy").status_code == 404


# The public page.


def _page(client, slug: str, language: str) -> str:
    client.set_cookie("eventhub_lang", language)
    response = client.get(f"/events/{slug}/privacy")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_public_page_in_the_reader_s_language_or_another(client, make_event):
    event = make_event(slug="privacy-public")
    set_privacy_texts(event, {"fr": "Avis de l'organisateur", "ar": "إشعار المنظم"})
    db.session.commit()
    assert "إشعار المنظم" in _page(client, "privacy-public", "ar")
    page = _page(client, "privacy-public", "en")  # no English text: the French one
    assert "Avis de l&#39;organisateur" in page and 'lang="fr" dir="ltr"' in page
    assert "has not written this notice in your language" in page


def test_the_public_page_without_text_shows_the_platform_notice(client, make_event):
    event = make_event(slug="privacy-default", name="Quiet Expo")
    page = _page(client, event.slug, "en")
    assert "This is the standard notice of EventHub" in page and "Quiet Expo" in page
    assert "Moroccan law 09-08" in page


def test_an_unpublished_event_s_page_is_hidden_from_the_public(client, make_event):
    event = make_event(status="draft")
    assert client.get(f"/events/{event.slug}/privacy").status_code == 404


def test_the_registration_form_links_to_the_notice(client, in_english, make_event):
    event = make_event(slug="privacy-form")
    for path in ("/events/privacy-form", "/events/privacy-form/register"):
        page = client.get(path).get_data(as_text=True)
        assert "privacy terms" in page
        assert f'href="/events/{event.slug}/privacy"' in page, path
