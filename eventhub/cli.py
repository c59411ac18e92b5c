"""`flask --app eventhub …` commands: thin wrappers over the logic, one commit each."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from eventhub.extensions import db
from eventhub.models_common import MAX_ROW_ID

if TYPE_CHECKING:
    from eventhub.booths.allocation_runs import AllocationPlan, Change


def quiet() -> bool:
    """No progress bar when the output is not a terminal (a log, a pipe, cron)."""
    return not sys.stdout.isatty()


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(deactivate_user_command)
    app.cli.add_command(invite_command)
    app.cli.add_command(reset_two_factor_command)
    app.cli.add_command(api_token_group)
    app.cli.add_command(badges_command)
    app.cli.add_command(allocate_booths_command)
    app.cli.add_command(schedule_meetings_command)

    from eventhub.privacy.cli import privacy_group

    app.cli.add_command(privacy_group)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no users yet.")
def seed_demo_command(if_empty: bool) -> None:
    """Create the demo expo, demo day, startups, investors and one account per role."""
    from eventhub.demo import (
        DEMO_ACCOUNTS,
        DEMO_PASSWORD,
        SEED_STEPS,
        database_is_empty,
        seed_demo,
    )

    if if_empty and not database_is_empty():
        click.echo("The database already has data: demo seeding skipped.")
    else:
        with click.progressbar(length=SEED_STEPS, label="Demo data", hidden=quiet()) as bar:
            report = seed_demo(progress=lambda _step: bar.update(1))
        db.session.commit()
        details = ", ".join(f"{count} {kind}" for kind, count in sorted(report.created.items()))
        click.echo(f"Demo data: {details or 'nothing new to add'}.")
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, role, _name in DEMO_ACCOUNTS:
        click.echo(f"  {role:<9} {email}")


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "staff", "startup", "investor"]),
    help="What the account may do.",
)
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--name", default="", help="Person's name; also names a startup or investor profile.")
def create_user_command(email: str, role: str, password: str, name: str) -> None:
    """Create an account (and its startup or investor profile)."""
    from email_validator import EmailNotValidError, validate_email

    from eventhub.auth.accounts import AccountError, create_user

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.ClickException(f"Not a valid e-mail address: {error}") from error
    try:
        user = create_user(email, password, role, name or email.split("@")[0])
    except AccountError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@click.command("deactivate-user")
@click.argument("email")
def deactivate_user_command(email: str) -> None:
    """Deactivate an account: it can no longer sign in, and its open sessions end at once."""
    from eventhub.auth.accounts import deactivate_user, find_user_by_email, record_audit

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    deactivate_user(user)
    record_audit(None, "user.deactivate", user.email)
    db.session.commit()
    click.echo(f"Deactivated {user.email}; its sessions are ended.")


@click.command("reset-two-factor")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Remove an account's two-factor sign-in (a lost phone and lost recovery codes): its
    password alone signs it in again, and its open sessions end."""
    from eventhub.auth.accounts import find_user_by_email
    from eventhub.auth.two_factor import reset

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    had_it = reset(user)
    db.session.commit()
    if had_it:
        click.echo(f"Removed the two-factor sign-in of {user.email}; its sessions are ended.")
    else:
        click.echo(f"{user.email} has no two-factor sign-in: nothing to remove.")


