"""The wizard: one step per questionnaire section, every answer saved as it is given.

Steps are the sections shown for the current answers, after a first step about the assessment
itself; sections that an open question may still add are listed as such, so the step count
does not grow under the user's feet. A step is not a form: a follow-up question must appear
the moment the answer that calls for it is given. Each answer goes into the open case as soon
as its widget returns it and the draft is saved at once; an answer that does not validate yet
is kept in the draft with its message under the field, never dropped. Next checks the step
with the question types' own rules and the answers validator before moving on.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from .._calendar import EARLIEST_DATE, LATEST_DATE
from .._errors import AnswersError, StaleDraftError
from .._library import questionnaire_for
from .._vocabulary import ASSESSMENT_FIELD, in_questionnaire_words
from ..questionnaire import EDPB_SECTIONS, AnswerRejected, Questionnaire, Section
from ._archive_link import load_case, save_draft
from ._case import Case, field_problems
from ._frame import PAGES, open_assessment_or_stop
from ._leaving import warn_before_leaving
from ._messages import sentence, stale_draft_text
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
    sync_url,
)
from ._users import AppUser, current_user
from ._widgets import WIDGETS

__all__ = ["ABOUT_STEP", "show_wizard", "step_list", "visible_steps"]

ABOUT_STEP = "about"
_ABOUT_TITLE = "About this assessment"
_REQUIRED = "This question needs an answer before you go on."
_REQUIRED_DETAIL = "This field is required."


def visible_steps(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(step id, title) for the about step and each section with a question shown."""
    outlook = questionnaire.outlook(answers)
    steps = [(ABOUT_STEP, _ABOUT_TITLE)]
    steps += [(s.id, s.title) for s in questionnaire.sections if outlook[s.id] == "shown"]
    return steps


