"""The stored halls drawn for a page: labels in the reader's language, links chosen by the
page, the colouring asked for."""

from __future__ import annotations

from flask_babel import force_locale

from eventhub.booths.layout import halls_of
from eventhub.booths.plan_drawings import colour_mode, hall_drawings


def test_colour_by_zone_unless_status_is_asked():
    assert [colour_mode(asked) for asked in ("status", "zone", None, "<x>")] == [
        "status", "zone", "zone", "zone"
    ]  # fmt: skip


def test_halls_drawn_with_labels_and_links(plan):
    halls = halls_of(plan)
    with force_locale("fr"):
        drawings = hall_drawings(
            halls,
            colour_by="status",
            highlight="A01",
            href_for=lambda booth: f"/go/{booth.code}" if booth.exhibitor else None,
        )
    assert [drawing.name for drawing in drawings] == ["Hall 1", "Hall 2"]
    a01 = next(drawn for drawn in drawings[0].booths if drawn.booth.code == "A01")
    assert a01.booth.href == "/go/A01" and a01.booth.exhibitor_name == "Atlas AI"
    assert "booth-highlight" in a01.classes
    assert a01.booth.status_label == "Attribué" and a01.booth.kind_label == "Standard"
    a02 = next(drawn for drawn in drawings[0].booths if drawn.booth.code == "A02")
    assert a02.booth.href is None and a02.booth.exhibitor_name is None
    assert {entry.label for entry in drawings[0].legend} == {"Attribué", "Disponible"}
