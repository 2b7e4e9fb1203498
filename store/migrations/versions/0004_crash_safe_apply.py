"""crash-safe apply: the staff card's version and the apply's last step are recorded

Revision ID: 0004_crash_safe_apply
Revises: 0003_one_time_links
Create Date: 2026-12-07 13:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types


revision: str = '0004_crash_safe_apply'
down_revision: str | None = '0003_one_time_links'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_version', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('applied_told_at', store.types.UTCDateTime(timezone=True), nullable=True)
        )
    # What was there before owes nothing: cards already posted, applied requests already told.
    op.execute(
        "UPDATE requests SET card_version = version "
        "WHERE state = 'pending_approval' AND staff_message_ts IS NOT NULL"
    )
    op.execute("UPDATE requests SET applied_told_at = updated_at WHERE state = 'applied'")


def downgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_column('applied_told_at')
        batch_op.drop_column('card_version')