def step_list(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(step id, title, may be added) for every step the answers given so far leave possible.

    Sections the answers rule out are left out; those an open question may still add are in
    the list, flagged, so that answering never makes the total grow.
    """
    outlook = questionnaire.outlook(answers)
    steps = [(ABOUT_STEP, _ABOUT_TITLE, False)]
    steps += [
        (s.id, s.title, outlook[s.id] == "may_add")
        for s in questionnaire.sections
        if outlook[s.id] != "not_needed"
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
    saved = _autosave(case, questionnaire, user)
    steps = step_list(questionnaire, case.answers)
    ids = [step_id for step_id, _, may_add in steps if not may_add]
    position = [step_id for step_id, _, _ in steps].index(current)
    may_add = sum(1 for _, _, flagged in steps if flagged)
    with progress.container():
        st.progress(
            (position + 1) / len(steps),
            text=f"Step {position + 1} of {len(steps)}: {steps[position][1]}",
        )
        _step_overview(steps, current, may_add)
    _navigation(case, questionnaire, ids, ids.index(current), saved)
    warn_before_leaving(unsaved=not saved)


def _step_overview(steps: list[tuple[str, str, bool]], current: str, may_add: int) -> None:
    """Every step in order, with those the answers may still add marked as such."""
    label = "All steps"
    if may_add:
        label += f" ({may_add} of them may be added by answers still to come)"
    with st.expander(label, icon=":material/format_list_numbered:"):
        lines = []
        for number, (step_id, title, flagged) in enumerate(steps, start=1):
            if step_id == current:
                lines.append(f"{number}. **{title}** (this step)")
            elif flagged:
                lines.append(f"{number}. {title} *(may add: asked if your answers call for it)*")
            else:
                lines.append(f"{number}. {title}")
        st.markdown("\n".join(lines))


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
        ("title", "e.g. Keystroke telemetry for the support agent"),
        ("organisation", "The legal entity responsible"),
        ("assessor", "The person filling in this assessment"),
    )
    meta = case.meta
    for name, placeholder in fields:
        typed = st.text_input(
            ASSESSMENT_FIELD[name],
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
        ASSESSMENT_FIELD["date"],
        value=meta.get("date"),
        min_value=EARLIEST_DATE,
        max_value=LATEST_DATE,
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
    scope = questionnaire.scope(answers, shown)
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
                scope = questionnaire.scope(answers, shown)
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
                errors[name] = _REQUIRED_DETAIL
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
                errors[question.id] = _field_text(questionnaire, question.id, str(exc))
    try:
        case.check(questionnaire)
    except AnswersError as exc:
        for name, message in field_problems(exc).items():
            if name in names:
                errors.setdefault(name, _field_text(questionnaire, name, message))
    return errors


def _field_text(questionnaire: Questionnaire, name: str, text: str) -> str:
    """A message shown under a field, as a sentence naming questions, table columns and options
    as the page shows them, never by the ids an answers file uses."""
    text = in_questionnaire_words(text, questionnaire, about=name)
    if text.startswith("row "):
        return sentence(f"R{text[1:]}")
    return sentence(f"This answer {text}" if text.startswith("is ") else text)


def _autosave(case: Case, questionnaire: Questionnaire, user: AppUser) -> bool:
    """Save the draft if anything changed; True when nothing typed is left unsaved.

    Messages of answers held in the draft go under their fields; when they differ from the
    ones just drawn, the page is drawn again so that each field shows its own.
    """
    errors = field_errors()
    try:
        held = save_draft(case, questionnaire, actor=user.actor)
    except StaleDraftError as exc:
        refused = stale_draft_text(exc, user.actor)
        if recall("stale_draft") != refused:
            remember("stale_draft", refused)
            st.rerun()  # the message goes above the fields, which are drawn already
        return False
    except AnswersError:
        return False  # a new assessment: nothing can be saved before its title and owner
    forget("stale_draft")
    sync_url()
    held = {name: _held_text(questionnaire, case, name, text) for name, text in held.items()}
    if any(errors.get(name) != message for name, message in held.items()):
        errors.update(held)
        st.rerun()
    return True


def _held_text(questionnaire: Questionnaire, case: Case, name: str, text: str) -> str:
    """A held answer's message: the question type's own, which names what is wrong in the
    answer itself before the validator's view across answers."""
    if name.startswith("assessment."):
        return _REQUIRED_DETAIL if not case.meta.get(name.split(".")[1]) else sentence(text)
    if name in case.answers and name in questionnaire.question_ids():
        try:
            questionnaire.question(name).accept(case.answers[name])
        except AnswerRejected as exc:
            text = str(exc)
    return _field_text(questionnaire, name, text)


def _navigation(
    case: Case, questionnaire: Questionnaire, ids: list[str], position: int, saved: bool
) -> None:
    st.divider()
    back, status, forward = st.columns([1, 2, 1], vertical_alignment="center")
    last = position == len(ids) - 1
    if saved and case.revision:
        status.caption(
            f"Every change is saved: {case.assessment_id}, draft revision {case.revision}."
        )
    elif saved and case.version is not None:
        status.caption(
            f"No change since {case.assessment_id} version {case.version}: "
            "the first change is saved as a draft."
        )
    elif case.assessment_id:
        status.caption("Changes are not saved: see the message above.")
    else:
        status.caption(
            "Not saved yet: the draft is saved as soon as the title, "
            "organisation and assessor are given."
        )
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
                f"{'' if count > 1 else 's'} attention before you go on; see the messages below. "
                "What you typed is kept in the draft.",
            )
            st.rerun()
        if not saved:
            st.rerun()
        if last:
            st.switch_page(PAGES["risks"])
        set_step(ids[position + 1])
        st.rerun()


def _read_only(case: Case, questionnaire: Questionnaire) -> None:
    """Those who may not edit read the answers as the document will show them."""
    if not case.as_record:
        st.info(
            "Your role does not change the answers: they are shown as last saved in the draft.",
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
