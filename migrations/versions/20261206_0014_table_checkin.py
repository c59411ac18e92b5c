"""deals/tables: meeting-table check-in, no-shows and standby

- table_checkin_settings: an event's no-show delay in minutes (1–120, default 10);
- meeting_table_codes: each table's QR code, as a seed and the SHA-256 of its secret;
- table_checkins: one row per meeting checked in at a table (arrivals, start, no-show,
  the meeting a standby startup took the freed slot with).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "table_checkin_settings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("no_show_minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "no_show_minutes > 0 AND no_show_minutes <= 120",
            name=op.f("ck_table_checkin_settings_no_show_minutes_range"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_table_checkin_settings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_table_checkin_settings")),
    )
    op.create_table(
        "meeting_table_codes",
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_meeting_table_codes_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["meeting_tables.id"],
            name=op.f("fk_meeting_table_codes_table_id_meeting_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("table_id", name=op.f("pk_meeting_table_codes")),
        sa.UniqueConstraint("digest", name=op.f("uq_meeting_table_codes_digest")),
    )
    op.create_index(
        op.f("ix_meeting_table_codes_event_id"), "meeting_table_codes", ["event_id"], unique=False
    )
    op.create_table(
        "table_checkins",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("startup_arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("startup_checked_by", sa.String(length=8), nullable=True),
        sa.Column("investor_arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("investor_checked_by", sa.String(length=8), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("no_show_party", sa.String(length=16), nullable=True),
        sa.Column("no_show_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replacement_meeting_id", sa.Integer(), nullable=True),
        sa.Column("from_standby", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "no_show_party IS NULL OR no_show_party IN ('startup', 'investor')",
            name=op.f("ck_table_checkins_no_show_party_known"),
        ),
        sa.CheckConstraint(
            "startup_checked_by IS NULL OR startup_checked_by IN ('self', 'staff')",
            name=op.f("ck_table_checkins_startup_checked_by_known"),
        ),
        sa.CheckConstraint(
            "investor_checked_by IS NULL OR investor_checked_by IN ('self', 'staff')",
            name=op.f("ck_table_checkins_investor_checked_by_known"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_table_checkins_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_table_checkins_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replacement_meeting_id"],
            ["meetings.id"],
            name=op.f("fk_table_checkins_replacement_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["meeting_slots.id"],
            name=op.f("fk_table_checkins_slot_id_meeting_slots"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["meeting_tables.id"],
            name=op.f("fk_table_checkins_table_id_meeting_tables"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_table_checkins")),
        sa.UniqueConstraint(
            "replacement_meeting_id", name=op.f("uq_table_checkins_replacement_meeting_id")
        ),
    )
    op.create_index(
        "ix_table_checkins_event_start", "table_checkins", ["event_id", "starts_at"], unique=False
    )
    op.create_index(op.f("ix_table_checkins_slot_id"), "table_checkins", ["slot_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_table_checkins_slot_id"), table_name="table_checkins")
    op.drop_index("ix_table_checkins_event_start", table_name="table_checkins")
    op.drop_table("table_checkins")
    op.drop_index(op.f("ix_meeting_table_codes_event_id"), table_name="meeting_table_codes")
    op.drop_table("meeting_table_codes")
    op.drop_table("table_checkin_settings")
