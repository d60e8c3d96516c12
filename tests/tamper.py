"""What an attacker with the database owner's rights does: switch the append-only guards off,
run SQL, and recompute every hash dpia would have computed (the formats are public)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, text


def tamper(engine: Engine, tables: Iterable[str], statement: str, **params: object) -> None:
    """Run `statement` with the guards of `tables` removed, and foreign keys not enforced."""
    tables = list(tables)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        with connection.begin():
            for table in tables:
                if connection.dialect.name == "postgresql":
                    connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER ALL"))
                else:
                    for operation in ("update", "delete", "insert"):
                        connection.execute(
                            text(f"DROP TRIGGER IF EXISTS {table}_append_only_{operation}")
                        )
            connection.execute(text(statement), params)
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")
    engine.dispose()
