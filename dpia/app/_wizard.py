"""The wizard: one step per questionnaire section, answers kept and saved at every step.

Steps are the sections shown for the current answers, after a first step about the assessment
itself. A step is not a form: a follow-up question must appear the moment the answer that
calls for it is given. Each answer goes into the open case as soon as its widget returns it,
and visibility is worked out again straight away, so a follow-up question further down the same
step already knows. Next checks the step with the question types' own rules and the answers
validator and puts each message under its field; Back and Next both save the draft.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from .._errors import AnswersError, StaleDraftError
from .._library import questionnaire_for
from ..questionnaire import EDPB_SECTIONS, AnswerRejected, Questionnaire, Section
from ._archive_link import load_case, save_draft
from ._case import Case, field_problems
from ._frame import PAGES, open_assessment_or_stop
from ._session import (
    field_errors,
    field_key,
    forget,
    open_case,
    pop_notice,
    push_notice,
    recall,
    remember,
    set_step,
    step,
)
from ._users import AppUser, current_user
from ._widgets import WIDGETS

__all__ = ["ABOUT_STEP", "show_wizard", "visible_steps"]

ABOUT_STEP = "about"
_ABOUT_TITLE = "About this assessment"
_REQUIRED = "This question needs an answer before you go on."


def visible_steps(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(step id, title) for the about step and each section with a question shown."""
    shown = questionnaire.visibility(answers)
    steps = [(ABOUT_STEP, _ABOUT_TITLE)]
    steps += [
        (s.id, s.title) for s in questionnaire.sections if any(shown[q.id] for q in s.questions)
    ]
    return steps


def show_wizard() -> None:
    case = open_assessment_or_stop()
    user = current_user()
    questionnaire = questionnaire_for(case.questionnaire)
    st.title(case.title)
    if not user.can_edit:
        _read_only(case, questionnaire)
        return
    _notices(case)
    progress = st.empty()
    current = _settled_step(questionnaire, case)
    if current == ABOUT_STEP:
        _about_fields(case)
    else:
        section = next(s for s in questionnaire.sections if s.id == current)
        _section_fields(section, case, questionnaire)
    steps = visible_steps(questionnaire, case.answers)
    ids = [step_id for step_id, _ in steps]
    position = ids.index(current)
    progress.progress(
        (position + 1) / len(steps),
        text=f"Step {position + 1} of {len(steps)}: {steps[position][1]}",
    )
    _navigation(case, questionnaire, user, ids, position)


def _settled_step(questionnaire: Questionnaire, case: Case) -> str:
    """The step to show: the remembered one while it is still shown, else the next one."""
    wanted = step() or ABOUT_STEP
    ids = [step_id for step_id, _ in visible_steps(questionnaire, case.answers)]
    if wanted in ids:
        return wanted
    order = [ABOUT_STEP, *(s.id for s in questionnaire.sections)]
    later = order[order.index(wanted) + 1 :] if wanted in order else []
    settled = next((s for s in later if s in ids), ids[-1])
    set_step(settled)
    return settled


def _notices(case: Case) -> None:
    stale = recall("stale_draft")
    if stale and case.assessment_id:
        st.error(stale, icon=":material/sync_problem:")
        if st.button("Load the saved draft (my unsaved changes are dropped)", key="stale-reload"):
            open_case(load_case(case.assessment_id), at_step=step())
            st.rerun()
    notice = pop_notice()
    if notice is None:
        return
    kind, text = notice
    if kind == "warning":
        st.warning(text, icon=":material/warning:")
    else:
        st.toast(text, icon=":material/cloud_done:")


def _about_fields(case: Case) -> None:
    st.subheader(_ABOUT_TITLE)
    st.caption(
        "Who assesses which programme, and as of when. The title and organisation appear on "
        "the cover of the DPIA and in the archive."
    )
    errors = field_errors()
    questionnaire = questionnaire_for(case.questionnaire)
    st.markdown(f"**Questionnaire:** {questionnaire.title} (version {questionnaire.version})")
    fields = (
        ("title", "Title of the assessment", "e.g. Keystroke telemetry for the support agent"),
        ("organisation", "Organisation (the controller)", "The legal entity responsible"),
        ("assessor", "Assessor", "The person filling in this assessment"),
    )
    meta = case.meta
    for name, label, placeholder in fields:
        typed = st.text_input(
            f"{label} :red[*]",
            value=meta.get(name) or "",
            max_chars=300,
            placeholder=placeholder,
            key=field_key(f"meta-{name}"),
        )
        if typed != (meta.get(name) or ""):
            meta[name] = typed
            errors.pop(f"assessment.{name}", None)
        _field_error(errors, f"assessment.{name}")
    chosen = st.date_input(
        "Date of the assessment :red[*]",
        value=meta.get("date"),
        format="YYYY-MM-DD",
        key=field_key("meta-date"),
    )
    if chosen != meta.get("date"):
        meta["date"] = chosen
        errors.pop("assessment.date", None)
    _field_error(errors, "assessment.date")


