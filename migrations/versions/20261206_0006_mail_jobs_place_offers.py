"""mail, jobs, place offers

Every e-mail as a row (mail_messages) and the optional topics people turned off
(mail_opt_outs); long work run by jobs (jobs); a freed place offered to the waiting list
and held for a time (registrations.offer_expires_at, status `offered`,
events.offer_hold_hours).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 07:55:33

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD_STATUSES = ("confirmed", "waitlisted", "cancelled")
NEW_STATUSES = ("confirmed", "waitlisted", "offered", "cancelled")


def upgrade():
    op.create_table(
        "mail_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "topic IN ('reminders', 'agenda')", name=op.f("ck_mail_opt_outs_topic_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_opt_outs")),
        sa.UniqueConstraint("email", "topic", name=op.f("uq_mail_opt_outs_email_topic")),
    )
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=1000), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'skipped')",
            name=op.f("ck_mail_messages_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_mail_messages_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_mail_messages_key")),
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mail_messages_event_status", ["event_id", "status", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_mail_messages_status_due", ["status", "due_at"], unique=False
        )

    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("file_path", sa.String(length=500), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_jobs_status_known")
        ),
        sa.CheckConstraint("done >= 0 AND total >= 0", name=op.f("ck_jobs_progress_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_jobs_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_jobs_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_event_created", ["event_id", "created_at"], unique=False)
        batch_op.create_index("ix_jobs_status_expires", ["status", "expires_at"], unique=False)

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offer_hold_hours", sa.Integer(), nullable=False, server_default="48")
        )
        batch_op.create_check_constraint("offer_hold_hours_positive", "offer_hold_hours > 0")

    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.drop_constraint(op.f("ck_registrations_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", f"status IN {NEW_STATUSES!r}")


def downgrade():
    # An offer not taken up goes back to the waiting list.
    op.execute("UPDATE registrations SET status = 'waitlisted' WHERE status = 'offered'")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_registrations_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", f"status IN {OLD_STATUSES!r}")
        batch_op.drop_column("offer_expires_at")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_events_offer_hold_hours_positive"), type_="check")
        batch_op.drop_column("offer_hold_hours")

    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_expires")
        batch_op.drop_index("ix_jobs_event_created")

    op.drop_table("jobs")
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_messages_status_due")
        batch_op.drop_index("ix_mail_messages_event_status")

    op.drop_table("mail_messages")
    op.drop_table("mail_opt_outs")
