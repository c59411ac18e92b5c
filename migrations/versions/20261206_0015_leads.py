"""exhibitor leads: the visitor's consent, and the badges a startup's team scanned

- registrations.exhibitor_consent_at: when the attendee agreed that exhibitors who scan
  their badge see their contact details; NULL (every existing row): not agreed;
- leads: one row per startup per registration per event (unique), with the scans counted,
  the team's note, rating (1-5) and tags.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("exhibitor_consent_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("startup_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("scanned_by_id", sa.Integer(), nullable=True),
        sa.Column("first_scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scan_count", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("tags", sa.String(length=400), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "rating IS NULL OR (rating >= 1 AND rating <= 5)", name=op.f("ck_leads_rating_range")
        ),
        sa.CheckConstraint("scan_count > 0", name=op.f("ck_leads_scan_count_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_leads_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_leads_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scanned_by_id"],
            ["users.id"],
            name=op.f("fk_leads_scanned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["startup_id"],
            ["startups.id"],
            name=op.f("fk_leads_startup_id_startups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint(
            "event_id",
            "startup_id",
            "registration_id",
            name=op.f("uq_leads_event_id_startup_id_registration_id"),
        ),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(
            "ix_leads_event_startup_scanned",
            ["event_id", "startup_id", "last_scanned_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_leads_registration_id"), ["registration_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_leads_startup_id"), ["startup_id"], unique=False)


def downgrade():
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_startup_id"))
        batch_op.drop_index(batch_op.f("ix_leads_registration_id"))
        batch_op.drop_index("ix_leads_event_startup_scanned")
    op.drop_table("leads")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("exhibitor_consent_at")
