"""The app's one door to the archive: opened once per database, drafts saved with locking.

The archive object is process-wide (`st.cache_resource`), keyed by the database URL so that a
test or a second deployment pointing elsewhere never shares it. Drafts carry the revision they
were loaded at; a save based on an older revision is refused by the archive, and the app then
shows who saved in between instead of overwriting their work.
"""

from __future__ import annotations

import streamlit as st

from .._errors import NotFoundError
from .._library import questionnaire_for
from ..archive import Archive, database_url, open_archive
from ..questionnaire import Questionnaire
from ._case import Case

__all__ = ["archive", "load_case", "save_draft"]


@st.cache_resource(show_spinner=False)
def _archive_at(url: str) -> Archive:
    return open_archive(url)


def archive() -> Archive:
    return _archive_at(database_url())


def save_draft(case: Case, questionnaire: Questionnaire, *, actor: str) -> None:
    """Validate and store the case as a draft; the case learns its id and new revision.

    Raises AnswersError when the answers do not validate, StaleDraftError when someone else
    saved this draft since it was loaded.
    """
    check = case.check(questionnaire)
    draft = archive().save_draft(check.assessment.to_file(), actor=actor, revision=case.revision)
    case.meta["id"] = draft.assessment_id
    case.revision = draft.revision


def load_case(assessment_id: str) -> Case:
    """The saved draft of an assessment, or its latest version when it has no draft."""
    store = archive()
    try:
        draft = store.draft(assessment_id)
    except NotFoundError:
        answers = store.version(assessment_id).answers
        revision = None
    else:
        answers, revision = draft.answers, draft.revision
    case = Case.from_file(answers, questionnaire_for(answers["questionnaire"]))
    case.revision = revision
    return case