def _section_fields(section: Section, case: Case, questionnaire: Questionnaire) -> None:
    st.subheader(section.title)
    st.caption(
        f"EDPB template section {section.edpb_section}: {EDPB_SECTIONS[section.edpb_section]}"
    )
    if section.intro:
        st.markdown(section.intro)
    answers = case.answers
    errors = field_errors()
    shown = questionnaire.visibility(answers)
    scope = questionnaire.scope(answers)
    for question in section.questions:
        if not shown[question.id]:
            continue
        offered = (
            questionnaire.visible_options(question, scope) if hasattr(question, "options") else None
        )
        value = answers.get(question.id)
        with st.container(key=field_key(f"field-{question.id}")):
            answer = WIDGETS[question.type](
                question,
                value,
                key=field_key(question.id),
                offered=offered,
                compact=False,
            )
            if not question.is_answered(answer):
                answer = None
            if answer != value:
                if answer is None:
                    answers.pop(question.id, None)
                else:
                    answers[question.id] = answer
                errors.pop(question.id, None)
                shown = questionnaire.visibility(answers)
                scope = questionnaire.scope(answers)
            _field_error(errors, question.id)


def _field_error(errors: dict[str, str], name: str) -> None:
    if name in errors:
        st.error(errors[name], icon=":material/error:")


def _step_errors(current: str, case: Case, questionnaire: Questionnaire) -> dict[str, str]:
    """Every problem on this step: the question types' rules first, then the validator's."""
    errors: dict[str, str] = {}
    if current == ABOUT_STEP:
        names = [f"assessment.{n}" for n in ("title", "organisation", "assessor", "date")]
        for name in names:
            value = case.meta.get(name.split(".")[1])
            if value is None or (isinstance(value, str) and not value.strip()):
                errors[name] = "This field is required."
    else:
        section = next(s for s in questionnaire.sections if s.id == current)
        shown = questionnaire.visibility(case.answers)
        names = [q.id for q in section.questions if shown[q.id]]
        for question in section.questions:
            if not shown[question.id]:
                continue
            value = case.answers.get(question.id)
            if not question.is_answered(value):
                if question.required:
                    errors[question.id] = _REQUIRED
                continue
            try:
                question.accept(value)
            except AnswerRejected as exc:
                errors[question.id] = _rejection_text(question, exc)
    try:
        case.check(questionnaire)
    except AnswersError as exc:
        for name, message in field_problems(exc).items():
            if name in names:
                errors.setdefault(name, message)
    return errors


def _rejection_text(question: Any, exc: AnswerRejected) -> str:
    """The question type's words, with table columns named by their labels, not their ids."""
    text = str(exc)
    for column in getattr(question, "columns", ()):
        label = f"“{column.label}”"
        text = text.replace(f"column {column.id!r} is required", f"{label} needs an answer")
        text = text.replace(f"column {column.id!r}", label)
    if text.startswith("row "):
        return f"R{text[1:]}."
    return f"This answer {text}." if text[:1].islower() else text


def _save(case: Case, questionnaire: Questionnaire, user: AppUser) -> bool:
    """Autosave; on failure, say why next to the fields or at the top, and stay."""
    try:
        save_draft(case, questionnaire, actor=user.actor)
    except StaleDraftError as exc:
        remember(
            "stale_draft",
            f"Not saved: this draft was changed by someone else since you opened it. {exc}.",
        )
        return False
    except AnswersError as exc:
        problems = field_problems(exc)
        field_errors().update(problems)
        push_notice(
            "warning",
            "The draft was not saved because some answers do not fit their questions; "
            "they are marked below.",
        )
        return False
    forget("stale_draft")
    push_notice("saved", "Draft saved")
    return True


def _navigation(
    case: Case, questionnaire: Questionnaire, user: AppUser, ids: list[str], position: int
) -> None:
    st.divider()
    back, status, forward = st.columns([1, 2, 1], vertical_alignment="center")
    last = position == len(ids) - 1
    if case.revision:
        status.caption(
            f"Draft saved in the archive as {case.assessment_id} (revision {case.revision})"
        )
    else:
        status.caption("Not saved yet: the draft is saved when you go to the next step.")
    go_back = back.button(
        "Back",
        icon=":material/arrow_back:",
        key="nav-back",
        disabled=position == 0,
        width="stretch",
    )
    go_next = forward.button(
        "See the risks" if last else "Next",
        icon=":material/insights:" if last else ":material/arrow_forward:",
        type="primary",
        key="nav-next",
        width="stretch",
    )
    if go_back:
        _save(case, questionnaire, user)
        set_step(ids[position - 1])
        st.rerun()
    if go_next:
        problems = _step_errors(ids[position], case, questionnaire)
        if problems:
            field_errors().update(problems)
            count = len(problems)
            push_notice(
                "warning",
                f"{count} answer{'s' if count > 1 else ''} on this step need"
                f"{'' if count > 1 else 's'} attention before you go on; see the messages below.",
            )
            st.rerun()
        if not _save(case, questionnaire, user):
            st.rerun()
        if last:
            st.switch_page(PAGES["risks"])
        set_step(ids[position + 1])
        st.rerun()


def _read_only(case: Case, questionnaire: Questionnaire) -> None:
    """Legal viewers read the answers as the document will show them; they cannot edit."""
    st.info(
        "You have read-only access: the answers are shown as they were saved.",
        icon=":material/visibility:",
    )
    shown = questionnaire.visibility(case.answers)
    for section in questionnaire.sections:
        visible = [q for q in section.questions if shown[q.id]]
        if not visible:
            continue
        with st.expander(section.title, expanded=True):
            for question in visible:
                st.markdown(f"**{question.label}**")
                st.text(question.display(case.answers.get(question.id)))
