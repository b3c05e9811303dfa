"""users.token_version and users.token_key: tokens that can be revoked, and never outlive their account

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (not a batch rebuild of the table: on SQLite that would drop and recreate
    # ``users``, and the foreign keys' ON DELETE CASCADE would empty the tables that refer to it).
    op.add_column("users", sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("users", sa.Column("token_key", sa.String(length=64), nullable=False, server_default=""))
    users = sa.table("users", sa.column("id", sa.Integer()), sa.column("token_key", sa.String()))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(token_key=secrets.token_urlsafe(16))
        )


def downgrade() -> None:
    op.drop_column("users", "token_key")
    op.drop_column("users", "token_version")
