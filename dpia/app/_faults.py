"""A fault in the app: a short message with a reference on the page, the traceback in a file.

The reference and its file are the command line's (dpia/_fault.py), so an administrator finds a
fault reported from the app the same way as one reported from a terminal; the browser gets
neither the traceback nor the server's file names. Errors dpia raises on purpose (a stale
draft, a bad key file) are shown as worded, since they say what to change. A widget's callback
runs before the page and outside its guard, so it has a guard of its own, and what it failed
with is shown at the top of the page that follows.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st

from .._errors import DPIAError
from .._fault import log_fault

__all__ = ["guarded", "guarded_callback", "show_callback_fault"]

_log = logging.getLogger("dpia.app")
_CALLBACK_FAULT = "dpia.callback-fault"
_Arguments = ParamSpec("_Arguments")


def guarded(action: Callable[[], object], where: str) -> None:
    """Run one part of the page; what it fails with is a message in its place."""
    try:
        action()
    except DPIAError as exc:
        _log.info("refused: %s", exc)
        st.error(str(exc), icon=":material/error:")
    except Exception:
        st.error(_apology(where, "this page could not be shown"), icon=":material/error:")


def guarded_callback(
    callback: Callable[_Arguments, object],
) -> Callable[_Arguments, None]:
    """A widget callback whose failure is kept for the page to show, not raised past it."""

    @functools.wraps(callback)
    def run(*args: _Arguments.args, **kwargs: _Arguments.kwargs) -> None:
        try:
            callback(*args, **kwargs)
        except DPIAError as exc:
            _log.info("refused: %s", exc)
            st.session_state[_CALLBACK_FAULT] = str(exc)
        except Exception:
            where = f"the app's action {callback.__name__}"
            st.session_state[_CALLBACK_FAULT] = _apology(where, "that action was not completed")

    return run


def show_callback_fault() -> None:
    """Say, once, what the last widget callback failed with."""
    message = st.session_state.pop(_CALLBACK_FAULT, None)
    if message:
        st.error(message, icon=":material/error:")


def _apology(where: str, what_failed: str) -> str:
    reference, _ = log_fault(where)
    _log.exception("unexpected error (reference %s) in %s", reference, where)
    return (
        f"Something went wrong on our side and {what_failed}. Your saved work is safe. If it "
        f"happens again, give your administrator the reference {reference}."
    )
