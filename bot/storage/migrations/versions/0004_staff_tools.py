"""staff tools: temporary office closures (/closed) and anonymous daily figures (/stats)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_office_closures_office_end", "office_closures", ["office", "ends_on"], unique=False)
    op.create_table(
        "daily_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "metric", "topic", "lang"),
    )
    op.create_table(
        "first_reply_waits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_first_reply_waits_day", "first_reply_waits", ["day"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_first_reply_waits_day", table_name="first_reply_waits")
    op.drop_table("first_reply_waits")
    op.drop_table("daily_counts")
    op.drop_index("ix_office_closures_office_end", table_name="office_closures")
    op.drop_table("office_closures")
