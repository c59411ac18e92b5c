"""Floor-plan geometry without a database: overlaps, sizes, the grid generator, drawing."""

from __future__ import annotations

import math

import pytest

from eventhub.booths.errors import BoothError
from eventhub.booths.floorplan import (
    SCALE,
    GridSpec,
    PlanBooth,
    Rect,
    aisles,
    check_booth_rect,
    check_hall_size,
    check_inside,
    check_no_overlap,
    draw_hall,
    grid_layout,
    label_lines,
)


def plan_booth(code: str, x: float, y: float, w: float = 3, d: float = 3, **kw) -> PlanBooth:
    kw.setdefault("kind", "standard")
    kw.setdefault("status", "available")
    kw.setdefault("zone", "ai")
    return PlanBooth(
        id=kw.pop("id", hash(code) % 10_000),
        code=code,
        x=x,
        y=y,
        width=w,
        depth=d,
        zone_label=kw.pop("zone_label", "AI"),
        status_label=kw.pop("status_label", kw["status"]),
        kind_label=kw.pop("kind_label", kw["kind"]),
        **kw,
    )


def test_rectangles_overlap_only_when_they_share_area():
    booth = Rect(0, 0, 3, 3)
    assert booth.overlaps(Rect(2, 2, 3, 3))
    assert booth.overlaps(Rect(1, 1, 1, 1))  # inside
    assert not booth.overlaps(Rect(3, 0, 3, 3))  # side by side
    assert not booth.overlaps(Rect(0, 3, 3, 3))  # back to back
    assert not booth.overlaps(Rect(3, 3, 1, 1))  # corner to corner


def test_inside_the_hall():
    assert Rect(0, 0, 40, 20).inside(40, 20)
    assert not Rect(38, 0, 3, 3).inside(40, 20)
    assert not Rect(0, 18.5, 3, 3).inside(40, 20)


@pytest.mark.parametrize(
    ("rect", "field"),
    [
        (Rect(0, 0, 0, 3), "width"),
        (Rect(0, 0, 3, -2), "depth"),
        (Rect(0, 0, math.nan, 3), "width"),
        (Rect(0, 0, 3, math.inf), "depth"),
        (Rect(-1, 0, 3, 3), "x"),
        (Rect(0, -0.5, 3, 3), "y"),
        (Rect(0, 0, 101, 3), "width"),
    ],
)
def test_bad_booth_sizes_and_positions_are_refused(rect, field):
    with pytest.raises(BoothError) as caught:
        check_booth_rect(rect)
    assert caught.value.field == field
    assert caught.value.code in ("bad_size", "outside_hall")


@pytest.mark.parametrize(("width", "depth"), [(0, 10), (10, -1), (None, 10), (2000, 10)])
def test_bad_hall_sizes_are_refused(width, depth):
    with pytest.raises(BoothError) as caught:
        check_hall_size(width, depth)
    assert caught.value.code == "bad_size"


def test_outside_and_overlap_messages_name_the_problem():
    with pytest.raises(BoothError) as caught:
        check_inside(Rect(38, 2, 3, 3), "Hall 1", 40, 20)
    assert caught.value.code == "outside_hall"
    assert "Hall 1" in str(caught.value.message) and "40 × 20 m" in str(caught.value.message)
    with pytest.raises(BoothError) as caught:
        check_no_overlap("B2", Rect(1, 1, 3, 3), [("B1", Rect(0, 0, 3, 3))])
    assert caught.value.code == "overlap"
    assert "B1" in str(caught.value.message) and "B2" in str(caught.value.message)


def test_grid_rows_stand_back_to_back_with_aisles_between_pairs():
    spec = GridSpec(
        prefix="H1-", rows=4, columns=3, booth_width=3, booth_depth=2, aisle=4, origin_x=1
    )
    booths = grid_layout(spec, 20, 20)
    assert [b.code for b in booths[:4]] == ["H1-01", "H1-02", "H1-03", "H1-04"]
    assert len(booths) == 12
    assert sorted({b.y for b in booths}) == [0, 2, 8, 10]  # rows 0-1, aisle 4 m, rows 2-3
    assert sorted({b.x for b in booths}) == [1, 4, 7]
    for index, one in enumerate(booths):
        for other in booths[index + 1 :]:
            assert not one.rect.overlaps(other.rect)