@click.command("invite")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would be done.")
@click.option("--skip-invalid", is_flag=True, help="Invite the good rows, leave out the others.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before inviting.")
def invite_command(file: str, dry_run: bool, skip_invalid: bool, yes: bool) -> None:
    """Invite the people of a CSV or XLSX FILE (columns: name, email, role, and optionally
    organisation, programme, city_site, language), checked like the organiser's import:
    each gets an account and an e-mail with a link to choose a password."""
    from pathlib import Path

    from flask_babel import force_locale

    from eventhub.admin.invitations import invite_cohort, preview_cohort
    from eventhub.auth.accounts import AccountError
    from eventhub.spreadsheets import SpreadsheetError

    with force_locale("en"):
        try:
            cohort = preview_cohort(Path(file).read_bytes())
        except SpreadsheetError as error:
            raise click.ClickException(str(error.message)) from error
        for person in cohort.invalid:
            problems = "; ".join(str(problem.message) for problem in person.problems)
            click.echo(f"  line {person.line} {person.email or '-'}: {problems}", err=True)
    figures = cohort.figures()
    click.echo(
        f"{figures['rows']} rows: {figures['valid']} to invite ({figures['startups']} "
        f"startup founders, {figures['investors']} investors, {figures['others']} others; "
        f"{figures['new_startups']} new startups, {figures['new_firms']} new funds), "
        f"{figures['invalid']} with a problem."
    )
    if cohort.invalid and not skip_invalid:
        raise click.ClickException(
            f"{figures['invalid']} rows have a problem: nothing was saved. Correct them, "
            "or invite the other rows with --skip-invalid."
        )
    if dry_run:
        click.echo("Dry run: nothing was saved.")
        return
    if not cohort.valid:
        raise click.ClickException("No row to invite.")
    if not yes:
        click.confirm(f"Invite {figures['valid']} people?", abort=True, err=True)
    try:
        with click.progressbar(length=figures["valid"], label="Invitations", hidden=quiet()) as bar:
            invited = invite_cohort(cohort, None, progress=bar.update)
        db.session.commit()
    except AccountError as error:
        db.session.rollback()
        with force_locale("en"):
            raise click.ClickException(f"Nothing was saved: {error.message}") from error
    click.echo(f"Invited {len(invited)} people; the e-mails are on their way.")


@click.group("api-token")
def api_token_group() -> None:
    """API tokens for scanner devices."""


@api_token_group.command("create")
@click.argument("email")
@click.option("--label", default="device", help="Which device holds it, e.g. 'Gate A phone'.")
@click.option(
    "--scope",
    type=click.Choice(["door", "read", "organiser"]),
    help="What it may do (default: door for staff, organiser for organisers).",
)
@click.option("--event", "event_slug", help="The slug of the one event it is good for.")
def api_token_create(email: str, label: str, scope: str | None, event_slug: str | None) -> None:
    """Create a token for EMAIL's account; prints it alone on the last line."""
    from eventhub.auth.accounts import (
        AccountError,
        find_user_by_email,
        issue_api_token,
        record_audit,
    )
    from eventhub.events.models import Event

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with e-mail {email}.")
    if user.role not in ("staff", "admin"):
        raise click.ClickException("API tokens are for staff and organiser accounts only.")
    event = None
    if event_slug is not None:
        event = db.session.scalar(select(Event).where(Event.slug == event_slug))
        if event is None:
            raise click.ClickException(f"No event with slug {event_slug}.")
    try:
        issued = issue_api_token(user, label, scope, event)
    except AccountError as error:
        raise click.ClickException(str(error.message)) from error
    token = issued.token
    record_audit(
        None, "api_token.create", token.prefix, user=user.email, via="cli",
        scope=token.scope, event=event_slug,
    )  # fmt: skip
    db.session.commit()
    where = f"event {event_slug}" if event_slug else "every event"
    click.echo(
        f"Token {token.prefix}… for {user.email} ({token.label}), scope {token.scope}, "
        f"{where}. Keep it safe:"
    )
    click.echo(issued.secret)


@api_token_group.command("list")
def api_token_list() -> None:
    """List tokens (never their secret)."""
    from eventhub.auth.accounts import list_api_tokens

    for token in list_api_tokens():
        state = "revoked" if token.is_revoked else "active"
        event = token.event.slug if token.event is not None else "*"
        click.echo(
            f"{token.id:>5}  {token.prefix}…  {state:<8} {token.scope:<9} {event}  "
            f"{token.user.email}  {token.label}"
        )


@api_token_group.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1, max=MAX_ROW_ID))
def api_token_revoke(token_id: int) -> None:
    """Revoke a token by its id (see `list`)."""
    from eventhub.auth.accounts import record_audit, revoke_api_token
    from eventhub.auth.models import ApiToken

    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id))
    if token is None:
        raise click.ClickException(f"No token with id {token_id}.")
    revoke_api_token(token)
    record_audit(None, "api_token.revoke", token.prefix, via="cli")
    db.session.commit()
    click.echo(f"Revoked {token.prefix}….")


