"""Who may do what in the app when people sign in: roles granted per person, kept for good.

A grant or a withdrawal is a new row, never an edit: the table is append-only like the rest of
the legal record and its rows form one hash chain whose head every checkpoint signs, so "who
could approve this DPIA on that day, and who gave them the right" is answered from the database
alone, and a grant slipped in or rewritten behind dpia's back is caught by `dpia archive
verify`. A person is named by the email address their identity provider vouches for
(lower-cased), which is also how the app records them as an actor.
"""

import datetime as dt
import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict
from sqlalchemy import insert, select

from .._errors import ArchiveError
from ._archive import Archive
from ._canonical import grant_record, link
from ._clock import utc_now_text
from ._database import reading, writing
from ._ledger import ledger
from ._schema import role_grants

__all__ = ["APP_ROLES", "RoleGrant", "grant_role", "role_grants", "role_history", "roles_by_person"]

APP_ROLES: dict[str, str] = {
    "author": "fills in assessments and plans measures",
    "dpo": "gives the data protection officer's advice and signs as DPO",
    "decision_maker": "records the decision and signs it",
    "legal_viewer": "reads and exports, changes nothing",
}
_PERSON = re.compile(r"^[^@\s]+@[^@\s]+$")


class RoleGrant(BaseModel):
    # Validator built on first use: a command validates few of these models, and one
    # held by another is validated within it, so building each at import is wasted.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

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
    values = {
        "person": _person(person),
        "role": _role(role),
        "granted": granted,
        "actor": actor.strip()[:300],
        "at": utc_now_text(),
    }
    record = grant_record(**values)
    with writing(archive.engine) as connection:
        book = ledger(connection)
        prev = book.head("role_grants")
        grant_chain = link(prev, record)
        grant_id = connection.execute(
            insert(role_grants)
            .values(
                **values,
                record_json=record.decode("utf-8"),
                prev_chain_hash=prev,
                chain_hash=grant_chain,
            )
            .returning(role_grants.c.id)
        ).scalar_one()
        book.added("role_grants", grant_id, grant_chain)


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
        rows = connection.execute(
            select(
                role_grants.c.person,
                role_grants.c.role,
                role_grants.c.granted,
                role_grants.c.actor,
                role_grants.c.at,
            ).order_by(role_grants.c.id)
        )
        return [RoleGrant.model_validate(row._asdict()) for row in rows]
