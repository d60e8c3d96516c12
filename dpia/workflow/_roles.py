"""Who may do what: each step of the workflow and the app roles that may take it.

The roles are the archive's (`dpia users grant EMAIL ROLE`). One table answers every "may this
person…" question the app and the command line ask, so a button hidden in the app is also a
command refused in the terminal. A signatory signs in the capacity the sign-off record gives
them, and only a person holding the matching app role may sign in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from .._errors import NotPermittedError
from .._vocabulary import APP_ROLE, role_in_sentence
from ..archive import APP_ROLES, Archive, roles_by_person

__all__ = [
    "ALL_ROLES",
    "PERMISSIONS",
    "SIGNS_AS",
    "Step",
    "may",
    "read_only",
    "require",
    "require_signing_role",
    "roles_of",
]

Step = Literal[
    "edit_answers",
    "add_version",
    "submit_for_review",
    "record_advice",
    "withdraw_advice",
    "record_decision",
    "withdraw_decision",
    "freeze",
    "track_conditions",
]

PERMISSIONS: dict[Step, frozenset[str]] = {
    "edit_answers": frozenset({"author", "dpo"}),
    "add_version": frozenset({"author", "dpo"}),
    "submit_for_review": frozenset({"author", "dpo"}),
    "record_advice": frozenset({"dpo"}),
    "withdraw_advice": frozenset({"dpo"}),
    "record_decision": frozenset({"decision_maker"}),
    "withdraw_decision": frozenset({"decision_maker"}),
    "freeze": frozenset({"decision_maker"}),
    "track_conditions": frozenset({"author", "dpo", "decision_maker"}),
}
"""The app roles that may take each step. Freezing a version is the decision-maker's act: it is
the moment their decision takes effect in the record."""

SIGNS_AS: dict[str, str] = {
    "assessor": "author",
    "dpo": "dpo",
    "decision_maker": "decision_maker",
    "workers_representative": "author",
}
"""The app role a person must hold to sign in each sign-off role."""

ALL_ROLES: frozenset[str] = frozenset(APP_ROLES)

_WHAT = {
    "edit_answers": "edits the answers and the sign-off record",
    "add_version": "archives a version",
    "submit_for_review": "puts a version in review",
    "record_advice": "records the DPO's advice",
    "withdraw_advice": "withdraws the DPO's advice",
    "record_decision": "records the decision",
    "withdraw_decision": "withdraws the decision",
    "freeze": "freezes a signed version",
    "track_conditions": "tracks the conditions of an approval",
}


def may(roles: Iterable[str], step: Step) -> bool:
    return bool(PERMISSIONS[step] & set(roles))


def read_only(roles: Iterable[str]) -> bool:
    """Whether `roles` take no step at all: such a reader is shown what the record holds (the
    latest frozen version), never a draft that nobody has decided on."""
    held = frozenset(roles)
    return not any(may(held, step) for step in PERMISSIONS)


def require(roles: Iterable[str], step: Step) -> None:
    """Refuse `step` unless one of `roles` may take it, naming the role that may."""
    held = frozenset(roles)
    if may(held, step):
        return
    allowed = " or ".join(APP_ROLE[r].lower() for r in sorted(PERMISSIONS[step]))
    yours = ", ".join(APP_ROLE[r] for r in sorted(held)) or "no role"
    raise NotPermittedError(f"only the {allowed} {_WHAT[step]}; you hold: {yours}")


def require_signing_role(roles: Iterable[str], signatory_role: str) -> None:
    """Refuse to sign in `signatory_role` for a person without the matching app role."""
    needed = SIGNS_AS[signatory_role]
    if needed not in set(roles):
        raise NotPermittedError(
            f"signing as the {role_in_sentence(signatory_role)} needs the "
            f"{APP_ROLE[needed].lower()} role"
        )


def roles_of(archive: Archive, actor: str) -> frozenset[str]:
    """The roles of `actor` for a command run in a terminal.

    An archive in which nobody was ever given a role is one person's (the app's local mode
    gives that person every role too); once roles are given, the actor is the email address
    they were given to, and holds only those.
    """
    held = roles_by_person(archive)
    if not held:
        return ALL_ROLES
    return held.get(actor.strip().lower(), frozenset())
