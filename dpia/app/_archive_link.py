"""The app's one door to the archive: opened once per database, drafts saved with locking.

The archive object is process-wide (`st.cache_resource`), keyed by the database URL so that a
test or a second deployment pointing elsewhere never shares it. Drafts carry the revision they
were loaded at; a save based on an older revision is refused by the archive, and the app then
shows who saved in between instead of overwriting their work.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import streamlit as st

from .._assessment import Assessment
from .._errors import NotFoundError
from .._library import questionnaire_for
from ..archive import (
    Archive,
    BagExport,
    VersionSummary,
    database_url,
    export_bag,
    open_archive,
)
from ..questionnaire import Questionnaire
from ..workflow import add_version, version_of_record
from ._case import HELD, Case

__all__ = [
    "archive",
    "archive_version",
    "archived_versions",
    "bag_archive",
    "load_case",
    "save_draft",
]


@st.cache_resource(show_spinner=False)
def _archive_at(url: str) -> Archive:
    return open_archive(url)


def archive() -> Archive:
    return _archive_at(database_url())


def save_draft(case: Case, questionnaire: Questionnaire, *, actor: str) -> dict[str, str]:
    """Store the case as a draft unless it is saved already; the case learns its id and new
    revision. Returns the messages of the answers held in the draft because they do not
    validate yet, by field.

    Raises AnswersError when not even a draft can be saved (a new assessment without its
    title), StaleDraftError when someone else saved this draft since it was loaded.
    """
    draft_file = case.draft_file(questionnaire)
    if draft_file.mapping != case.saved:
        draft = archive().save_draft(draft_file.mapping, actor=actor, revision=case.revision)
        case.meta["id"] = draft.assessment_id
        case.revision = draft.revision
        case.saved = draft.answers
    return draft_file.problems


def load_case(assessment_id: str, *, reader: bool = False) -> Case:
    """The saved draft of an assessment, or its latest version when it has no draft.

    A `reader` (who takes no step of the workflow) gets the version of record instead, the
    latest frozen version: what was decided, not what is being typed (`version_of_record`).
    """
    store = archive()
    if reader:
        answers = version_of_record(store, assessment_id).answers
        case = Case.from_file(answers, questionnaire_for(answers["questionnaire"]))
        case.meta["id"] = assessment_id
        case.as_record = True
        return case
    try:
        draft = store.draft(assessment_id)
    except NotFoundError:
        latest = store.version(assessment_id)
        answers, revision, version = latest.answers, None, latest.number
    else:
        answers, revision, version = draft.answers, draft.revision, None
    stored = {k: v for k, v in answers.items() if k != HELD}
    case = Case.from_file(stored, questionnaire_for(answers["questionnaire"]))
    case.revision = revision
    case.version = version
    case.saved = answers  # opening writes nothing: only a change makes a (new) draft
    held = answers.get(HELD) or {}
    case.answers.update(held.get("answers") or {})
    case.meta.update(held.get("assessment") or {})
    return case


def archived_versions(assessment_id: str | None) -> list[VersionSummary]:
    """Every archived version of the assessment, oldest first; none for a new one."""
    if not assessment_id:
        return []
    try:
        return archive().history(assessment_id)
    except NotFoundError:
        return []


def archive_version(
    case: Case,
    questionnaire: Questionnaire,
    assessment: Assessment,
    *,
    actor: str,
    roles: frozenset[str],
    document: bytes | None,
) -> VersionSummary:
    """Archive the case as the next (draft) version, through the workflow's rules."""
    version = add_version(
        archive(), questionnaire, assessment, actor=actor, roles=roles, document=document
    )
    case.meta["id"] = version.assessment_id
    return version


def bag_archive(assessment_id: str, number: int, *, actor: str) -> tuple[bytes, BagExport]:
    """One archived version as a zipped BagIt bag; the export is noted in the audit log."""
    with tempfile.TemporaryDirectory(prefix="dpia-bag-") as work:
        folder = Path(work) / f"{assessment_id}-v{number}"
        exported = export_bag(archive(), assessment_id, folder, number=number, actor=actor)
        zipped = shutil.make_archive(str(folder), "zip", root_dir=work, base_dir=folder.name)
        return Path(zipped).read_bytes(), exported
