"""double opt-in: events.requires_email_confirmation, registrations waiting for it

events.requires_email_confirmation (default false): a public registration of such an event
is `unconfirmed` (a new status: no place, no badge, on no door list) until the address is
confirmed by the link e-mailed to it. registrations.confirm_token_hash (unique) and
confirm_expires_at hold that link (its SHA-256, never the secret);
registrations.check_email_sent_at limits the "check your e-mail" messages a public
registration of an address may cause. Downgrade deletes the unconfirmed registrations
(they hold nothing) and drops the columns.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 20:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

OLD_STATUSES = ("confirmed", "waitlisted", "offered", "cancelled")
NEW_STATUSES = ("confirmed", "waitlisted", "offered", "cancelled", "unconfirmed")


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "requires_email_confirmation",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )

    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("check_email_sent_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("confirm_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("confirm_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_registrations_confirm_token_hash"), ["confirm_token_hash"]
        )
        batch_op.drop_constraint(op.f("ck_registrations_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", f"status IN {NEW_STATUSES!r}")


def downgrade():
    op.execute(sa.text("DELETE FROM registrations WHERE status = 'unconfirmed'"))
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_registrations_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", f"status IN {OLD_STATUSES!r}")
        batch_op.drop_constraint(
            batch_op.f("uq_registrations_confirm_token_hash"), type_="unique"
        )
        batch_op.drop_column("confirm_expires_at")
        batch_op.drop_column("confirm_token_hash")
        batch_op.drop_column("check_email_sent_at")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("requires_email_confirmation")
