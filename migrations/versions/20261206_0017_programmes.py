"""programmes: the incubation programmes as data the organiser keeps

programmes: one row per programme (unique name, in French, the platform's main
language), a description, and the names in the other languages (translations, JSON).
The table is filled from the distinct programme names startups hold today
(startups.programme, which stays the name string). Downgrade drops the table; the
startups keep their names.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 17:45:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    programmes = op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("translations", sa.JSON(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("name", name=op.f("uq_programmes_name")),
    )
    connection = op.get_bind()
    names = connection.execute(
        sa.text(
            "SELECT DISTINCT TRIM(programme) FROM startups "
            "WHERE programme IS NOT NULL AND TRIM(programme) <> ''"
        )
    ).scalars()
    now = datetime.now(UTC)
    rows, seen = [], set()
    for name in sorted(names):
        if name.lower() in seen:  # "Accelerate" and "accelerate": one programme
            continue
        seen.add(name.lower())
        rows.append(
            {
                "name": name[:60],
                "description": "",
                "created_at": now,
                "updated_at": now,
                "translations": {},
            }
        )
    if rows:
        op.bulk_insert(programmes, rows)


def downgrade():
    op.drop_table("programmes")
