"""Rows of a query straight from the database driver, for the reads that see every row.

`verify` walks every row of the record and the listing shows every assessment: wrapping each of
them in a SQLAlchemy result row costs more than what is done with it. SQLAlchemy still builds
the SQL; the rows come back as the driver's plain tuples.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect

__all__ = ["driver_batches"]

# A batch from a server-side cursor is a round trip to PostgreSQL, so it is large. SQLite reads in
# the process: a small batch costs one more call per few dozen rows, and a large one of rows a
# few kilobytes each (the versions) is many megabytes allocated and freed again, which cost more
# than the reading itself: verify ran a fifth faster in batches of 64 than of 5,000.
_SERVER_BATCH = 5000
_LOCAL_BATCH = 64
_CURSORS = itertools.count(1)


def driver_batches(connection: Connection, query: Any) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of `query` in batches, as the driver's tuples.

    On PostgreSQL the cursor is a named, server-side one, so only one batch at a time crosses
    to the client. It runs in the connection's own transaction, so every read in it sees the
    same snapshot.
    """
    sql, params = _compiled(query, connection.dialect)
    driver = connection.connection.driver_connection
    assert driver is not None
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name=f"dpia_rows_{next(_CURSORS)}")
        size = _SERVER_BATCH
    else:
        cursor = driver.cursor()
        size = _LOCAL_BATCH
    try:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield batch
    finally:
        cursor.close()


@lru_cache(maxsize=64)
def _compiled(query: Any, dialect: Dialect) -> tuple[str, Any]:
    """The SQL and parameters of a query, compiled once: verify's queries are built once at
    import, and compiling them cost more than reading a small archive."""
    compiled = query.compile(dialect=dialect)
    params: Any = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    return str(compiled), params
