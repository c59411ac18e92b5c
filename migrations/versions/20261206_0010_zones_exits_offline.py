"""door: gate directions, zone capacity, one entry per zone per day, exits and re-entries,
offline scans, and change times that scanners' door lists sync on

- gates.direction: entry (the default, as before) or exit;
- zones.capacity: how many people may be inside at once (NULL: no limit);
- scans.zone_key: the zone the gate leads into or out of, 0 for the venue in general
  (backfilled from the gate of the same name). The admission index becomes one `admitted`
  scan per badge per zone per day;
- scans.follows_scan_id (unique): the entry an exit closes, the exit a re-entry follows;
- scans.recorded_at (backfilled from scanned_at), scans.offline, scans.offline_result,
  scans.override; results `reentered`, `exited` and `zone_full`;
- registrations.updated_at (backfilled from the latest of created, confirmed, cancelled).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ADMITTED = sa.text("result = 'admitted'")
OLD_RESULTS = (
    "admitted",
    "already_inside",
    "not_today",
    "zone_not_allowed",
    "revoked",
    "unknown",
    "malformed",
)
NEW_RESULTS = (
    "admitted",
    "reentered",
    "exited",
    "already_inside",
    "zone_full",
    "not_today",
    "zone_not_allowed",
    "revoked",
    "unknown",
    "malformed",
)


def upgrade():
    with op.batch_alter_table("gates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("direction", sa.String(length=5), server_default="entry", nullable=False)
        )
        batch_op.create_check_constraint("direction_known", "direction IN ('entry', 'exit')")
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "capacity_positive", "capacity IS NULL OR capacity > 0"
        )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE registrations SET updated_at = COALESCE(cancelled_at, confirmed_at, created_at)"
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column(
            "updated_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_index(
            "ix_registrations_event_updated", ["event_id", "updated_at"], unique=False
        )

    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("zone_key", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(sa.Column("follows_scan_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("offline", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("offline_result", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("override", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute("UPDATE scans SET recorded_at = scanned_at")
    op.execute(
        "UPDATE scans SET zone_key = COALESCE((SELECT gates.zone_id FROM gates "
        "WHERE gates.event_id = scans.event_id AND gates.name = scans.gate), 0)"
    )
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.alter_column(
            "recorded_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_foreign_key(
            op.f("fk_scans_follows_scan_id_scans"),
            "scans",
            ["follows_scan_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_unique_constraint(op.f("uq_scans_follows_scan_id"), ["follows_scan_id"])
        batch_op.drop_constraint(op.f("ck_scans_result_known"), type_="check")
        batch_op.create_check_constraint("result_known", f"result IN {NEW_RESULTS!r}")
        batch_op.drop_index("uq_scans_one_admission_per_day")
        batch_op.create_index(
            "uq_scans_one_admission_per_day",
            ["registration_id", "day", "zone_key"],
            unique=True,
            sqlite_where=ADMITTED,
            postgresql_where=ADMITTED,
        )
        batch_op.create_index("ix_scans_event_recorded", ["event_id", "recorded_at"])
        batch_op.create_index("ix_scans_zone_day", ["event_id", "day", "zone_key", "result"])


def downgrade():
    # Scans of the new kinds have no place in the old schema; an admission to a second
    # zone on the same day neither.
    op.execute("DELETE FROM scans WHERE result IN ('reentered', 'exited', 'zone_full')")
    op.execute(
        "DELETE FROM scans WHERE result = 'admitted' AND zone_key <> 0 AND EXISTS ("
        "SELECT 1 FROM scans AS other WHERE other.result = 'admitted' "
        "AND other.registration_id = scans.registration_id AND other.day = scans.day "
        "AND other.id < scans.id)"
    )
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_index("ix_scans_zone_day")
        batch_op.drop_index("ix_scans_event_recorded")
        batch_op.drop_index("uq_scans_one_admission_per_day")
        batch_op.create_index(
            "uq_scans_one_admission_per_day",
            ["registration_id", "day"],
            unique=True,
            sqlite_where=ADMITTED,
            postgresql_where=ADMITTED,
        )
        batch_op.drop_constraint(op.f("ck_scans_result_known"), type_="check")
        batch_op.create_check_constraint("result_known", f"result IN {OLD_RESULTS!r}")
        batch_op.drop_constraint(op.f("uq_scans_follows_scan_id"), type_="unique")
        batch_op.drop_constraint(op.f("fk_scans_follows_scan_id_scans"), type_="foreignkey")
        batch_op.drop_column("override")
        batch_op.drop_column("offline_result")
        batch_op.drop_column("offline")
        batch_op.drop_column("recorded_at")
        batch_op.drop_column("follows_scan_id")
        batch_op.drop_column("zone_key")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_registrations_event_updated")
        batch_op.drop_column("updated_at")
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_zones_capacity_positive"), type_="check")
        batch_op.drop_column("capacity")
    with op.batch_alter_table("gates", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_gates_direction_known"), type_="check")
        batch_op.drop_column("direction")
