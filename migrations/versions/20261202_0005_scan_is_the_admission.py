"""a scan is the admission: one insert per scan

The admissions table goes; an `admitted` scan is the badge's entry for its day, and a
partial unique index on scans (registration_id, day) where the result is `admitted`
keeps one per badge per day. Every scan records its event day.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02 20:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

ADMITTED = sa.text("result = 'admitted'")


def upgrade():
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("day", sa.Date(), nullable=True))
    # The day of a scan that found an admission is that admission's; other scans keep none.
    op.execute(
        "UPDATE scans SET day = "
        "(SELECT admissions.day FROM admissions WHERE admissions.id = scans.admission_id) "
        "WHERE admission_id IS NOT NULL"
    )
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_constraint("fk_scans_admission_id_admissions", type_="foreignkey")
        batch_op.drop_column("admission_id")
        batch_op.create_index(
            "uq_scans_one_admission_per_day",
            ["registration_id", "day"],
            unique=True,
            sqlite_where=ADMITTED,
            postgresql_where=ADMITTED,
        )
    with op.batch_alter_table("admissions", schema=None) as batch_op:
        batch_op.drop_index("ix_admissions_event_time")
    op.drop_table("admissions")


def downgrade():
    op.create_table(
        "admissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gate", sa.String(length=60), nullable=False),
        sa.Column("admitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_admissions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_admissions_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admissions")),
        sa.UniqueConstraint(
            "registration_id", "day", name=op.f("uq_admissions_registration_id_day")
        ),
    )
    with op.batch_alter_table("admissions", schema=None) as batch_op:
        batch_op.create_index("ix_admissions_event_time", ["event_id", "admitted_at"])
    # Each admitted scan becomes its admission again, under the scan's id.
    op.execute(
        "INSERT INTO admissions (id, event_id, registration_id, day, gate, admitted_at) "
        "SELECT id, event_id, registration_id, day, gate, scanned_at FROM scans "
        "WHERE result = 'admitted' AND registration_id IS NOT NULL AND day IS NOT NULL"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('admissions', 'id'), "
            "COALESCE(MAX(id), 0) + 1, false) FROM admissions"
        )
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_index("uq_scans_one_admission_per_day")
        batch_op.add_column(sa.Column("admission_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_scans_admission_id_admissions",
            "admissions",
            ["admission_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        "UPDATE scans SET admission_id = (SELECT admissions.id FROM admissions "
        "WHERE admissions.registration_id = scans.registration_id "
        "AND admissions.day = scans.day) "
        "WHERE result IN ('admitted', 'already_inside')"
    )
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_column("day")
