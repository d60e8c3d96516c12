"""What one browser session remembers: the one place that reads or writes Streamlit's session.

Everything the app keeps between reruns about an assessment belongs to the assessment that is
open, and must vanish when another one is opened: a refused save, a built document, a prepared
package, a half-typed signing form. So every key is declared here, and `open_case` and
`close_case` clear all of them at once; no other module touches `st.session_state`.

Public API (the whole of it):

- `current_case()`, `open_case(case, at_step=)`, `close_case()`: the open assessment. Opening or
  closing clears every case-scoped key and widget, and shows the migration notes of the opened
  case once.
- `step()`, `set_step(step_id)`: the wizard step, mirrored in the URL (`?assessment=&step=`)
  so that a reload returns to it; `sync_url()` puts both in the address bar.
- `field_key(name)`, `field_errors()`: widget keys for the open case and the messages shown
  under them.
- `recall(memo)`, `remember(memo, value)`, `forget(memo)`: the declared per-case memos (`Memo`).
- `push_notice(kind, text)`, `pop_notice()`: a message shown once after a rerun.
- `widget_state(key, initial)`: what a composite widget (a table) keeps beside its widgets.
- `widget_value(key)`, `forget_signing_inputs()`: the signing form's inputs, read once and then
  dropped so that no key material stays in memory.
- `acting_as()`, `act_as_chosen(widget)`, `resume_acting_as(known)`: local mode's View as
  choice, mirrored in the URL (`?view_as=`) so that a reload keeps the role.

Streamlit forgets everything on a browser refresh, so the URL carries the assessment and the
archive holds its draft: reloading the page reopens the same assessment at the same step.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Literal, get_args

import streamlit as st

from ._case import Case, migration_notice
from ._faults import guarded_callback

__all__ = [
    "WIDGET_PREFIX",
    "Memo",
    "act_as_chosen",
    "acting_as",
    "close_case",
    "current_case",
    "field_errors",
    "field_key",
    "forget",
    "forget_signing_inputs",
    "open_case",
    "pop_notice",
    "push_notice",
    "recall",
    "remember",
    "resume_acting_as",
    "set_step",
    "step",
    "sync_url",
    "widget_state",
    "widget_value",
]

WIDGET_PREFIX = "q-"

Memo = Literal["stale_draft", "rendition", "bag", "archive_bag"]
"""What the app remembers about the open case between reruns, each cleared with the case:
`stale_draft` the message of a save the archive refused as stale, `rendition` the document
built from the current answers, `bag` and `archive_bag` prepared BagIt packages (by version).
What was last saved is the case's own (`Case.saved`)."""

_CASE = "dpia.case"
_STEP = "dpia.step"
_ERRORS = "dpia.errors"
_NOTICE = "dpia.notice"
_GENERATION = "dpia.generation"
_ACTING_AS = "dpia.acting_as"
"""Local mode's View as choice. The session's, not the case's: kept when a case is opened or
closed, and apart from the widget's own state, which Streamlit drops when another page is
opened (each page draws its own copy of the sidebar)."""
_VIEW_AS_PARAM = "view_as"
_EVERY_ROLE_IN_URL = "every_role"
"""How the URL writes View as's empty choice (every role): an empty parameter reads as absent."""
_MEMOS = tuple(f"dpia.{name}" for name in get_args(Memo))
_CASE_WIDGET_PREFIXES = (WIDGET_PREFIX, "sign-", "so-sig-", "diff-", "proof-")
"""Widgets whose value belongs to one assessment: its fields, the signing form, the choice of
versions to compare or verify."""
_SIGNING_FILES = ("sign-key", "sign-cert")
_SIGNING_TEXT = ("sign-key-path", "sign-cert-path", "sign-passphrase")
_SIGNING_AS = "sign-as"


def current_case() -> Case | None:
    return st.session_state.get(_CASE)


def field_key(name: str) -> str:
    """The widget key of a field of the open case: `q-<name>`, renamed after each reopening.

    A browser sends back the values of the widgets on screen with every rerun, so widgets that
    show a reopened case need new keys; otherwise the old values would be typed right back in.
    """
    generation = st.session_state.get(_GENERATION, 0)
    return f"{WIDGET_PREFIX}{name}" if not generation else f"{WIDGET_PREFIX}{name}-g{generation}"