@click.command("badges")
@click.argument("slug")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The file; its suffix becomes .pdf, or .zip for a run of more than one part.",
)
@click.option("--category", default=None, help="Only this attendee category (its name).")
def badges_command(slug: str, output: str, category: str | None) -> None:
    """Print the badges of an event (confirmed registrations): one PDF, or a ZIP of PDFs
    of up to 2,000 badges each for a larger run."""
    from pathlib import Path

    from eventhub.badges.documents import check_bulk_badges, start_badge_run
    from eventhub.badges.render import BadgeRenderError
    from eventhub.events.lookup import find_event

    event = find_event(slug)
    if event is None:
        raise click.ClickException(f"No event is called {slug!r}.")
    chosen = None
    if category is not None:
        chosen = next(
            (c for c in event.categories if c.name.casefold() == category.casefold()), None
        )
        if chosen is None:
            names = ", ".join(c.name for c in event.categories)
            raise click.ClickException(
                f"No category {category!r} in {slug}; choose one of {names}."
            )
    try:
        total = check_bulk_badges(event, chosen)
        run = start_badge_run(event, chosen)
    except BadgeRenderError as error:
        raise click.ClickException(str(error.message)) from error
    path = Path(output).with_suffix(Path(run.filename).suffix)
    with (
        path.open("wb") as out,
        click.progressbar(length=total, label="Badges", hidden=quiet()) as bar,
    ):
        written = run.write(out, progress=lambda done: bar.update(done - bar.pos))
    click.echo(f"{written} badges written to {path}.")


@click.command("allocate-booths")
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Show what would change; save nothing.")
@click.option(
    "--reoptimise",
    is_flag=True,
    help="Re-plan every booth not pinned by hand, moving startups that have one; shows how "
    "many it moves and asks before saving.",
)
@click.option("--yes", "-y", is_flag=True, help="With --reoptimise: save without asking.")
@click.option("--no-notify", is_flag=True, help="Do not e-mail the startups whose booth changed.")
@click.option("--verbose", "-v", is_flag=True, help="List every change and unplaced startup.")
def allocate_booths_command(
    slug: str, dry_run: bool, reoptimise: bool, yes: bool, no_notify: bool, verbose: bool
) -> None:
    """Allocate the booths of expo SLUG to its approved applications, in one transaction.

    A run keeps every current placement and places new or changed applications; it moves a
    startup only when that is the only way to place another, and says why."""
    with force_locale("en"):  # the command line speaks English, the reasons of moves too
        _allocate_booths(slug, dry_run, reoptimise, yes, no_notify, verbose)


def _allocate_booths(
    slug: str, dry_run: bool, reoptimise: bool, yes: bool, no_notify: bool, verbose: bool
) -> None:
    from eventhub.booths.allocation_runs import commit_allocation, plan_allocation
    from eventhub.booths.errors import BoothError
    from eventhub.events.lookup import find_event

    event = find_event(slug)
    if event is None:
        raise click.ClickException(f"No event is called {slug!r}.")
    if event.kind != "expo":
        raise click.ClickException(f"{slug} is a {event.kind}, not an expo: it has no booths.")
    try:
        plan = plan_allocation(event, reoptimise=reoptimise)
        if not dry_run:
            moved = plan.count("moved")
            if reoptimise and moved and not yes:
                _echo_allocation(plan, "Re-optimised plan", verbose=verbose)
                click.confirm(f"Move {moved} startups that already have a booth?", abort=True)
            plan = commit_allocation(
                event,
                None,
                expected_fingerprint=plan.fingerprint,
                via="cli",
                reoptimise=reoptimise,
            )
            db.session.commit()
    except BoothError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    _echo_allocation(plan, "Dry run" if dry_run else "Allocated", verbose=verbose)
    if not dry_run and not no_notify:
        _notify_allocation(plan)


