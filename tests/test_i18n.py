"""Languages: French, English and Arabic (right-to-left), chosen by the switcher or the browser,
remembered in a cookie and on the account; complete catalogs; vendored fonts."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

from eventhub.auth.models import User
from eventhub.extensions import db
from eventhub.i18n import LANGUAGE_COOKIE, language_for

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "eventhub" / "translations"
STATIC = ROOT / "static"
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif]")


def html_tag(page: str) -> str:
    match = re.search(r"<html[^>]*>", page)
    assert match, "no <html> tag"
    return match.group(0)


def language_cookie(response) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{LANGUAGE_COOKIE}="):
            return header
    return None


# --- The browser's Accept-Language -------------------------------------------------------


def test_arabic_browser_gets_right_to_left_arabic_pages(client, make_event):
    make_event(name="Marrakech Tech Expo", slug="marrakech-tech")
    page = client.get("/", headers={"Accept-Language": "ar-MA,ar;q=0.9"}).get_data(as_text=True)
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert ">الفعاليات<" in page  # "Events" in the navigation
    assert "تسجيل الدخول" in page  # "Sign in"
    event_page = client.get("/events/marrakech-tech", headers={"Accept-Language": "ar"})
    assert "معرض" in event_page.get_data(as_text=True)  # the kind "Expo"


def test_french_browser_gets_french_pages(client, make_event):
    make_event()
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(
        as_text=True
    )
    assert html_tag(page) == '<html lang="fr" dir="ltr">'
    assert "Événements à venir" in page
    assert "Se connecter" in page
    assert "Upcoming events" not in page


def test_english_browser_gets_english_pages(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(
        as_text=True
    )
    assert html_tag(page) == '<html lang="en" dir="ltr">'
    assert "Keep me signed in on this device" in page


def test_browser_preferences_are_weighed(client):
    page = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9,ar;q=0.8,fr;q=0.2"})
    assert 'lang="ar"' in html_tag(page.get_data(as_text=True))


def test_a_browser_asking_only_for_other_languages_gets_the_default(app, client):
    page = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    default = app.config["BABEL_DEFAULT_LOCALE"]
    assert f'lang="{default}"' in html_tag(page)


@pytest.mark.parametrize(
    ("preferred", "header", "expected"),
    [
        ("ar", "fr-FR,fr;q=0.9", "ar"),  # the account's own choice first
        (None, "de-DE,de;q=0.9,ar;q=0.8,fr;q=0.2", "ar"),
        ("de", "en-GB,en;q=0.8", "en"),  # an unsupported choice is ignored
        (None, "de-DE,de;q=0.9", None),  # None: the default language
        (None, "", None),
        (None, None, None),
        (None, ";;q=,,\x00garbage", None),
    ],
)
def test_language_for_a_header(app, preferred, header, expected):
    default = app.config["BABEL_DEFAULT_LOCALE"]
    with app.app_context():
        for _ in range(2):  # the second answer is the memoised one
            assert language_for(preferred, header) == (expected or default)


def test_the_memoised_language_follows_the_configured_languages(app, monkeypatch):
    with app.app_context():
        assert language_for(None, "ar,en;q=0.5") == "ar"
        monkeypatch.setitem(app.config, "LANGUAGES", ["fr", "en"])
        assert language_for(None, "ar,en;q=0.5") == "en"


def test_form_errors_are_translated(client):
    response = client.post(
        "/login", data={"email": "", "password": ""}, headers={"Accept-Language": "ar"}
    )
    page = response.get_data(as_text=True)
    assert "يُرجى تصحيح الحقول المشار إليها أدناه." in page


# --- The switcher -------------------------------------------------------------------------


def test_switcher_sets_a_cookie_that_beats_the_browser(client, make_event):
    make_event(slug="tech-expo")
    response = client.post("/language", data={"lang": "en", "next": "/events/tech-expo"})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/events/tech-expo"
    cookie = language_cookie(response)
    assert cookie is not None and cookie.startswith(f"{LANGUAGE_COOKIE}=en;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie

    page = client.get("/events/tech-expo", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert html_tag(page) == '<html lang="en" dir="ltr">'
    assert "Who comes" in page
    home = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Upcoming events" in home


def test_switcher_marks_the_current_language(client):
    client.post("/language", data={"lang": "ar"})
    page = client.get("/").get_data(as_text=True)
    current = re.search(r'<button[^>]*value="ar"[^>]*>', page)
    assert current and 'aria-current="true"' in current.group(0)
    other = re.search(r'<button[^>]*value="fr"[^>]*>', page)
    assert other and "aria-current" not in other.group(0)


def test_a_signed_in_user_keeps_the_choice_on_the_account(client, login_as):
    user = login_as("startup")
    assert user.preferred_language is None

    client.post("/language", data={"lang": "ar", "next": "/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).preferred_language == "ar"

    # Another device (no cookie), a French browser: the account's choice wins.
    client.delete_cookie(LANGUAGE_COOKIE)
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert html_tag(page) == '<html lang="ar" dir="rtl">'


def test_an_anonymous_switch_saves_nothing_on_accounts(client, make_user):
    user = make_user("investor")
    client.post("/language", data={"lang": "en"})
    db.session.expire_all()
    assert db.session.get(User, user.id).preferred_language is None


@pytest.mark.parametrize("lang", ["de", "", "AR", "ar; Path=/", "../../etc", "x" * 200])
def test_an_unsupported_language_is_ignored(client, login_as, lang):
    user = login_as("investor")
    response = client.post("/language", data={"lang": lang, "next": "/"})
    assert response.status_code == 302
    assert language_cookie(response) is None
    db.session.expire_all()
    assert db.session.get(User, user.id).preferred_language is None
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_tag(page) == '<html lang="en" dir="ltr">'


def test_a_missing_language_field_is_ignored(client):
    response = client.post("/language", data={})
    assert response.status_code == 302
    assert language_cookie(response) is None


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "http://evil.example/events",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "evil.example",
        " //evil.example/",
        "",
    ],
)
def test_next_cannot_leave_the_site(client, target):
    response = client.post("/language", data={"lang": "fr", "next": target})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.scheme in ("", "http")
    assert location.netloc in ("", "localhost")
    assert location.path == "/"
    assert language_cookie(response) is not None  # the choice itself still counts


def test_next_may_point_to_a_page_of_the_site(client):
    response = client.post("/language", data={"lang": "fr", "next": "/startups?page=2"})
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost")
    assert (location.path, location.query) == ("/startups", "page=2")


def test_the_switcher_needs_the_csrf_token(client, csrf_enabled):
    refused = client.post("/language", data={"lang": "en"})
    assert refused.status_code == 400
    assert language_cookie(refused) is None

    page = client.get("/").get_data(as_text=True)
    form = re.search(r'<form class="lang-switch".*?</form>', page, re.S)
    assert form, "the switcher form is on every page"
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(0))
    assert token
    accepted = client.post("/language", data={"lang": "en", "csrf_token": token.group(1)})
    assert accepted.status_code == 302
    assert language_cookie(accepted) is not None


# --- Catalogs -----------------------------------------------------------------------------


def read_catalog(language: str):
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def messages(catalog):
    return [message for message in catalog if message.id]


def strings(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def test_every_configured_language_has_a_catalog(app):
    assert set(app.config["LANGUAGES"]) == {"fr", "en", "ar"}
    for language in app.config["LANGUAGES"]:
        assert (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").is_file()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_catalog_is_complete(language):
    catalog = read_catalog(language)
    assert messages(catalog), "empty catalog"
    untranslated = [
        message.id
        for message in messages(catalog)
        if not all(text.strip() for text in strings(message.string))
    ]
    assert untranslated == []
    fuzzy = [message.id for message in messages(catalog) if message.fuzzy]
    assert fuzzy == []


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_placeholders_match(language):
    mismatched = []
    for message in messages(read_catalog(language)):
        expected = sorted(PLACEHOLDER.findall(strings(message.id)[0]))
        for text in strings(message.string):
            if text and sorted(PLACEHOLDER.findall(text)) != expected:
                mismatched.append((message.id, text))
    assert mismatched == []


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_catalogs_follow_the_template(language):
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        template = {strings(message.id)[0] for message in read_po(handle) if message.id}
    catalog = {strings(message.id)[0] for message in messages(read_catalog(language))}
    assert template - catalog == set(), "run `make extract-messages`"


# --- Fonts and stylesheet: vendored, no CDN -----------------------------------------------


def test_fonts_are_vendored_with_their_licences(client):
    page = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "/static/css/fonts.css" in page

    fonts_css = (STATIC / "css" / "fonts.css").read_text()
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", fonts_css)
    assert urls, "fonts.css declares no font file"
    for url in urls:
        assert not re.match(r"^(https?:)?//", url), url
        path = (STATIC / "css" / url).resolve()
        assert path.is_file() and path.suffix == ".woff2", url
        assert client.get(f"/static/{path.relative_to(STATIC).as_posix()}").status_code == 200
    assert re.search(r'font-family:\s*"Noto Sans Arabic"', fonts_css)
    assert "unicode-range" in fonts_css and "font-display: swap" in fonts_css

    fonts = STATIC / "fonts"
    assert "OFL" in (fonts / "LICENSE-NotoSans.txt").read_text()
    assert "OFL" in (fonts / "LICENSE-NotoSansArabic.txt").read_text()
    assert "@fontsource-variable/noto-sans-arabic" in (fonts / "README.md").read_text()


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_pages_load_nothing_from_other_sites(client, language):
    page = client.get("/login", headers={"Accept-Language": language}).get_data(as_text=True)
    for tag in re.findall(r"<(?:link|script|img)\b[^>]*>", page):
        assert not re.search(r'(?:href|src)="(?:https?:)?//', tag), tag
    for stylesheet in ("app.css", "fonts.css"):
        css = (STATIC / "css" / stylesheet).read_text()
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", css), stylesheet
        assert "@import" not in css, stylesheet
