"""Who is using the app, and what their roles let them do.

Two modes. Local mode (the default, for one person trying dpia on their own machine) has one
user, named after the operating-system account, who holds every role, or acts in one role at a
time to see the app as that role's holder would ("View as" in the sidebar, `DPIA_LOCAL_ROLE` at
start): trying the legal viewer's or the decision-maker's pages needs no identity provider.
Sign-in mode starts when
`.streamlit/secrets.toml` has an `[auth]` section: people sign in through the organisation's
OpenID Connect provider (`st.login`), and their roles come from the archive database, where an
administrator grants them (`dpia users grant EMAIL ROLE`). The audit log names a signed-in
person by the email address the provider vouches for.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

import streamlit as st

from .._config import LOCAL_ROLE, settings
from .._vocabulary import APP_ROLE
from ..archive import roles_by_person
from ..workflow import may, read_only
from ._archive_link import archive
from ._session import acting_as

__all__ = [
    "EVERY_ROLE",
    "ROLE_LABELS",
    "VIEW_AS",
    "AppUser",
    "current_user",
    "local_role",
    "sign_in_configured",
    "sign_out_button",
]

ROLE_LABELS = APP_ROLE
VIEW_AS = "view-as"
"""The widget key of the sidebar's "View as" choice in local mode."""
EVERY_ROLE = ""
"""The "View as" choice of local mode's default: one user with every role."""


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
        return may(self.roles, "edit_answers")

    @property
    def reads_only(self) -> bool:
        """Takes no step of the workflow, so is shown the record, never a draft."""
        return read_only(self.roles)

    @property
    def role_text(self) -> str:
        return ", ".join(ROLE_LABELS[r] for r in ROLE_LABELS if r in self.roles) or "no role yet"


def sign_in_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def _providers() -> list[str | None]:
    """Named providers (`[auth.<name>]`), or the single provider of a plain `[auth]`."""
    section = st.secrets["auth"]
    named = [name for name, value in section.items() if hasattr(value, "items")]
    return list(named) or [None]


def current_user() -> AppUser:
    """The person at the keyboard; in sign-in mode, stops the page until they are signed in."""
    if not sign_in_configured():
        name = getpass.getuser()
        role = local_role()
        return AppUser(
            name=name,
            email=f"{name}@localhost",
            actor=f"local:{name}",
            roles=frozenset(ROLE_LABELS) if role == EVERY_ROLE else frozenset({role}),
            local=True,
        )
    if not st.user.is_logged_in:
        _sign_in_page()
        st.stop()
    email = str(st.user.get("email") or st.user.get("sub") or "").strip().lower()
    roles = roles_by_person(archive()).get(email, frozenset()) if "@" in email else frozenset()
    user = AppUser(
        name=str(st.user.get("name") or email),
        email=email,
        actor=email,
        roles=roles,
        local=False,
    )
    if not roles:
        st.title("No role yet")
        st.info(
            f"You are signed in as {email}, but no role has been given to you. Ask the "
            f"administrator to run: `dpia users grant {email} author` (or dpo, "
            "decision_maker, legal_viewer).",
            icon=":material/person_off:",
        )
        sign_out_button(user)
        st.stop()
    return user


def local_role() -> str:
    """The role local mode acts in: the sidebar's choice, else `DPIA_LOCAL_ROLE`, else every
    role (`EVERY_ROLE`). A role dpia does not know stops the page with the roles it knows."""
    chosen = acting_as()
    if chosen is not None:
        return chosen
    configured = settings().local_role
    if configured and configured not in ROLE_LABELS:
        st.error(
            f"{LOCAL_ROLE.variable} is {configured!r}, which is not a role. Set it to one of "
            f"{', '.join(ROLE_LABELS)}, or leave it empty for every role.",
            icon=":material/error:",
        )
        st.stop()
    return configured


def _sign_in_page() -> None:
    st.title("Data Protection Impact Assessments")
    st.write("Sign in with your organisation's account to continue.")
    for provider in _providers():
        label = "Sign in" if provider is None else f"Sign in with {provider}"
        st.button(
            label,
            type="primary",
            icon=":material/login:",
            key=f"sign-in-{provider or 'default'}",
            on_click=st.login,
            args=() if provider is None else (provider,),
        )


def sign_out_button(user: AppUser) -> None:
    if not user.local:
        st.button("Sign out", icon=":material/logout:", key="sign-out", on_click=st.logout)