def test_grid_cross_aisles_corners_zone_and_numbering():
    spec = GridSpec(
        prefix="B",
        rows=1,
        columns=6,
        booth_width=3,
        booth_depth=3,
        aisle=2,
        columns_per_block=3,
        start_number=98,
        corners=True,
        zone="fintech",
        price_tier="premium",
    )
    booths = grid_layout(spec, 30, 10)
    assert [b.code for b in booths] == ["B098", "B099", "B100", "B101", "B102", "B103"]
    assert [b.x for b in booths] == [0, 3, 6, 11, 14, 17]
    assert [b.kind for b in booths] == ["corner", "standard", "corner"] * 2
    assert {b.zone for b in booths} == {"fintech"} and {b.price_tier for b in booths} == {"premium"}


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"rows": 0}, "bad_grid"),
        ({"booth_width": 0}, "bad_size"),
        ({"booth_depth": -3}, "bad_size"),
        ({"aisle": -1}, "bad_size"),
        ({"columns": 20}, "outside_hall"),  # 60 m in a 30 m hall
        ({"rows": 60, "columns": 40}, "bad_grid"),  # more than MAX_GRID_BOOTHS
    ],
)
def test_grid_that_cannot_be_built_is_refused(values, code):
    spec = {"prefix": "X", "rows": 2, "columns": 5, "booth_width": 3, "booth_depth": 3}
    with pytest.raises(BoothError) as caught:
        grid_layout(GridSpec(**{**spec, **values}), 30, 20)
    assert caught.value.code == code


def test_aisles_are_the_empty_bands_between_booths():
    rects = [Rect(2, 2, 10, 6), Rect(2, 12, 10, 6), Rect(16, 2, 4, 6), Rect(16, 12, 4, 6)]
    found = aisles(rects, 24, 20)
    assert Rect(0, 8, 24, 4) in found  # between the two rows, across the hall
    assert Rect(12, 0, 4, 20) in found  # between the block and the column
    assert all(a.y > 0 for a in found if a.width == 24)  # not along the walls


def test_labels_fit_the_booth():
    assert label_lines("Atlas AI", 28, 20, 5) == ("Atlas AI",)
    two = label_lines("Bouregreg Logistics Morocco", 28, 20, 5)
    assert len(two) == 2 and two[0] == "Bouregreg"
    assert all(len(line) <= 10 for line in two)
    assert label_lines("Supercalifragilistic", 28, 6, 5)[0].endswith("…")


def test_drawing_is_to_scale_with_title_highlight_and_legend():
    booths = [
        plan_booth("A01", 2, 2, status="allocated", exhibitor_name="Atlas AI", exhibitor_id=7),
        plan_booth("A02", 5, 2),
        plan_booth("F01", 10, 2, zone="fintech", zone_label="Fintech"),
        plan_booth("X01", 20, 2, status="blocked", zone=None, zone_label="No zone"),
    ]
    drawing = draw_hall(
        1,
        "Hall 1",
        40,
        20,
        booths,
        highlight="A01",
        zone_labels={"ai": "AI", "fintech": "Fintech", None: "No zone"},
        status_labels={"available": "Available", "blocked": "Blocked"},
    )
    assert (drawing.width, drawing.height) == (40 * SCALE, 20 * SCALE)
    first = drawing.booths[0]
    assert (first.x, first.y, first.width, first.height) == (20, 20, 30, 30)
    assert "booth-highlight" in first.classes and drawing.has_highlight
    assert first.title.startswith("A01 · Atlas AI · 3 × 3 m")
    assert first.name_lines == ("Atlas AI",)
    assert "booth-free" in drawing.booths[1].classes
    assert drawing.booths[3].hatched
    legend = [entry.label for entry in drawing.legend]
    assert legend[:2] == ["AI", "Fintech"] and "No zone" in legend
    assert {"Available", "Blocked"} <= set(legend)
    by_status = draw_hall(1, "Hall 1", 40, 20, booths, colour_by="status")
    assert [entry.key for entry in by_status.legend] == ["available", "allocated", "blocked"]
