"""Who is using the app, and what their roles let them do.

Two modes. Local mode (the default, for one person trying dpia on their own machine) has one
user, named after the operating-system account, who holds every role. Sign-in mode starts when
`.streamlit/secrets.toml` has an `[auth]` section: people sign in through the organisation's
OpenID Connect provider (`st.login`), and their roles come from the archive database, where an
administrator grants them (`dpia users grant`).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

import streamlit as st

__all__ = ["ROLE_LABELS", "AppUser", "current_user", "sign_in_configured"]

ROLE_LABELS: dict[str, str] = {
    "author": "Author",
    "dpo": "Data protection officer",
    "decision_maker": "Decision-maker",
    "legal_viewer": "Legal (read only)",
}
_EDITORS = frozenset({"author", "dpo"})


@dataclass(frozen=True)
class AppUser:
    """`actor` is what the audit log records: stable, unlike a display name."""

    name: str
    email: str
    actor: str
    roles: frozenset[str]
    local: bool

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def can_edit(self) -> bool:
        """Answers and the measure plan; a legal viewer reads and exports only."""
        return bool(self.roles & _EDITORS)

    @property
    def role_text(self) -> str:
        return ", ".join(ROLE_LABELS[r] for r in ROLE_LABELS if r in self.roles) or "no role yet"


def sign_in_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def current_user() -> AppUser:
    name = getpass.getuser()
    return AppUser(
        name=name,
        email=f"{name}@localhost",
        actor=f"local:{name}",
        roles=frozenset(ROLE_LABELS),
        local=True,
    )
