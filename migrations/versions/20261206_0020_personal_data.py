"""personal data: privacy settings per event, consent log, erasures

event_privacy: one row per event (made on first use): the privacy notice's version and
when it last changed, the CNDP declaration number, the retention in months after the
event's last day (1 to 120, default 12), and when the retention job anonymised it.
privacy_consent_events: the append-only log of consents given and withdrawn (the privacy
notice, sharing with exhibitors, news from the organiser) with the notice version and
language. privacy_erasures: the registrations anonymised at their holder's request.
Downgrade drops the three tables.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 20:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event_privacy",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("notice_version", sa.Integer(), nullable=False),
        sa.Column("notice_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cndp_declaration", sa.String(length=60), nullable=False),
        sa.Column("retention_months", sa.Integer(), nullable=False),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "retention_months >= 1 AND retention_months <= 120",
            name=op.f("ck_event_privacy_retention_range"),
        ),
        sa.CheckConstraint(
            "notice_version > 0", name=op.f("ck_event_privacy_notice_version_positive")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_privacy_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_privacy")),
    )
    op.create_table(
        "privacy_consent_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("notice_version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('privacy_notice', 'exhibitors', 'news')",
            name=op.f("ck_privacy_consent_events_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_privacy_consent_events_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_consent_events")),
    )
    op.create_index(
        "ix_privacy_consent_events_registration_kind",
        "privacy_consent_events",
        ["registration_id", "kind", "id"],
    )
    op.create_table(
        "privacy_erasures",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_privacy_erasures_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_privacy_erasures")),
    )


def downgrade():
    op.drop_table("privacy_erasures")
    op.drop_index(
        "ix_privacy_consent_events_registration_kind", table_name="privacy_consent_events"
    )
    op.drop_table("privacy_consent_events")
    op.drop_table("event_privacy")
