"""What a reader is looking at: which version, whether it was decided, and what is pending.

A legal viewer must never take a draft for what was approved. Every page that shows an
assessment to a reader starts with this notice, worded from the archive's record
(`dpia.workflow.version_of_record`): the version shown and its status, and each later version
or draft, labelled as not decided.
"""

from __future__ import annotations

import streamlit as st

from .._vocabulary import VERSION_STATUS, moment
from ..workflow import RecordShown, version_of_record
from ._archive_link import archive

__all__ = ["record_notice", "record_text"]


def record_text(record: RecordShown) -> tuple[str, list[str]]:
    """The headline and one line per pending item, in plain words."""
    shown = record.version
    if shown is None:
        draft = record.draft
        assert draft is not None
        return (
            "Nothing has been archived or decided yet. You are reading the draft saved on "
            f"{moment(draft.updated_at)} by {draft.updated_by}; it may still change.",
            [],
        )
    status = VERSION_STATUS[shown.status.value].lower()
    if record.frozen:
        headline = (
            f"You are reading version {shown.number}, the latest signed and frozen version "
            f"({status}), archived on {moment(shown.created_at)}."
        )
    else:
        headline = (
            f"No version has been signed and frozen yet. You are reading version "
            f"{shown.number}, archived on {moment(shown.created_at)} by {shown.author} "
            f"({status}): nobody has decided on it."
        )
    pending = [
        f"Version {later.number} ({VERSION_STATUS[later.status.value].lower()}), archived on "
        f"{moment(later.created_at)} by {later.author}: not signed and frozen."
        for later in record.later
    ]
    if record.draft is not None:
        pending.append(
            f"Draft changes saved on {moment(record.draft.updated_at)} by "
            f"{record.draft.updated_by}: not archived, not decided."
        )
    return headline, pending


def record_notice(assessment_id: str) -> None:
    headline, pending = record_text(version_of_record(archive(), assessment_id))
    text = f"**{headline}**"
    if pending:
        text += "  \nPending, not shown here:\n" + "\n".join(f"- {line}" for line in pending)
    st.info(text, icon=":material/visibility:")
