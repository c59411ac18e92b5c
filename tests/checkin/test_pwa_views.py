"""The scanner as an installable web app (issue 17): its service worker, its manifest, the
version of its cached files and the labels its page fills in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from eventhub.checkin.messages import scanner_labels
from eventhub.checkin.pwa_views import SHELL_ASSETS, static_version


def manifest_url(event) -> str:
    return f"/events/{event.slug}/scan/manifest.webmanifest"


def test_the_service_worker_is_served_from_the_root_for_the_events_scope(client):
    response = client.get("/scanner-sw.js?v=abc")
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert b"eventhub-scanner-" in response.data


def test_the_scanner_page_registers_the_worker_of_its_files_version(
    app, client, in_english, login_as, running_event
):
    login_as("staff")
    page = client.get(f"/events/{running_event.slug}/scan").get_data(as_text=True)
    version = re.search(r'data-sw="/scanner-sw.js\?v=([0-9a-f]+)"', page).group(1)
    assert f'data-cache="eventhub-scanner-{version}"' in page
    assert f'href="{manifest_url(running_event)}"' in page
    assert 'data-timeout-ms="1500"' in page
    assert f'data-door-list="/api/v1/events/{running_event.slug}/door-list"' in page
    for asset in SHELL_ASSETS:
        assert f"/static/{asset}" in page
        assert (Path(app.static_folder) / asset).is_file(), asset


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_the_manifest_installs_the_scan_page(client, in_english, login_as, running_event, role):
    login_as(role)
    response = client.get(manifest_url(running_event))
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    scan_page = f"/events/{running_event.slug}/scan"
    assert manifest["start_url"] == manifest["scope"] == manifest["id"] == scan_page
    assert manifest["display"] == "standalone"
    assert manifest["name"] == f"Scanner · {running_event.name}"
    assert (manifest["lang"], manifest["dir"]) == ("en", "ltr")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_manifest_speaks_the_staff_language(client, login_as, running_event):
    login_as("staff")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    manifest = client.get(manifest_url(running_event)).get_json()
    assert (manifest["lang"], manifest["dir"]) == ("ar", "rtl")


def test_the_manifest_is_for_door_staff_only(client, login_as, running_event):
    response = client.get(manifest_url(running_event))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    login_as("startup")
    assert client.get(manifest_url(running_event)).status_code == 403


def test_the_manifest_of_an_unknown_event_is_not_found(client, login_as):
    login_as("staff")
    assert client.get("/events/no-such-event/scan/manifest.webmanifest").status_code == 404


def test_the_version_changes_with_any_static_file(tmp_path):
    (tmp_path / "js").mkdir()
    script = tmp_path / "js" / "a.js"
    script.write_text("one")
    first = static_version(tmp_path)
    assert static_version(tmp_path) == first
    script.write_text("two")
    assert static_version(tmp_path) != first


def test_counts_come_in_every_plural_form_of_the_language(app):
    with app.test_request_context("/"), force_locale("ar"):
        labels = scanner_labels()
    assert set(labels["queueWaiting"]) == {"zero", "one", "two", "few", "many", "other"}
    assert all("%(count)s" in text for text in labels["listOf"].values())
    with app.test_request_context("/"), force_locale("en"):
        labels = scanner_labels()
    assert labels["listOf"] == {
        "one": "List of %(count)s badge",
        "other": "List of %(count)s badges",
    }
