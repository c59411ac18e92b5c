"""Languages: French, English and Arabic (right-to-left), chosen by the switcher or the browser."""

from __future__ import annotations

from functools import cache, lru_cache

from babel import Locale
from flask import Blueprint, current_app, has_request_context, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from eventhub.auth.access import current_caller
from eventhub.extensions import db
from eventhub.routing import redirect_target

bp = Blueprint("i18n", __name__)

LANGUAGE_COOKIE = "eventhub_lang"
RTL_LANGUAGES = frozenset({"ar"})
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية"}


def supported_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> Locale:
    return _locale(_language())


def _language() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in supported_languages():
        return chosen
    caller = current_caller()
    preferred = caller.preferred_language if caller else None
    return language_for(preferred, request.headers.get("Accept-Language"))


def language_for(preferred: str | None, accept_language: str | None) -> str:
    """The language of a request without a language cookie: the caller's own choice, else
    the best of the browser's (`accept_language`: its Accept-Language header), else the
    default."""
    if preferred in supported_languages():
        return preferred
    return _best_language(
        accept_language or "", supported_languages(), current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@lru_cache(maxsize=256)
def _best_language(accept_language: str, supported: tuple[str, ...], default: str) -> str:
    # Memoised (functools): a door scanner sends the same header with every scan.
    return parse_accept_header(accept_language, LanguageAccept).best_match(
        supported, default=default
    )


@cache
def _locale(language: str) -> Locale:
    # Parsed once: Flask-Babel would parse (and look up on disk) the name on every request.
    return Locale.parse(language)


def text_direction(locale: str) -> str:
    return "rtl" if locale in RTL_LANGUAGES else "ltr"


@bp.route("/language", methods=["POST"])
def switch_language():
    lang = request.form.get("lang", "")
    target = request.form.get("next")
    response = redirect(redirect_target(target, url_for("events.home")))
    if lang in supported_languages():
        response.set_cookie(
            LANGUAGE_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        if current_user.is_authenticated and current_user.preferred_language != lang:
            current_user.preferred_language = lang
            db.session.commit()
    return response
