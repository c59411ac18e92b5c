"""deal flow: the investor's record of a held meeting, and the next steps it addressed

dealflow_records: one per meeting (unique meeting_id): interest, the current next step,
private notes, a version counter for edits by teammates, and step_at (when the step was
last set: a pair's stage is the step of its latest record). dealflow_steps: each next step
a record was given, with the startup's answer (reply, link, done); one current step per
record (a partial unique index on superseded_at IS NULL).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 17:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dealflow_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("startup_id", sa.Integer(), nullable=False),
        sa.Column("interest", sa.String(length=8), nullable=False),
        sa.Column("next_step", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "interest IN ('none', 'low', 'high')", name=op.f("ck_dealflow_records_interest_known")
        ),
        sa.CheckConstraint(
            "next_step IN ('send_deck', 'second_meeting', 'due_diligence', 'term_sheet', 'pass')",
            name=op.f("ck_dealflow_records_next_step_known"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_dealflow_records_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_dealflow_records_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["investor_id"],
            ["investors.id"],
            name=op.f("fk_dealflow_records_investor_id_investors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_dealflow_records_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["startup_id"],
            ["startups.id"],
            name=op.f("fk_dealflow_records_startup_id_startups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_dealflow_records_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dealflow_records")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_dealflow_records_meeting_id")),
    )
    with op.batch_alter_table("dealflow_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dealflow_records_event_step", ["event_id", "next_step"], unique=False
        )
        batch_op.create_index(
            "ix_dealflow_records_investor_startup",
            ["investor_id", "startup_id", "step_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_dealflow_records_startup_id"), ["startup_id"], unique=False
        )

    op.create_table(
        "dealflow_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("startup_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply", sa.String(length=500), nullable=False),
        sa.Column("reply_link", sa.String(length=300), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "step IN ('send_deck', 'second_meeting', 'due_diligence', 'term_sheet', 'pass')",
            name=op.f("ck_dealflow_steps_step_known"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_dealflow_steps_answered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_dealflow_steps_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["dealflow_records.id"],
            name=op.f("fk_dealflow_steps_record_id_dealflow_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["startup_id"],
            ["startups.id"],
            name=op.f("fk_dealflow_steps_startup_id_startups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dealflow_steps")),
    )
    with op.batch_alter_table("dealflow_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dealflow_steps_record_id"), ["record_id"], unique=False
        )
        batch_op.create_index(
            "ix_dealflow_steps_startup", ["startup_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "uq_dealflow_steps_record_current",
            ["record_id"],
            unique=True,
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("dealflow_steps", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_dealflow_steps_record_current",
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )
        batch_op.drop_index("ix_dealflow_steps_startup")
        batch_op.drop_index(batch_op.f("ix_dealflow_steps_record_id"))

    op.drop_table("dealflow_steps")
    with op.batch_alter_table("dealflow_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dealflow_records_startup_id"))
        batch_op.drop_index("ix_dealflow_records_investor_startup")
        batch_op.drop_index("ix_dealflow_records_event_step")

    op.drop_table("dealflow_records")
