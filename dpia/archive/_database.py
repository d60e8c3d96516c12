"""Where the archive lives and how its schema is brought up to date.

The default is an embedded SQLite file so that a DPO can try dpia with nothing to install;
`DPIA_DATABASE_URL` points it at PostgreSQL for shared use. SQLite writes take the write lock at
`BEGIN IMMEDIATE`: two writers then queue instead of both reading the same chain head, and a
write transaction never fails half way with "database is locked" after it has started work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from .._config import DATABASE_URL, settings
from .._errors import ArchiveError, ArchiveIntegrityError

__all__ = [
    "DEFAULT_DATABASE_URL",
    "WRITE_LOCK_KEY",
    "archive_engine",
    "database_url",
    "reading",
    "refuse_unknown_revision",
    "schema_revisions",
    "upgrade_database",
    "writing",
]

DEFAULT_DATABASE_URL = DATABASE_URL.default
WRITE_LOCK_KEY = 0x64706961  # "dpia": migrations take the same lock, so they queue with writes
_WRITE = "dpia_write"
_SQLITE_BUSY_SECONDS = 120
_SUPPORTED = "sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE"


def database_url() -> str:
    return settings().database_url


def archive_engine(url: str | None = None) -> Engine:
    """An engine for the archive; a SQLite file's directory is created on first use."""
    parsed = _parse(url or database_url())
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True)


def _parse(text: str) -> URL:
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise ArchiveError(
            f"database URL {text!r} is not a URL; use {_SUPPORTED} (DPIA_DATABASE_URL)"
        ) from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "postgresql" and driver != "psycopg":
        return parsed.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql") or (backend == "sqlite" and driver != "pysqlite"):
        raise ArchiveError(
            f"database {parsed.drivername!r} is not supported; use {_SUPPORTED} (DPIA_DATABASE_URL)"
        )
    return parsed


def _sqlite_engine(parsed: URL) -> Engine:
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": _SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA foreign_keys = ON",
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL",
            f"PRAGMA busy_timeout = {_SQLITE_BUSY_SECONDS * 1000}",
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: committed as a whole or not at all.

    Writers queue on one lock (SQLite's write lock, a PostgreSQL advisory lock), because every
    write extends the archive-wide chains and signs a new checkpoint of their heads. Whatever
    the transaction appended to the legal record is sealed with that checkpoint before commit;
    the copy outside the database is written after it.
    """
    from ._ledger import forget_ledger, publish_checkpoint, seal_ledger

    with engine.connect() as connection:
        connection = connection.execution_options(**{_WRITE: True})
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY}
                    )
                yield connection
                sealed = seal_ledger(connection)
        finally:
            forget_ledger(connection)
    if sealed is not None:
        publish_checkpoint(*sealed)


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction: one consistent snapshot, never blocking writers."""
    with engine.connect() as connection, connection.begin():
        yield connection


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "dpia:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def schema_revisions(engine: Engine) -> tuple[str | None, str]:
    """The database's schema revision (None when never migrated) and the one this code needs."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise ArchiveError(f"cannot open the archive database: {exc.orig}") from None
    return current, head


def refuse_unknown_revision(revision: str) -> None:
    """A revision this code has no migration for was written by a newer dpia: never touch it."""
    try:
        ScriptDirectory.from_config(_alembic_config()).get_revision(revision)
    except CommandError:
        raise ArchiveError(
            f"the archive database is at schema revision {revision!r}, which this dpia does "
            "not know: it was migrated by a newer dpia; upgrade dpia instead"
        ) from None


def upgrade_database(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; returns (revision before, revision after)."""
    before, head = schema_revisions(engine)
    if before == head:
        return before, head
    if before is not None:
        refuse_unknown_revision(before)
    if before is None and inspect(engine).has_table("versions"):
        raise ArchiveError(
            "the database holds a 'versions' table but no dpia schema revision; "
            "refusing to migrate a database dpia did not create"
        )
    try:
        with writing(engine) as connection:
            command.upgrade(_alembic_config(connection), "head")
    except RuntimeError as exc:
        # A migration stops on data it must not carry forward (dpia/migrations/versions) and
        # says why; nothing was written, since the upgrade runs in one transaction.
        raise ArchiveIntegrityError(f"the upgrade stopped: {exc}") from None
    return before, head
