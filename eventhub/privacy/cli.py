"""`flask privacy purge [--dry-run] [--event SLUG]`: the retention job by hand."""

from __future__ import annotations

import click
from sqlalchemy import select

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.privacy.retention import RetentionReport, anonymise_event, purge_due_events


@click.group("privacy")
def privacy_group() -> None:
    """Personal data: the retention of events' personal data."""


def _line(report: RetentionReport) -> str:
    counts = ", ".join(
        f"{count} {name.replace('_', ' ')}" for name, count in report.counts().items()
    )
    return f"{report.event} (kept until {report.purge_on:%Y-%m-%d} excluded): {counts}"


@privacy_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Show what would be anonymised; change nothing.")
@click.option("--event", "slug", help="Only this event, whatever its retention (dry run only).")
def purge_command(dry_run: bool, slug: str | None) -> None:
    """Anonymise the personal data of the events past their retention."""
    now = utcnow()
    if slug:
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            raise click.ClickException(f"No event {slug!r}.")
        if not dry_run:
            raise click.ClickException("--event is for a dry run: add --dry-run.")
        reports = [anonymise_event(event, now, dry_run=True)]
    else:
        reports = purge_due_events(now, dry_run=dry_run)
    verb = "Would anonymise" if dry_run else "Anonymised"
    if not reports:
        click.echo("No event is past its retention." if not slug else "Nothing to anonymise.")
    for report in reports:
        click.echo(f"{verb} {_line(report)}")
    if dry_run:
        db.session.rollback()
