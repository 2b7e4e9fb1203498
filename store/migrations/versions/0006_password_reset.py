"""password reset: a silence that also ends when the account registers again

Revision ID: 0006_password_reset
Revises: 0005_callback_calls
Create Date: 2026-12-07 13:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_password_reset"
down_revision: str | None = "0005_callback_calls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The request kind `password_reset` needs nothing: kinds are stored as plain strings.
    with op.batch_alter_table("silences", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("until_registered", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("silences", schema=None) as batch_op:
        batch_op.drop_column("until_registered")
