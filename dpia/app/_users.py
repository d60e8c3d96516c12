"""Who is using the app, and what their roles let them do.

Two modes. Local mode (the default, for one person trying dpia on their own machine) has one
user, named after the operating-system account, who holds every role. Sign-in mode starts when
`.streamlit/secrets.toml` has an `[auth]` section: people sign in through the organisation's
OpenID Connect provider (`st.login`), and their roles come from the archive database, where an
administrator grants them (`dpia users grant EMAIL ROLE`). The audit log names a signed-in
person by the email address the provider vouches for.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

import streamlit as st

from .._vocabulary import APP_ROLE
from ..archive import roles_by_person
from ..workflow import may
from ._archive_link import archive

__all__ = ["ROLE_LABELS", "AppUser", "current_user", "sign_in_configured", "sign_out_button"]

ROLE_LABELS = APP_ROLE


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
        return AppUser(
            name=name,
            email=f"{name}@localhost",
            actor=f"local:{name}",
            roles=frozenset(ROLE_LABELS),
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
