"""The frame around every page: navigation, who is signed in, the open assessment, and errors.

Everything a run does, the frame included, is inside a guard (`_faults`): a refusal is shown
as worded, a fault as a short apology with a reference, never as a traceback.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from .._errors import NotFoundError
from ._archive_link import load_case
from ._case import Case
from ._faults import guarded, show_callback_fault
from ._record_notice import record_notice
from ._session import (
    act_as_chosen,
    close_case,
    current_case,
    open_case,
    resume_acting_as,
    sync_url,
)
from ._users import (
    EVERY_ROLE,
    ROLE_LABELS,
    VIEW_AS,
    AppUser,
    current_user,
    sign_in_configured,
    sign_out_button,
)

__all__ = ["PAGES", "open_assessment_or_stop", "run_app"]

_PAGE_DIR = Path(__file__).resolve().parent / "pages"
_ICON = Path(__file__).resolve().parent / "static" / "icon.svg"
"""The tab's icon, served by the app itself: a named icon would be fetched from a font host,
telling it who opens the app and failing offline."""

PAGES: dict[str, str] = {
    name: str(_PAGE_DIR / f"{name}.py")
    for name in ("assessments", "wizard", "risks", "document", "review", "archive")
}
_MENU = {
    "Work": [
        ("assessments", "Assessments", ":material/folder_open:"),
        ("wizard", "Wizard", ":material/checklist:"),
        ("risks", "Risks", ":material/insights:"),
        ("document", "Document", ":material/description:"),
    ],
    "Decide and keep": [
        ("review", "Review & sign-off", ":material/verified:"),
        ("archive", "Archive", ":material/inventory_2:"),
    ],
}


def run_app() -> None:
    """The whole app, one run: frame, then the chosen page, each inside a guard."""
    st.set_page_config(
        page_title="DPIA",
        page_icon=str(_ICON),
        layout="wide",
        initial_sidebar_state="auto",
    )
    show_callback_fault()
    guarded(_frame_and_page, "the app's frame")


def _frame_and_page() -> None:
    if not sign_in_configured():
        resume_acting_as((EVERY_ROLE, *ROLE_LABELS))
    user = current_user()
    pages = {
        group: [
            st.Page(PAGES[name], title=title, icon=icon, default=name == "assessments")
            for name, title, icon in entries
        ]
        for group, entries in _MENU.items()
    }
    page = st.navigation(pages)
    guarded(lambda: _resume_from_url(user), "the app's link to an assessment")
    _sidebar(user)
    _acting_as(user)
    guarded(page.run, f"the app's {page.title} page")


def _resume_from_url(user: AppUser) -> None:
    """After a browser refresh the session is new: reopen the assessment the URL names."""
    wanted = st.query_params.get("assessment")
    case = current_case()
    if case is not None and case.assessment_id and case.as_record != user.reads_only:
        wanted = case.assessment_id  # View as changed: a reader gets the record, others the draft
        case = None
    if wanted and (case is None or case.assessment_id != wanted):
        try:
            open_case(
                load_case(wanted, reader=user.reads_only), at_step=st.query_params.get("step")
            )
        except NotFoundError:
            close_case()
            st.warning(
                f"There is no assessment {wanted} in the archive.", icon=":material/warning:"
            )
    else:
        sync_url()


def _sidebar(user: AppUser) -> None:
    with st.sidebar:
        case = current_case()
        if case is not None:
            st.markdown(f"**Open assessment**  \n{case.title}")
            st.caption(case.assessment_id or "not saved yet")
            if st.button("Close assessment", icon=":material/close:", key="frame-close"):
                close_case()
                st.switch_page(PAGES["assessments"])
            st.divider()
        st.markdown(f"**{user.name}**")
        st.caption(user.role_text)
        if user.local:
            _view_as(user)
        sign_out_button(user)


def _view_as(user: AppUser) -> None:
    """Local mode's role switch: one person tries the app as each role's holder sees it."""
    choices = [EVERY_ROLE, *ROLE_LABELS]
    current = EVERY_ROLE if len(user.roles) > 1 else next(iter(user.roles))
    st.selectbox(
        "View as",
        choices,
        index=choices.index(current),
        format_func=lambda r: "Every role" if r == EVERY_ROLE else ROLE_LABELS[r],
        key=VIEW_AS,
        on_change=act_as_chosen,
        args=(VIEW_AS,),
        help="Local mode only: act in one role at a time to see what its holder sees. With "
        "sign-in, roles come from the archive (dpia users grant).",
    )
    if current == EVERY_ROLE:
        st.caption("Local mode: one user with every role.")
    else:
        st.caption(f"Local mode, acting as {ROLE_LABELS[current]} only.")


def _acting_as(user: AppUser) -> None:
    """Say on every page which single role local mode is acting in, so that a page showing
    less than usual is never mistaken for a fault."""
    if user.local and len(user.roles) == 1:
        role = ROLE_LABELS[next(iter(user.roles))]
        st.info(
            f"**Viewing as {role}.** Local mode is acting in this one role; choose another "
            "under View as in the sidebar.",
            icon=":material/switch_account:",
        )


def open_assessment_or_stop() -> Case:
    """The open assessment, or a pointer to the Assessments page and nothing else."""
    case = current_case()
    if case is None:
        st.info(
            "No assessment is open. Start a new one or resume one from the list.",
            icon=":material/info:",
        )
        st.page_link(PAGES["assessments"], label="Go to Assessments", icon=":material/folder_open:")
        st.stop()
    if case.as_record and case.assessment_id:
        record_notice(case.assessment_id)
    return case
