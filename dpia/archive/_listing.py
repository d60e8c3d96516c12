"""The listing: one mutable row per assessment, derived from the record, so the archive lists
thousands of assessments without reading their versions.

It is a cache and nothing more. Every write rebuilds the row of the assessment it touched from
the append-only tables; `verify` rebuilds every row and names each one that differs; nothing
that decides (the next version number, the latest version, a status move) ever reads it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, insert, select, update

from ._schema import assessment_listing, assessments, version_statuses, versions

__all__ = ["ListingRow", "derived_listings", "listing_differences", "refresh_listing"]


@dataclass(frozen=True)
class ListingRow:
    assessment_id: str
    title: str
    organisation: str
    created_at: str
    created_by: str
    latest_version: int
    status: str | None
    review_due: str | None
    updated_at: str


def derived_listings(
    connection: Connection, assessment_id: str | None = None
) -> Iterator[ListingRow]:
    """What the listing must hold, from the record, in assessment id order (streamed)."""
    for derived, _ in _listings(connection, assessment_id, with_stored=False):
        yield derived


_STRAYS = select(assessment_listing.c.assessment_id).where(
    ~select(assessments.c.id).where(assessments.c.id == assessment_listing.c.assessment_id).exists()
)


def listing_differences(connection: Connection) -> Iterator[tuple[str, str]]:
    """(assessment id, what is wrong) for each listing row that is not what the record says."""
    for derived, stored in _listings(connection, None, with_stored=True):
        if stored is None:
            yield derived.assessment_id, "the listing has no row for this assessment"
            continue
        wrong = [
            f"{name.replace('_', ' ')} {getattr(stored, name)!r} (the record says "
            f"{getattr(derived, name)!r})"
            for name in ListingRow.__dataclass_fields__
            if getattr(stored, name) != getattr(derived, name)
        ]
        if wrong:
            yield derived.assessment_id, "the listing shows " + ", ".join(wrong)
    for (stray,) in connection.execute(_STRAYS):
        yield stray, "the listing names an assessment that is not in the archive"


@functools.cache
def _listing_query(*, with_stored: bool, one: bool) -> Select[Any]:
    """The query that derives listing rows, built once for each use: building it again for
    each write (one row) and each verify (every row) cost more than running it."""
    latest_number = (
        select(func.max(versions.c.number))
        .where(versions.c.assessment_id == assessments.c.id)
        .scalar_subquery()
    )
    latest = versions.alias("latest")
    last_status = (
        select(version_statuses.c.status, version_statuses.c.at)
        .where(version_statuses.c.version_id == latest.c.id)
        .order_by(version_statuses.c.id.desc())
        .limit(1)
    )
    listed = [assessment_listing.c[name] for name in ListingRow.__dataclass_fields__]
    query = (
        select(
            *([column.label(f"listed_{column.name}") for column in listed] if with_stored else []),
            assessments.c.id,
            assessments.c.title,
            assessments.c.organisation,
            assessments.c.created_at,
            assessments.c.created_by,
            latest.c.number,
            latest.c.review_due,
            latest.c.created_at.label("added_at"),
            latest.c.answers_json,
            last_status.with_only_columns(version_statuses.c.status)
            .scalar_subquery()
            .label("last_status"),
            last_status.with_only_columns(version_statuses.c.at)
            .scalar_subquery()
            .label("last_status_at"),
        )
        .select_from(
            assessments.outerjoin(
                latest,
                (latest.c.assessment_id == assessments.c.id) & (latest.c.number == latest_number),
            )
        )
        .order_by(assessments.c.id)
    )
    if with_stored:
        query = query.outerjoin(
            assessment_listing, assessment_listing.c.assessment_id == assessments.c.id
        )
    if one:
        return query.where(assessments.c.id == bindparam("assessment_id"))
    return query.execution_options(yield_per=1000)


def _listings(
    connection: Connection, assessment_id: str | None, *, with_stored: bool
) -> Iterator[tuple[ListingRow, ListingRow | None]]:
    query = _listing_query(with_stored=with_stored, one=assessment_id is not None)
    given = {} if assessment_id is None else {"assessment_id": assessment_id}
    rows = connection.execute(query, given)
    for row in rows:
        title, organisation = row.title, row.organisation
        if row.number is not None:
            title, organisation = _named_in(row.answers_json, title, organisation)
        stored = None
        if with_stored and row.listed_assessment_id is not None:
            stored = ListingRow(
                **{name: getattr(row, f"listed_{name}") for name in ListingRow.__dataclass_fields__}
            )
        yield (
            ListingRow(
                assessment_id=row.id,
                title=title,
                organisation=organisation,
                created_at=row.created_at,
                created_by=row.created_by,
                latest_version=row.number or 0,
                status=None if row.number is None else (row.last_status or "draft"),
                review_due=row.review_due,
                updated_at=max(
                    (t for t in (row.added_at, row.last_status_at) if t), default=row.created_at
                ),
            ),
            stored,
        )


def _named_in(answers_json: str, title: str, organisation: str) -> tuple[str, str]:
    """Title and organisation as the latest version's answers give them."""
    try:
        meta = json.loads(answers_json).get("assessment") or {}
    except (ValueError, AttributeError):
        return title, organisation
    named = meta.get("title"), meta.get("organisation")
    if all(isinstance(value, str) and value.strip() for value in named):
        return named[0][:300], named[1][:300]
    return title, organisation


def refresh_listing(connection: Connection, assessment_id: str) -> None:
    """Rebuild one assessment's row from the record (in the write that changed it)."""
    derived = next(derived_listings(connection, assessment_id), None)
    if derived is None:
        return
    values = asdict(derived)
    changed = connection.execute(
        update(assessment_listing)
        .where(assessment_listing.c.assessment_id == assessment_id)
        .values(**values)
    ).rowcount
    if not changed:
        connection.execute(insert(assessment_listing).values(**values))
