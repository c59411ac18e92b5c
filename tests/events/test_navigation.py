"""The organiser's event navigation: its groups without HTTP, and on the pages every link
reachable, the page marked as current (aria-current) in its group."""

from __future__ import annotations

import re

import pytest

from eventhub.events.navigation import organiser_nav_groups


def _keys(groups):
    return {group.key: [link.key for link in group.links] for group in groups}


def test_an_expo_has_five_groups(app, make_event):
    event = make_event(slug="nav-expo")
    with app.test_request_context():
        groups = organiser_nav_groups(event)
    assert [group.key for group in groups] == ["setup", "people", "door", "booths", "meetings"]
    keys = _keys(groups)
    assert keys["setup"] == ["", "edit", "zones", "categories", "gates", "translations", "privacy"]
    assert keys["door"] == ["attendance", "", "desk", "door_conflicts"]
    assert keys["booths"] == ["booths", "booth_applications", "allocation", "leads"]
    urls = [link.url for group in groups for link in group.links]
    assert len(urls) == len(set(urls)) == 27  # translations, leads, live board, table check-in,
    # programme outcomes
    assert "/organiser/events/nav-expo/door-conflicts" in urls
    assert "/organiser/events/nav-expo/privacy" in urls


def test_a_demo_day_has_no_booths_group(app, make_event):
    event = make_event(kind="demo_day")
    with app.test_request_context():
        groups = organiser_nav_groups(event)
    assert [group.key for group in groups] == ["setup", "people", "door", "meetings"]


def test_the_current_link_of_a_group(app, make_event):
    event = make_event()
    with app.test_request_context():
        door = organiser_nav_groups(event)[2]
    assert door.current_link("desk").url.endswith("/desk")
    assert door.current_link("zones") is None
    assert door.current_link("") is None and door.current_link(None) is None


# Every organiser page of an event: its path and the key it marks as current.
PAGES = [
    ("/organiser/events/{slug}/edit", "edit"),
    ("/organiser/events/{slug}/zones", "zones"),
    ("/organiser/events/{slug}/categories", "categories"),
    ("/organiser/events/{slug}/gates", "gates"),
    ("/organiser/events/{slug}/privacy", "privacy"),
    ("/organiser/events/{slug}/registrations", "registrations"),
    ("/organiser/events/{slug}/registrations/import", "registrations"),
    ("/organiser/events/{slug}/badges", "badges"),
    ("/organiser/events/{slug}/mail", "mail"),
    ("/organiser/events/{slug}/jobs", "jobs"),
    ("/organiser/events/{slug}/attendance", "attendance"),
    ("/events/{slug}/desk", "desk"),
    ("/organiser/events/{slug}/door-conflicts", "door_conflicts"),
    ("/organiser/events/{slug}/booths", "booths"),
    ("/organiser/events/{slug}/booth-applications", "booth_applications"),
    ("/organiser/events/{slug}/allocation", "allocation"),
    ("/organiser/events/{slug}/leads", "leads"),
    ("/organiser/events/{slug}/meetings", "meetings"),
    ("/organiser/events/{slug}/meetings/slots", "meeting_slots"),
    ("/organiser/events/{slug}/meetings/schedule", "schedule"),
    ("/organiser/events/{slug}/meetings/report", "meeting_report"),
    ("/organiser/events/{slug}/tables/live", "tables_live"),
    ("/organiser/events/{slug}/tables", "tables"),
]


@pytest.mark.parametrize(("path", "key"), PAGES)
def test_each_page_marks_itself_in_its_group(
    app, client, in_english, login_as, make_event, make_registration, path, key
):
    event = make_event(slug="nav-pages")
    make_registration(event)  # the badges page needs one badge to print
    login_as("admin")
    response = client.get(path.format(slug=event.slug))
    assert response.status_code == 200, path
    page = response.get_data(as_text=True)
    assert page.count('class="event-nav"') == 1
    with app.test_request_context():
        groups = organiser_nav_groups(event)
    current = [link for group in groups for link in group.links if link.key == key]
    assert len(current) == 1
    # The row and the phone menu each mark the page, and only it.
    marked = re.findall(r'<a href="([^"]+)" aria-current="page"', page)
    assert marked == [current[0].url, current[0].url]
    group = next(group for group in groups if current[0] in group.links)
    assert re.search(rf'class="event-nav-group is-current"[^>]*>\s*<summary>{group.label}', page)
    for link in (link for group in groups for link in group.links):
        assert f'href="{link.url}"' in page  # every page of the event stays reachable


def test_the_meeting_pages_have_no_second_navigation(client, in_english, login_as, make_event):
    event = make_event()
    login_as("admin")
    page = client.get(f"/organiser/events/{event.slug}/meetings").get_data(as_text=True)
    assert "meetings-subnav" not in page and "Investor directory" in page


def test_the_public_floor_plan_shows_the_navigation_to_organisers_only(
    client, in_english, login_as, make_event
):
    event = make_event()
    path = f"/events/{event.slug}/floor-plan"
    assert "event-nav" not in client.get(path).get_data(as_text=True)
    login_as("admin")
    assert "event-nav" in client.get(path).get_data(as_text=True)
