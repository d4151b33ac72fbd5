"""Alembic environment. pmo-bot runs migrations programmatically with a live connection (``store.schema``);
developers creating a revision pass a URL: ``alembic -c pmo_bot/store/migrations/alembic.ini -x url=... revision``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from pmo_bot.store import models

target_metadata = models.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only ALTER through table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///pmo-bot-dev.db")
    with create_engine(url).begin() as fresh:
        _run(fresh)
