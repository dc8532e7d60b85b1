"""Alembic environment: runs the hub's migrations on the engine the hub itself would use."""

from __future__ import annotations

from alembic import context

from hub.storage.database import make_engine
from hub.storage.tables import Base

config = context.config
engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                      transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