def open_case(case: Case, *, at_step: str | None = None) -> None:
    """Make `case` the open assessment, with nothing left over from the one open before."""
    _clear_case()
    st.session_state[_CASE] = case
    st.session_state[_STEP] = at_step
    notice = migration_notice(case.notes)
    if notice:
        push_notice("warning", notice)
    sync_url()


def close_case() -> None:
    _clear_case()
    sync_url()


def _clear_case() -> None:
    state = st.session_state
    if state.get(_CASE) is not None:
        state[_GENERATION] = state.get(_GENERATION, 0) + 1
    for key in [k for k in state if str(k).startswith(_CASE_WIDGET_PREFIXES)]:
        del state[key]
    for key in (_CASE, _STEP, _ERRORS, _NOTICE, *_MEMOS):
        state.pop(key, None)


def step() -> str | None:
    return st.session_state.get(_STEP)


def set_step(step_id: str) -> None:
    st.session_state[_STEP] = step_id
    st.session_state[_ERRORS] = {}
    sync_url()


def field_errors() -> dict[str, str]:
    """Messages shown under their fields until the field changes or the step is left."""
    return st.session_state.setdefault(_ERRORS, {})


def recall(memo: Memo) -> Any:
    return st.session_state.get(f"dpia.{memo}")


def remember(memo: Memo, value: Any) -> None:
    st.session_state[f"dpia.{memo}"] = value


def forget(memo: Memo) -> None:
    st.session_state.pop(f"dpia.{memo}", None)


def sync_url() -> None:
    """Put the open assessment (once it has an archive id), its step and the View as choice in
    the address bar."""
    case = current_case()
    wanted: dict[str, Any] = {}
    if case is not None and case.assessment_id:
        wanted["assessment"] = case.assessment_id
        if step():
            wanted["step"] = step()
    chosen = acting_as()
    if chosen is not None:
        wanted[_VIEW_AS_PARAM] = chosen or _EVERY_ROLE_IN_URL
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def push_notice(kind: str, text: str) -> None:
    """A message to show once, after the rerun that a button triggers."""
    st.session_state[_NOTICE] = (kind, text)


def pop_notice() -> tuple[str, str] | None:
    return st.session_state.pop(_NOTICE, None)


def widget_value(key: str) -> Any:
    """The current value of a widget drawn on this page (for a form's submit callback)."""
    return st.session_state.get(key)


def widget_state(key: str, initial: Callable[[], Any]) -> Any:
    """What a composite widget keeps beside its own widgets, such as a table's row ids.

    `key` must be a field key (`field_key`), so that it is cleared with the case.
    """
    if not key.startswith(WIDGET_PREFIX):
        raise ValueError(f"{key!r} is not a field key")
    if key not in st.session_state:
        st.session_state[key] = initial()
    return st.session_state[key]


def forget_signing_inputs(*, signed: bool = False) -> None:
    """Drop the key, its certificate and its passphrase from the session after an attempt to
    sign (the sign form also clears itself in the browser on every submit), so that the next
    person at the screen finds an empty form and nothing of the key stays in memory. After a
    signature the choice of signatory goes too: the next one starts from whoever has signed
    least, not from the person who just signed."""
    for name in _SIGNING_FILES:
        st.session_state.pop(name, None)
    for name in _SIGNING_TEXT:
        st.session_state[name] = ""
    if signed:
        st.session_state.pop(_SIGNING_AS, None)


def acting_as() -> str | None:
    """The role local mode acts in, as chosen under View as; None before any choice."""
    return st.session_state.get(_ACTING_AS)


@guarded_callback
def act_as_chosen(widget: str) -> None:
    """The View as widget's callback: act in the role it now shows, from this run on."""
    st.session_state[_ACTING_AS] = st.session_state[widget]


def resume_acting_as(known: Collection[str]) -> None:
    """After a browser refresh the session is new: take View as from the URL, if it names one
    of the `known` choices. Anything else in the parameter is dropped from the address bar at
    the next `sync_url`, so a mistyped link acts in the default role and shows that it does."""
    if _ACTING_AS in st.session_state:
        return
    written = st.query_params.get(_VIEW_AS_PARAM)
    if written is None:
        return
    chosen = "" if written == _EVERY_ROLE_IN_URL else written
    if chosen in known:
        st.session_state[_ACTING_AS] = chosen
