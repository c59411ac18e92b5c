"""onboarding: account states, invitations, teams, two-factor sign-in

users.status (invited, unverified, pending, active, rejected) with the organiser's review
of a sign-up; users.investor_id so that an investor firm has teammates like a startup
(startups.owner_id and investors.user_id name each team's owner); invitations; TOTP
columns and one-time recovery codes; platform_settings for what organisers switch on
(two-factor sign-in required); investors.website for vetting.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 11:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

STATUSES = ("invited", "unverified", "pending", "active", "rejected")


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="active", nullable=False)
        )
        batch_op.add_column(sa.Column("investor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("signup_event_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("totp_enabled_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("status_known", f"status IN {STATUSES!r}")
        batch_op.create_index(op.f("ix_users_investor_id"), ["investor_id"])
        batch_op.create_foreign_key(
            op.f("fk_users_investor_id_investors"),
            "investors",
            ["investor_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            op.f("fk_users_signup_event_id_events"),
            "events",
            ["signup_event_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            op.f("fk_users_reviewed_by_id_users"),
            "users",
            ["reviewed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("startups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_startups_owner_id_users"), "users", ["owner_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("investors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("website", sa.String(length=200), server_default="", nullable=False)
        )

    # Every investor account belongs to its own firm; every startup's first member owns it.
    op.execute(
        "UPDATE users SET investor_id = "
        "(SELECT investors.id FROM investors WHERE investors.user_id = users.id)"
    )
    op.execute(
        "UPDATE startups SET owner_id = "
        "(SELECT MIN(users.id) FROM users WHERE users.startup_id = startups.id)"
    )

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("send_count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_invitations_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_invitations_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("user_id", name=op.f("uq_invitations_user_id")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_recovery_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_codes_code_hash")),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(op.f("ix_recovery_codes_user_id"), ["user_id"])
    op.create_table(
        "platform_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_platform_settings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_platform_settings")),
    )


def downgrade():
    op.drop_table("platform_settings")
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_recovery_codes_user_id"))
    op.drop_table("recovery_codes")
    op.drop_table("invitations")
    with op.batch_alter_table("investors", schema=None) as batch_op:
        batch_op.drop_column("website")
    with op.batch_alter_table("startups", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_startups_owner_id_users"), type_="foreignkey")
        batch_op.drop_column("owner_id")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_users_reviewed_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_users_signup_event_id_events"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_users_investor_id_investors"), type_="foreignkey")
        batch_op.drop_index(op.f("ix_users_investor_id"))
        batch_op.drop_constraint("status_known", type_="check")
        for column in (
            "totp_last_step",
            "totp_enabled_at",
            "totp_secret",
            "reviewed_by_id",
            "reviewed_at",
            "review_note",
            "signup_event_id",
            "investor_id",
            "status",
        ):
            batch_op.drop_column(column)
