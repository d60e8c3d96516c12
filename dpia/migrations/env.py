"""Run the archive's migrations on the connection dpia hands over (`dpia db upgrade`, first use),
or, for developers running `alembic -c dpia/migrations/alembic.ini`, on `DPIA_DATABASE_URL`.

On PostgreSQL a transaction-scoped advisory lock makes concurrent first starts of several app
processes queue, so only one of them creates the tables; SQLite gets the same from the
`BEGIN IMMEDIATE` of the write transaction the migration runs in.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from dpia.archive._database import WRITE_LOCK_KEY, archive_engine, writing
from dpia.archive._schema import metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    with writing(archive_engine()) as own:
        _run(own)
