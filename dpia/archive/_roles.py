"""Who may do what in the app when people sign in: roles granted per person, kept for good.

A grant or a withdrawal is a new row, never an edit: the table is append-only like the rest of
the legal record, so "who could approve this DPIA on that day, and who gave them the right" is
answered from the database alone. A person is named by the email address their identity
provider vouches for (lower-cased), which is also how the app records them as an actor.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict
from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, insert, select

from .._errors import ArchiveError
from ._archive import Archive
from ._clock import utc_now_text
from ._database import reading, writing
from ._schema import metadata

__all__ = ["APP_ROLES", "RoleGrant", "grant_role", "role_grants", "role_history", "roles_by_person"]

APP_ROLES: dict[str, str] = {
    "author": "fills in assessments and plans measures",
    "dpo": "gives the data protection officer's advice and signs as DPO",
    "decision_maker": "records the decision and signs it",
    "legal_viewer": "reads and exports, changes nothing",
}
_RowId = BigInteger().with_variant(Integer(), "sqlite")
_PERSON = re.compile(r"^[^@\s]+@[^@\s]+$")

role_grants = Table(
    "role_grants",
    metadata,
    Column("id", _RowId, primary_key=True, autoincrement=True),
    Column("person", String(320), nullable=False),
    Column("role", String(40), nullable=False),
    Column("granted", Boolean, nullable=False),
    Column("actor", String(300), nullable=False),
    Column("at", String(32), nullable=False),
    Index("ix_role_grants_person", "person"),
)


class RoleGrant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    person: str
    role: str
    granted: bool
    actor: str
    at: dt.datetime


def _person(person: str) -> str:
    cleaned = person.strip().lower()
    if not _PERSON.match(cleaned) or len(cleaned) > 320:
        raise ArchiveError(
            f"{person!r} is not an email address; roles are given to the address people sign "
            "in with"
        )
    return cleaned


def _role(role: str) -> str:
    if role not in APP_ROLES:
        raise ArchiveError(f"unknown role {role!r}; roles: {', '.join(APP_ROLES)}")
    return role


def grant_role(
    archive: Archive, person: str, role: str, *, actor: str, granted: bool = True
) -> None:
    """Give (or, with `granted=False`, withdraw) a role; both are recorded with who did it."""
    if not actor.strip():
        raise ArchiveError("the actor (who changes the role) must be named")
    with writing(archive.engine) as connection:
        connection.execute(
            insert(role_grants).values(
                person=_person(person),
                role=_role(role),
                granted=granted,
                actor=actor.strip()[:300],
                at=utc_now_text(),
            )
        )


def roles_by_person(
    archive: Archive, people: Iterable[str] | None = None
) -> dict[str, frozenset[str]]:
    """Each person's roles now: the latest grant or withdrawal of each role decides."""
    wanted = None if people is None else {_person(p) for p in people}
    held: dict[str, dict[str, bool]] = {}
    for grant in role_history(archive):
        if wanted is None or grant.person in wanted:
            held.setdefault(grant.person, {})[grant.role] = grant.granted
    return {
        person: frozenset(role for role, on in roles.items() if on)
        for person, roles in held.items()
    }


def role_history(archive: Archive) -> list[RoleGrant]:
    with reading(archive.engine) as connection:
        rows = connection.execute(select(role_grants).order_by(role_grants.c.id))
        return [
            RoleGrant.model_validate({k: v for k, v in row._asdict().items() if k != "id"})
            for row in rows
        ]
