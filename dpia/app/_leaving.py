"""Asking before the browser leaves a page that holds input not saved yet.

Every committed answer is saved at once, so what can be lost is what the archive refused (a
stale draft, a new assessment without a title yet) and text still being typed: Streamlit sends
a text box's value only when it loses focus or Enter is pressed, and shows "Press Enter to
apply" under it until then. The browser's own leave-page prompt covers both, for a reload, a
closed tab or a typed address alike.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["warn_before_leaving"]

_GUARD = """
<script>
(() => {
  const page = window;
  page.dpiaUnsaved = %s;
  if (page.dpiaLeaveGuard) return;
  page.dpiaLeaveGuard = true;
  page.addEventListener("beforeunload", (event) => {
    const typing = [...document.querySelectorAll('[data-testid="InputInstructions"]')]
      .some((hint) => hint.textContent.trim() !== "");
    if (page.dpiaUnsaved || typing) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
</script>
"""


def warn_before_leaving(*, unsaved: bool) -> None:
    """Have the browser ask before leaving while `unsaved` or while a text box is being typed
    in; the flag is refreshed on every run, so a save that succeeds lifts it."""
    with st.container(key="leave-guard", height=1, border=False):
        st.html(_GUARD % ("true" if unsaved else "false"), unsafe_allow_javascript=True)
