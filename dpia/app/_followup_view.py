"""What the Review page says must be looked at again, and the conditions an approval left.

Both come from the workflow (`reconsiderations`, `condition_items`); this module only shows
them and passes a change of a condition back to `track_condition`.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from .._assessment import Assessment
from .._errors import DPIAError
from .._vocabulary import CONDITION_STATE, SIGNOFF_PART, long_date
from ..archive import VersionDiff
from ..questionnaire import Questionnaire
from ..workflow import ConditionItem, condition_items, may, reconsiderations, track_condition
from ._archive_link import archive
from ._session import field_key, push_notice
from ._users import AppUser

__all__ = ["show_conditions", "show_reconsiderations"]


def show_reconsiderations(questionnaire: Questionnaire, assessment: Assessment) -> None:
    """A warning for each advice or decision that a material change left to be reviewed."""
    for item in reconsiderations(archive(), questionnaire, assessment):
        again = (
            "the DPO records the advice"
            if item.part == "dpo_advice"
            else "the decision-maker records the decision"
        )
        st.warning(
            f"**{SIGNOFF_PART[item.part]} is to be reviewed.** It was given on version "
            f"{item.given_in}, and {_summary(item.changes)} changed since. It counts as "
            f"reviewed once {again} again, confirmed or changed.",
            icon=":material/rate_review:",
        )
        with st.expander(f"What changed since version {item.given_in}", key=f"changed-{item.part}"):
            _changes(item.changes)


def _summary(changes: VersionDiff) -> str:
    parts = []
    for count, one, many in (
        (len(changes.answers), "1 answer", "answers"),
        (
            len([f for f in changes.fields if f.field.startswith("plan.")]),
            "1 planned measure",
            "planned measures",
        ),
        (len(changes.risks), "1 risk level", "risk levels"),
        (len(changes.measures), "1 measure", "measures"),
    ):
        if count:
            parts.append(one if count == 1 else f"{count} {many}")
    return ", ".join(parts) if parts else "an overall result"


def _changes(changes: VersionDiff) -> None:
    lines = [
        f"- {_asked(a.label or a.question_id)} {a.old_text} → {a.new_text}" for a in changes.answers
    ]
    lines += [
        f"- **{r.title}**: before measures {r.inherent_old or '—'} → {r.inherent_new or '—'}, "
        f"after the plan {r.residual_old or '—'} → {r.residual_new or '—'}"
        for r in changes.risks
    ]
    lines += [
        f"- **{m.title}**: "
        + {"added": f"added ({m.new_status})", "removed": f"removed (was {m.old_status})"}.get(
            m.change, f"{m.old_status} → {m.new_status}"
        )
        for m in changes.measures
    ]
    st.markdown("\n".join(lines) or "Only an overall result changed.")


def _asked(label: str) -> str:
    """A question as a line's lead: its own question mark or colon, else one added."""
    return f"**{label}**" if label.rstrip().endswith(("?", ":")) else f"**{label}:**"


def show_conditions(assessment_id: str | None, user: AppUser) -> None:
    """The conditions of the approved version, each with its owner, due date and state."""
    items = condition_items(archive(), assessment_id) if assessment_id else ()
    if not items:
        return
    st.subheader(f"Conditions of the approval (version {items[0].number})")
    st.caption(
        "Each condition is an action item until it is met: give it an owner and a due date, "
        "then the day it was met. Every change is kept in the audit log."
    )
    today = dt.date.today()
    editable = may(user.roles, "track_conditions")
    for item in items:
        state = "met" if item.met else "overdue" if item.overdue(today) else "open"
        with st.container(border=True, key=f"condition-{item.part}-{item.index}"):
            head, badge = st.columns([5, 1], vertical_alignment="center")
            head.markdown(f"**{SIGNOFF_PART[item.part]}, condition {item.index}:** {item.text}")
            colour = {"met": "green", "overdue": "red", "open": "orange"}[state]
            badge.markdown(f":{colour}-badge[{CONDITION_STATE[state]}]")
            if editable:
                _condition_form(item, assessment_id or "", user)
            else:
                st.caption(_condition_text(item))


def _condition_text(item: ConditionItem) -> str:
    if not item.owner:
        return "No owner or due date yet."
    text = f"Owner: {item.owner}; due {long_date(item.due)}" if item.due else f"Owner: {item.owner}"
    if item.met_on:
        text += f"; met on {long_date(item.met_on)}"
    return text + (f". {item.note}" if item.note else ".")


def _condition_form(item: ConditionItem, assessment_id: str, user: AppUser) -> None:
    name = f"cond-{item.part}-{item.index}"
    owner_column, due_column, met_column = st.columns(3)
    owner = owner_column.text_input(
        "Owner", value=item.owner, max_chars=300, key=field_key(f"{name}-owner")
    )
    due = due_column.date_input(
        "Due", value=item.due, format="YYYY-MM-DD", key=field_key(f"{name}-due")
    )
    met_on = met_column.date_input(
        "Met on (empty while open)",
        value=item.met_on,
        format="YYYY-MM-DD",
        key=field_key(f"{name}-met"),
    )
    note = st.text_input("Note", value=item.note, max_chars=2000, key=field_key(f"{name}-note"))
    if st.button("Save this condition", key=field_key(f"{name}-save")):
        if due is None:
            st.error("Give the day this condition is due.", icon=":material/error:")
            return
        try:
            track_condition(
                archive(),
                item,
                owner=owner,
                due=due,
                met_on=met_on,
                note=note,
                actor=user.actor,
                roles=user.roles,
                assessment_id=assessment_id,
            )
        except DPIAError as exc:
            text = str(exc)
            st.error(text[:1].upper() + text[1:] + ".", icon=":material/error:")
            return
        push_notice("saved", f"Condition {item.index} saved.")
        st.rerun()
