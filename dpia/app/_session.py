"""What one browser session remembers, and how a refreshed page finds its place again.

Streamlit forgets everything on a browser refresh, so the URL carries the assessment
(`?assessment=A-2026-...&step=...`) and the archive holds its draft: reloading the page reopens
the same assessment at the same step. Widget state is keyed `q-...` and cleared whenever another
assessment is opened, so no field can show the previous assessment's answer.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ._case import Case

__all__ = [
    "WIDGET_PREFIX",
    "act_as_chosen",
    "acting_as",
    "close_case",
    "current_case",
    "field_errors",
    "field_key",
    "forget_signing_inputs",
    "open_case",
    "pop_notice",
    "push_notice",
    "set_step",
    "step",
    "sync_url",
]

WIDGET_PREFIX = "q-"
_CASE = "dpia.case"
_STEP = "dpia.step"
_ERRORS = "dpia.errors"
_NOTICE = "dpia.notice"
_GENERATION = "dpia.generation"
_ACTING_AS = "dpia.acting_as"
"""Local mode's View as choice. The session's, not the case's: kept when a case is opened or
closed, and apart from the widget's own state, which Streamlit drops when another page is
opened (each page draws its own copy of the sidebar)."""
_SIGNING_FILES = ("sign-key", "sign-cert")
_SIGNING_TEXT = ("sign-key-path", "sign-cert-path", "sign-passphrase")


def current_case() -> Case | None:
    return st.session_state.get(_CASE)


def field_key(name: str) -> str:
    """The widget key of a field of the open case: `q-<name>`, renamed after each reload.

    A browser sends back the values of the widgets on screen with every rerun, so widgets that
    show a reloaded case need new keys; otherwise the old values would be typed right back in.
    """
    generation = st.session_state.get(_GENERATION, 0)
    return f"{WIDGET_PREFIX}{name}" if not generation else f"{WIDGET_PREFIX}{name}-g{generation}"


def open_case(case: Case, *, at_step: str | None = None) -> None:
    for key in [k for k in st.session_state if str(k).startswith(WIDGET_PREFIX)]:
        del st.session_state[key]
    if current_case() is not None:
        st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1
    st.session_state[_CASE] = case
    st.session_state[_STEP] = at_step
    st.session_state[_ERRORS] = {}
    sync_url()


def close_case() -> None:
    st.session_state.pop(_CASE, None)
    st.session_state.pop(_STEP, None)
    st.query_params.clear()


def step() -> str | None:
    return st.session_state.get(_STEP)


def set_step(step_id: str) -> None:
    st.session_state[_STEP] = step_id
    st.session_state[_ERRORS] = {}
    sync_url()


def field_errors() -> dict[str, str]:
    """Messages shown under their fields until the field changes or the step is left."""
    return st.session_state.setdefault(_ERRORS, {})


def sync_url() -> None:
    """Put the open assessment (once it has an archive id) and its step in the address bar."""
    case = current_case()
    wanted: dict[str, Any] = {}
    if case is not None and case.assessment_id:
        wanted["assessment"] = case.assessment_id
        if step():
            wanted["step"] = step()
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def push_notice(kind: str, text: str) -> None:
    """A message to show once, after the rerun that a button triggers."""
    st.session_state[_NOTICE] = (kind, text)


def pop_notice() -> tuple[str, str] | None:
    return st.session_state.pop(_NOTICE, None)


def forget_signing_inputs() -> None:
    """Drop the key, its certificate and its passphrase from the session after an attempt to
    sign (the sign form also clears itself in the browser on every submit), so that the next
    person at the screen finds an empty form and nothing of the key stays in memory."""
    for name in _SIGNING_FILES:
        st.session_state.pop(name, None)
    for name in _SIGNING_TEXT:
        st.session_state[name] = ""


def acting_as() -> str | None:
    """The role local mode acts in, as chosen under View as; None before any choice."""
    return st.session_state.get(_ACTING_AS)


def act_as_chosen(widget: str) -> None:
    """The View as widget's callback: act in the role it now shows, from this run on."""
    st.session_state[_ACTING_AS] = st.session_state[widget]
