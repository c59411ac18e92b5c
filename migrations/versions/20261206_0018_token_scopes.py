"""token scopes: what an API token may do, and for which event

api_tokens.scope: `door` (one event's check-in and door list), `read` (reading event
data) or `organiser` (everything its account's role allows). Existing tokens keep what
they are used for: a staff account's token becomes `door`, any other (an organiser's)
`organiser`. api_tokens.event_id: the one event the token is good for (NULL: every
event); deleting the event deletes its tokens. Downgrade drops both columns.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 21:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

SCOPES = ("door", "read", "organiser")


def upgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE api_tokens SET scope = CASE WHEN user_id IN "
        "(SELECT id FROM users WHERE role = 'staff') THEN 'door' ELSE 'organiser' END"
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("scope", existing_type=sa.String(length=16), nullable=False)
        batch_op.create_check_constraint("scope_known", f"scope IN {SCOPES!r}")
        batch_op.create_foreign_key(
            op.f("fk_api_tokens_event_id_events"),
            "events",
            ["event_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_api_tokens_event_id"), ["event_id"], unique=False)


def downgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_event_id"))
        batch_op.drop_constraint(op.f("fk_api_tokens_event_id_events"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_api_tokens_scope_known"), type_="check")
        batch_op.drop_column("event_id")
        batch_op.drop_column("scope")
