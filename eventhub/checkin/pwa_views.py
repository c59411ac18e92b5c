"""The door scanner as an installable, offline-first web app (issue 17): its service worker
and its web app manifest, and what the scanner page needs to put itself into the device's
cache (`scanner_shell`).

The service worker is served from the site's root (its scope, /events/, must lie under its
address) with a version in its query string: a hash of the static files' contents. When a
static file changes, the address changes, the browser installs the new worker and the new
worker drops the old cache, so that a device never keeps an old script (static addresses
carry no version of their own, and the worker answers them from its cache first).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, send_from_directory, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from eventhub.auth.access import role_required
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.i18n import text_direction

bp = Blueprint("pwa", __name__)

SERVICE_WORKER = "js/scanner-sw.js"
SERVICE_WORKER_SCOPE = "/events/"
CACHE_PREFIX = "eventhub-scanner-"  # as in static/js/scanner-sw.js
THEME_COLOUR = "#0b5cad"
BACKGROUND_COLOUR = "#f8fafc"
# How long a scan waits for the server before the device decides from its list, and how
# often the device asks for what changed in the list.
ANSWER_TIMEOUT_MS = 1500
SYNC_INTERVAL_MS = 5000
# The static files the scanner page needs with no network: base.html's style sheets and
# fonts, the scanner's own scripts and style sheet, its icons. The page adds any other
# style sheet or script it finds in its own markup.
SHELL_ASSETS = (
    "css/fonts.css",
    "css/app.css",
    "css/checkin.css",
    "fonts/noto-sans-latin-wght-normal.woff2",
    "fonts/noto-sans-latin-ext-wght-normal.woff2",
    "fonts/noto-sans-arabic-arabic-wght-normal.woff2",
    "vendor/jsqr/jsQR.js",
    "js/qr-camera.js",
    "js/scanner-decide.js",
    "js/scanner-store.js",
    "js/scanner.js",
    "img/scanner-icon.svg",
    "img/scanner-icon-192.png",
    "img/scanner-icon-512.png",
)
ICONS = (
    ("img/scanner-icon-192.png", "192x192", "image/png", "any"),
    ("img/scanner-icon-512.png", "512x512", "image/png", "any"),
    ("img/scanner-icon-512.png", "512x512", "image/png", "maskable"),
    ("img/scanner-icon.svg", "any", "image/svg+xml", "any"),
)
VERSION_LENGTH = 12


@dataclass(frozen=True)
class ScannerShell:
    """What the scanner page needs to install its service worker and fill its cache."""

    version: str
    service_worker_url: str
    scope: str
    cache_name: str
    asset_urls: list[str]
    answer_timeout_ms: int = ANSWER_TIMEOUT_MS
    sync_interval_ms: int = SYNC_INTERVAL_MS


def scanner_shell() -> ScannerShell:
    version = static_version(Path(current_app.static_folder or "static"))
    return ScannerShell(
        version=version,
        service_worker_url=url_for("pwa.service_worker", v=version),
        scope=SERVICE_WORKER_SCOPE,
        cache_name=CACHE_PREFIX + version,
        asset_urls=[url_for("static", filename=name) for name in SHELL_ASSETS],
    )


def static_version(folder: Path) -> str:
    """A hash of the contents of every file under `folder`: the same on every server that
    serves the same files, new whenever one changes. Files are read again only when one's
    size or modification time changes."""
    stamps = tuple(
        sorted(
            (path.relative_to(folder).as_posix(), stat.st_size, stat.st_mtime_ns)
            for path in folder.rglob("*")
            if path.is_file()
            for stat in (path.stat(),)
        )
    )
    return _contents_hash(str(folder), stamps)


@lru_cache(maxsize=8)
def _contents_hash(folder: str, stamps: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _size, _mtime in stamps:
        digest.update(name.encode() + b"\0")
        digest.update(Path(folder, name).read_bytes())
    return digest.hexdigest()[:VERSION_LENGTH]


def scanner_manifest(event: Event, language: str) -> dict[str, Any]:
    """The web app manifest of `event`'s scanner page, in `language`."""
    start_url = url_for("checkin.scanner", slug=event.slug)
    return {
        "id": start_url,
        "name": _("Scanner · %(event)s", event=event.localized("name")),
        "short_name": _("Scanner"),
        "description": _("Checks badges at the doors, with or without a network."),
        "start_url": start_url,
        "scope": start_url,
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "lang": language,
        "dir": text_direction(language),
        "icons": [
            {
                "src": url_for("static", filename=name),
                "sizes": sizes,
                "type": mimetype,
                "purpose": purpose,
            }
            for name, sizes, mimetype, purpose in ICONS
        ],
    }


@bp.route("/scanner-sw.js")
def service_worker() -> Response:
    """The scanner's service worker, from the root so that it may control /events/."""
    response = send_from_directory(
        current_app.static_folder or "static", SERVICE_WORKER, mimetype="application/javascript"
    )
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/events/<slug>/scan/manifest.webmanifest")
@role_required("staff", "admin")
def manifest(slug: str) -> Response:
    event = event_or_404(slug)
    language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    response = current_app.response_class(
        json.dumps(scanner_manifest(event, language), ensure_ascii=False),
        mimetype="application/manifest+json",
    )
    response.headers["Cache-Control"] = "no-cache"
    return response
