"""Long CLI commands show a progress bar on a terminal and stay quiet otherwise."""

from __future__ import annotations

from eventhub import cli
from eventhub.demo import SEED_STEPS, seed_step_count


def test_seed_steps_match_the_seeders():
    assert seed_step_count() == SEED_STEPS


def test_badges_command_is_quiet_when_not_on_a_terminal(
    runner, make_event, make_registration, tmp_path
):
    event = make_event()
    make_registration(event)
    result = runner.invoke(args=["badges", event.slug, "-o", str(tmp_path / "b.pdf")])
    assert result.exit_code == 0, result.output
    assert result.output == f"1 badges written to {tmp_path / 'b.pdf'}.\n"  # no bar, no label


def test_badges_command_shows_a_bar_on_a_terminal(
    runner, make_event, make_registration, tmp_path, monkeypatch
):
    monkeypatch.setattr(cli, "quiet", lambda: False)
    event = make_event()
    make_registration(event)
    result = runner.invoke(args=["badges", event.slug, "-o", str(tmp_path / "b.pdf")])
    assert result.exit_code == 0, result.output
    assert "Badges" in result.output  # the bar's label (click draws it once off a tty)
