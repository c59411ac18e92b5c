"""matchmaking: marks, the direction of meeting requests, the startup's round size

- match_marks: one mark ("must", "would", "not_now") per startup–investor pair per side
  per event (unique), changeable.
- meeting_requests.direction: who asked, "startup" (every existing row) or "investor".
- meeting_locks.scope may be "investor" (an investor's requests are serialised on it).
- startups.round_size_eur: the round the startup raises, in euros (nullable, > 0).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "match_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("startup_id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("mark", sa.String(length=16), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "mark IN ('must', 'would', 'not_now')", name=op.f("ck_match_marks_mark_known")
        ),
        sa.CheckConstraint(
            "side IN ('startup', 'investor')", name=op.f("ck_match_marks_side_known")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_match_marks_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["investor_id"],
            ["investors.id"],
            name=op.f("fk_match_marks_investor_id_investors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"],
            ["users.id"],
            name=op.f("fk_match_marks_marked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["startup_id"],
            ["startups.id"],
            name=op.f("fk_match_marks_startup_id_startups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_marks")),
        sa.UniqueConstraint(
            "event_id",
            "startup_id",
            "investor_id",
            "side",
            name=op.f("uq_match_marks_event_id_startup_id_investor_id_side"),
        ),
    )
    op.create_index(
        "ix_match_marks_investor", "match_marks", ["event_id", "investor_id"], unique=False
    )
    op.create_index(op.f("ix_match_marks_startup_id"), "match_marks", ["startup_id"], unique=False)
    with op.batch_alter_table("meeting_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("direction", sa.String(length=16), server_default="startup", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_meeting_requests_direction_known"), "direction IN ('startup', 'investor')"
        )
    with op.batch_alter_table("meeting_locks", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_meeting_locks_scope_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_meeting_locks_scope_known"),
            "scope IN ('startup', 'slots', 'schedule', 'investor')",
        )
    with op.batch_alter_table("startups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_size_eur", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_startups_round_size_positive"), "round_size_eur IS NULL OR round_size_eur > 0"
        )


def downgrade():
    with op.batch_alter_table("startups", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_startups_round_size_positive"), type_="check")
        batch_op.drop_column("round_size_eur")
    op.execute("DELETE FROM meeting_locks WHERE scope = 'investor'")
    with op.batch_alter_table("meeting_locks", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_meeting_locks_scope_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_meeting_locks_scope_known"), "scope IN ('startup', 'slots', 'schedule')"
        )
    with op.batch_alter_table("meeting_requests", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_meeting_requests_direction_known"), type_="check")
        batch_op.drop_column("direction")
    op.drop_index(op.f("ix_match_marks_startup_id"), table_name="match_marks")
    op.drop_index("ix_match_marks_investor", table_name="match_marks")
    op.drop_table("match_marks")
