"""The Assessments page: what is on file, what is due for review, and where to start.

The list is the archive's (status and review date are those of each assessment's latest
version), so the page adds no bookkeeping of its own: new assessments get their id from the
archive when their first draft is saved.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from .._assessment import assessment_from_source
from .._errors import AnswersError, DPIAError, SourceError
from .._library import questionnaire_dir, questionnaire_for
from .._source import read_source
from .._vocabulary import (
    UNVERSIONED,
    VERSION_STATUS,
    in_questionnaire_words,
    moment,
    short_date,
)
from ..archive import AssessmentSummary, VersionStatus
from ..questionnaire import Questionnaire, load_questionnaire
from ._answers_messages import answers_refusal
from ._archive_link import archive, load_case
from ._case import Case, migration_notice
from ._frame import PAGES
from ._session import open_case, push_notice
from ._tables import responsive_table
from ._users import AppUser, current_user

__all__ = ["STATUS_LABELS", "show_assessments"]

STATUS_LABELS: dict[str | None, str] = {None: UNVERSIONED, **VERSION_STATUS}
_DUE_WITHIN_DAYS = {"Any time": None, "Overdue": -1, "Within 30 days": 30, "Within 90 days": 90}


def show_assessments() -> None:
    user = current_user()
    st.title("Assessments")
    st.caption(
        "Every Data Protection Impact Assessment on file, with the status of its latest version "
        "and the date it is due for review."
    )
    _listing(user)
    st.divider()
    if not user.can_edit:
        st.info("You have read-only access: open an assessment from the list to read it.")
        return
    start, upload = st.columns(2, gap="large")
    with start:
        _new_assessment(user)
    with upload:
        st.subheader("From an answers file")
        _import_answers(user)


def _listing(user: AppUser) -> None:
    st.subheader("On file")
    status_column, due_column = st.columns(2)
    status_names = ["All", *(s.value for s in VersionStatus)]
    status = status_column.selectbox(
        "Status",
        status_names,
        format_func=lambda s: "All" if s == "All" else STATUS_LABELS[VersionStatus(s)],
        key="list-status",
    )
    due = due_column.selectbox("Review due", list(_DUE_WITHIN_DAYS), key="list-due")
    days = _DUE_WITHIN_DAYS[due]
    # The archive filters on "due before": overdue is before today, "within 30 days" before day 31.
    before = None if days is None else dt.date.today() + dt.timedelta(days=days + 1)
    found = archive().assessments(
        status=None if status == "All" else status, review_due_before=before
    )
    if not found:
        hint = " Start a new one below." if user.can_edit else ""
        st.info(f"No assessment matches.{hint}", icon=":material/info:")
        return
    # The way in comes before the list: on a phone the list is a card per assessment, and an
    # archive of any size would push it far below them.
    by_id = {s.id: s for s in found}
    chosen = st.selectbox(
        "Open an assessment",
        list(reversed(list(by_id))),
        format_func=lambda i: f"{by_id[i].title} ({by_id[i].organisation}, {i})",
        key="list-open",
    )
    if st.button("Open", type="primary", icon=":material/folder_open:", key="list-open-button"):
        open_case(load_case(chosen, reader=user.reads_only))
        st.switch_page(PAGES["wizard"])
    drafts = archive().drafts_saved()
    today = dt.date.today()
    responsive_table(
        [_row(summary, drafts.get(summary.id), today) for summary in reversed(found)],
        key="assessments",
        heading="Title",
    )


def _row(
    summary: AssessmentSummary, draft_saved: dt.datetime | None, today: dt.date
) -> dict[str, object]:
    """Status first, then the title and the review date: they are what the list is read for, and
    a phone shows a card per assessment. A table, not a data grid: its cells wrap, so no
    title is cut off at any width. A draft saved after the
    latest version is said beside its status, or "Approved" would be read as covering it."""
    status = STATUS_LABELS[summary.status]
    if summary.latest_version and draft_saved is not None and draft_saved > summary.updated_at:
        status += "; later draft pending"
    return {
        "Status": status,
        "Title": summary.title,
        "Review due": _review_due(summary.review_due, today),
        "Organisation": summary.organisation,
        "Version": str(summary.latest_version) if summary.latest_version else "",
        "Updated": moment(summary.updated_at),
        "ID": summary.id,
    }


def _review_due(due: dt.date | None, today: dt.date) -> str:
    """The date, and "overdue" once it has passed, as the Overdue filter counts it."""
    if due is None:
        return ""
    return short_date(due) + (" (overdue)" if due < today else "")


def _questionnaires() -> list[Questionnaire]:
    """Every questionnaire that loads; one broken file must not hide the others."""
    found = []
    for path in sorted(Path(questionnaire_dir()).glob("*.yaml")):
        if path.name.endswith(".risks.yaml"):
            continue
        try:
            found.append(load_questionnaire(path))
        except DPIAError as exc:
            st.warning(
                f"{path.name} is not offered because it does not load: {exc}",
                icon=":material/warning:",
            )
    return found


def _new_assessment(user: AppUser) -> None:
    st.subheader("New assessment")
    available = _questionnaires()
    if not available:
        st.warning(f"No questionnaire found in {questionnaire_dir()}.", icon=":material/warning:")
        return
    by_ref = {q.ref: q for q in available}
    ref = st.selectbox(
        "Questionnaire",
        list(by_ref),
        format_func=lambda r: f"{by_ref[r].title} (version {by_ref[r].version})",
        key="new-questionnaire",
    )
    if by_ref[ref].description:
        st.caption(by_ref[ref].description)
    if st.button("Start a new assessment", type="primary", icon=":material/add:", key="new-start"):
        open_case(Case.new(ref, assessor=user.name))
        st.switch_page(PAGES["wizard"])


def _import_answers(user: AppUser) -> None:
    with st.expander("Import an answers file (YAML or JSON)"):
        upload = st.file_uploader(
            "Answers file", type=["yaml", "yml", "json"], key="import-file", max_upload_size=1
        )
        if upload is None:
            return
        source = read_source(upload.getvalue(), name=upload.name)
        if not isinstance(source.value, dict) or "questionnaire" not in source.value:
            raise SourceError(f"{upload.name}: not an answers file (no 'questionnaire:' field)")
        questionnaire = questionnaire_for(str(source.value["questionnaire"]))
        try:
            check = assessment_from_source(source, questionnaire)
        except AnswersError as exc:
            st.error(answers_refusal(upload.name, exc, questionnaire), icon=":material/error:")
            return
        st.success(
            f"{upload.name}: {len(check.assessment.answers)} answers for {questionnaire.title}."
        )
        notice = migration_notice(
            tuple(in_questionnaire_words(n.message, questionnaire) for n in check.notes)
        )
        if notice:
            st.warning(notice, icon=":material/update:")
        if st.button("Open as a new assessment", key="import-open"):
            mapping = check.assessment.to_file()
            mapping["assessment"]["id"] = None
            open_case(Case.from_file(mapping, questionnaire))
            if notice:  # the case opens already migrated, so the notes come from the file
                push_notice("warning", notice)
            st.switch_page(PAGES["wizard"])