def _echo_allocation(plan: AllocationPlan, title: str, *, verbose: bool) -> None:
    """The counts of an allocation plan, every move with its reason (all of them with
    --verbose when re-optimising) and why applications were not placed."""
    from collections import Counter

    stats = plan.result.stats
    mode = " (re-optimised)" if plan.reoptimise else ""
    click.echo(
        f"{title} {plan.event.name}{mode}: {plan.summary()} "
        f"({stats['requests']} approved applications, {stats['booths']} booths, "
        f"{stats['candidate_booths']} free for the run)."
    )
    reasons = Counter(item.reason.code for item in plan.result.unplaced)
    if reasons:
        click.echo("Not placed: " + ", ".join(f"{n} {code}" for code, n in reasons.most_common()))
    for change in _listed_changes(plan, verbose=verbose):
        why = f" ({change.reasons[0]})" if change.kind == "moved" and change.reasons else ""
        click.echo(
            f"  {change.kind:<8} {change.startup_name}: "
            f"{change.before or '-'} -> {change.after or '-'}{why}"
        )
    if verbose:
        for item in plan.unplaced:
            click.echo(f"  unplaced {item.startup_name}: {item.reason}")
    for warning in plan.warnings:
        click.echo(f"  warning: {warning}")


def _listed_changes(plan: AllocationPlan, *, verbose: bool) -> list[Change]:
    """Every change with --verbose; else the moves of a run that keeps placements (rare, and
    each needs its reason seen), and none of a re-optimisation (its count is shown)."""
    if verbose:
        return plan.changed
    return [] if plan.reoptimise else plan.moved


def _notify_allocation(plan: AllocationPlan) -> None:
    """E-mail the startups whose booth changed (new, moved or taken away); none other."""
    from eventhub.booths.allocation_runs import newly_placed
    from eventhub.booths.notices import notify_changes

    changes = newly_placed(plan)
    with click.progressbar(length=len(changes), label="Notices", hidden=quiet()) as bar:
        sent = 0
        for change in changes:
            sent += notify_changes(plan.event, [change])
            bar.update(1)
    db.session.commit()
    click.echo(f"{sent} startups notified.")


@click.command("schedule-meetings")
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Show what would be placed; save nothing.")
@click.option("--verbose", "-v", is_flag=True, help="List every placement and unplaced request.")
@click.option(
    "--exact",
    "exact_seconds",
    type=click.FloatRange(min=1, max=3600),
    default=None,
    help="Then search for the optimum with OR-Tools' CP-SAT (requirements-dev.txt) for up "
    "to this many seconds.",
)
def schedule_meetings_command(
    slug: str, dry_run: bool, verbose: bool, exact_seconds: float | None
) -> None:
    """Place the accepted meeting requests of SLUG into slots, in one transaction."""
    from collections import Counter

    from eventhub.events.lookup import find_event
    from eventhub.meetings.mail import notify_scheduled
    from eventhub.meetings.schedule_plan import commit_schedule, plan_schedule, reason_labels
    from eventhub.meetings.slots import MeetingError

    event = find_event(slug)
    if event is None:
        raise click.ClickException(f"No event is called {slug!r}.")
    try:
        if dry_run:
            plan = plan_schedule(event, exact_seconds=exact_seconds)
        else:
            plan = commit_schedule(event, None, via="cli", exact_seconds=exact_seconds)
            notify_scheduled(plan)
            db.session.commit()
    except MeetingError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    click.echo(f"{'Dry run' if dry_run else 'Scheduled'} {event.name}: {plan.summary()}")
    if exact_seconds is not None:
        click.echo(f"Exact mode: {plan.stats.get('exact', 'not run')}")
    reasons = Counter(item.reason for item in plan.unplaced)
    if reasons:
        click.echo("Not placed: " + ", ".join(f"{n} {code}" for code, n in reasons.most_common()))
    if verbose:
        labels = reason_labels()
        for placement in plan.placed:
            slot = placement.slot
            click.echo(
                f"  {slot.starts_at.astimezone(event.tz):%Y-%m-%d %H:%M} "
                f"{placement.request.startup.name} - {placement.request.investor.fund}"
            )
        for item in plan.unplaced:
            click.echo(
                f"  unplaced {item.request.startup.name} - {item.request.investor.fund}: "
                f"{labels.get(item.reason, item.reason)}"
            )
