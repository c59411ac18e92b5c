"""Downloads fetched from a real server, outside the test's app context.

The test client reuses the test's app context, and with it the database session, so a
response body read after its view has returned (a stream) would work there and fail in
production, once the session is gone.
"""

from __future__ import annotations

import http.cookiejar
import urllib.parse
import urllib.request

from tests.support.factories import TEST_PASSWORD


def signed_in(live_server, user) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = urllib.parse.urlencode({"email": user.email, "password": TEST_PASSWORD}).encode()
    with opener.open(live_server("/login"), data=form) as response:
        assert response.url.rstrip("/") != live_server("/login"), "not signed in"
    return opener


def test_the_registrations_csv_is_whole_over_http(
    live_server, make_user, make_event, make_registration
):
    event = make_event()
    for number in range(3):
        make_registration(event, first_name="Salma", last_name=f"Bennani {number}")
    opener = signed_in(live_server, make_user("admin"))
    url = live_server(f"/organiser/events/{event.slug}/registrations/export.csv")
    with opener.open(url, data=b"") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        lines = response.read().decode("utf-8-sig").splitlines()
    assert len(lines) == 4 and "Bennani 2" in lines[-1]
