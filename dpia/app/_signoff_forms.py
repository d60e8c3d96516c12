"""The sign-off record, edited by the people it speaks for.

The DPO writes the advice (GDPR Art. 35(2)), the decision-maker the decision, and an author
records the assessor, the views of the workers or their representatives (Art. 35(9)) and who
will sign. Each part is checked by the sign-off model itself (an overruled DPO needs reasons, a
decision cannot predate the advice), and saved into the draft with the person who saved it.
Who may edit which part, and which signatory may leave the list, is the workflow's rule: the
signatory of advice or a decision on record stays until that advice or decision is withdrawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st
from pydantic import BaseModel, ValidationError

from .._errors import WorkflowError
from .._signoff import (
    SIGNATORY_ROLES,
    Decision,
    DpoAdvice,
    Person,
    Signatory,
    SignOff,
    WorkersRepresentativesOpinion,
)
from .._vocabulary import ADVICE, DECISION, SIGNATORY_ROLE, fingerprint, long_date
from ..workflow import bound_part, may, remove_signatory
from ._case import Case
from ._session import field_key
from ._signing_room import certificate_identity
from ._signoff_messages import signoff_messages
from ._users import AppUser

__all__ = [
    "advice_form",
    "decision_form",
    "people_form",
    "signatories_form",
]


def _record(case: Case) -> dict[str, Any]:
    """The saved record, or a first one naming the assessor; only saved once it validates."""
    if case.signoff is not None:
        return dict(case.signoff)
    return {"assessor": {"name": case.meta.get("assessor") or "", "email": ""}}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _store(case: Case, part: str, check: Callable[[], Any], save: Callable[[], None]) -> bool:
    """Check one part, then the whole record, then save the draft; say what is wrong if not."""
    try:
        checked = check()
    except ValidationError as exc:
        _show(signoff_messages(exc, storing=part, within=part))
        return False
    candidate = {**_record(case), part: checked}
    try:
        SignOff.model_validate(candidate)
    except ValidationError as exc:
        _show(signoff_messages(exc, storing=part))
        return False
    case.signoff = candidate
    save()
    return True


def _show(messages: list[str]) -> None:
    for message in messages:
        st.error(message, icon=":material/error:")


def _checked(model: type[BaseModel], value: dict[str, Any]) -> Callable[[], Any]:
    return lambda: model.model_validate(value).model_dump()


def _facts(lines: list[tuple[str, Any]], *, empty: str) -> None:
    """A part of the record as text, for someone who may read it but not change it: no field
    that looks as if it could be typed into."""
    given = [(label, value) for label, value in lines if value not in (None, "", [], ())]
    if not given:
        st.caption(empty)
        return
    text = []
    for label, value in given:
        if isinstance(value, dt.date):
            value = long_date(value)
        if isinstance(value, list | tuple):
            text.append(f"**{label}:**\n" + "\n".join(f"- {item}" for item in value))
        else:
            text.append(f"**{label}:** {value}")
    st.markdown("  \n".join(text))


def people_form(case: Case, user: AppUser, save: Callable) -> None:
    """The assessor and the views of the people monitored (or their representatives)."""
    record = _record(case)
    assessor = record.get("assessor") or {}
    opinion = record.get("workers_representatives") or {}
    if not may(user.roles, "edit_answers"):
        _facts(
            [("Assessor", assessor.get("name")), ("Assessor's email", assessor.get("email"))],
            empty="No assessor recorded yet.",
        )
        st.markdown("**Views of the workers or their representatives (GDPR Art. 35(9))**")
        _facts(
            [
                ("Who gave the opinion", opinion.get("body")),
                ("Their opinion", opinion.get("opinion")),
                ("Given on", opinion.get("date")),
                ("How it was taken into account", opinion.get("response")),
            ],
            empty="No opinion recorded.",
        )
        return
    left, right = st.columns(2)
    name = left.text_input(
        "Assessor", value=assessor.get("name", ""), max_chars=300, key=field_key("so-assessor")
    )
    email = right.text_input(
        "Assessor's email",
        value=assessor.get("email", ""),
        max_chars=320,
        key=field_key("so-assessor-email"),
    )
    with st.expander("Views of the workers or their representatives (GDPR Art. 35(9))"):
        body = st.text_input(
            "Who gave the opinion",
            value=opinion.get("body", ""),
            placeholder="e.g. the works council of the Leipzig site",
            key=field_key("so-workers-body"),
        )
        said = st.text_area(
            "Their opinion", value=opinion.get("opinion", ""), key=field_key("so-workers-opinion")
        )
        given = st.date_input(
            "Given on",
            value=opinion.get("date"),
            format="YYYY-MM-DD",
            key=field_key("so-workers-date"),
        )
        response = st.text_area(
            "How it was taken into account",
            value=opinion.get("response", ""),
            key=field_key("so-workers-response"),
        )
    if st.button("Save assessor and views", key="so-people-save"):
        _store(case, "assessor", _checked(Person, {"name": name, "email": email}), save)
        if body or said:
            value = {"body": body, "opinion": said, "date": given, "response": response}
            _store(
                case,
                "workers_representatives",
                _checked(WorkersRepresentativesOpinion, value),
                save,
            )


def advice_form(case: Case, user: AppUser, save: Callable, withdraw: Callable) -> None:
    advice = _record(case).get("dpo_advice") or {}
    allowed = may(user.roles, "record_advice")
    if not allowed:
        st.caption("Only the data protection officer records the advice.")
        _facts(
            [
                ("DPO", advice.get("name")),
                ("Advice", ADVICE.get(advice.get("advice") or "")),
                ("Summary of the advice", advice.get("summary")),
                ("Conditions", list(advice.get("conditions") or ())),
                ("Date of the advice", advice.get("date")),
            ],
            empty="No advice recorded yet.",
        )
        return
    name = st.text_input(
        "DPO",
        value=advice.get("name") or _signs_as(case, "dpo", user),
        key=field_key("so-dpo-name"),
    )
    options = list(ADVICE)
    chosen = st.radio(
        "Advice",
        options,
        index=options.index(advice["advice"]) if advice.get("advice") in options else None,
        format_func=ADVICE.__getitem__,
        horizontal=True,
        key=field_key("so-dpo-advice"),
    )
    summary = st.text_area(
        "Summary of the advice",
        value=advice.get("summary", ""),
        key=field_key("so-dpo-summary"),
    )
    conditions = st.text_area(
        "Conditions (one per line)",
        value="\n".join(advice.get("conditions", ())),
        key=field_key("so-dpo-conditions"),
    )
    given = st.date_input(
        "Date of the advice",
        value=advice.get("date") or dt.date.today(),
        format="YYYY-MM-DD",
        key=field_key("so-dpo-date"),
    )
    record, take_back = st.columns([1, 1])
    if record.button("Record the advice", type="primary", key="so-dpo-save"):
        value = {
            "name": name,
            "advice": chosen,
            "summary": summary,
            "conditions": _lines(conditions),
            "date": given,
        }
        _store(case, "dpo_advice", _checked(DpoAdvice, value), save)
    if (
        advice
        and may(user.roles, "withdraw_advice")
        and take_back.button("Withdraw the advice", key="so-dpo-withdraw")
    ):
        withdraw("dpo_advice")


def decision_form(
    case: Case, user: AppUser, save: Callable, withdraw: Callable, choices: tuple[str, ...]
) -> None:
    decision = _record(case).get("decision") or {}
    allowed = may(user.roles, "record_decision")
    if not allowed:
        st.caption("Only the decision-maker records the decision.")
        followed = decision.get("dpo_advice_followed")
        _facts(
            [
                ("Decision-maker", decision.get("name")),
                ("Position", decision.get("position")),
                ("Decision", DECISION.get(decision.get("decision") or "")),
                ("Conditions", list(decision.get("conditions") or ())),
                (
                    "Follows the DPO's advice",
                    None if followed is None else "Yes" if followed else "No",
                ),
                ("Reasons for not following the advice", decision.get("reasons_for_overruling")),
                ("Date of the decision", decision.get("date")),
            ],
            empty="No decision recorded yet.",
        )
        return
    left, right = st.columns(2)
    name = left.text_input(
        "Decision-maker",
        value=decision.get("name") or _signs_as(case, "decision_maker", user),
        key=field_key("so-dm-name"),
    )
    position = right.text_input(
        "Position",
        value=decision.get("position", ""),
        key=field_key("so-dm-position"),
    )
    options = list(choices)
    chosen = st.radio(
        "Decision",
        options,
        index=options.index(decision["decision"]) if decision.get("decision") in options else None,
        format_func=DECISION.__getitem__,
        key=field_key("so-dm-decision"),
    )
    conditions = st.text_area(
        "Conditions (one per line)",
        value="\n".join(decision.get("conditions", ())),
        key=field_key("so-dm-conditions"),
    )
    followed = st.radio(
        "Does the decision follow the DPO's advice?",
        (True, False),
        index=0 if decision.get("dpo_advice_followed", True) else 1,
        format_func=lambda v: "Yes" if v else "No",
        horizontal=True,
        key=field_key("so-dm-followed"),
    )
    reasons = ""
    if not followed:
        reasons = st.text_area(
            "Reasons for not following the advice",
            value=decision.get("reasons_for_overruling", ""),
            key=field_key("so-dm-reasons"),
        )
    given = st.date_input(
        "Date of the decision",
        value=decision.get("date") or dt.date.today(),
        format="YYYY-MM-DD",
        key=field_key("so-dm-date"),
    )
    record, take_back = st.columns([1, 1])
    if (
        decision
        and may(user.roles, "withdraw_decision")
        and take_back.button("Withdraw the decision", key="so-dm-withdraw")
    ):
        withdraw("decision")
    if record.button("Record the decision", type="primary", key="so-dm-save"):
        value = {
            "name": name,
            "position": position,
            "decision": chosen,
            "conditions": _lines(conditions),
            "date": given,
            "dpo_advice_followed": followed,
            "reasons_for_overruling": reasons,
        }
        _store(case, "decision", _checked(Decision, value), save)


def signatories_form(case: Case, user: AppUser, save: Callable) -> None:
    """Who signs, each tied to their certificate by its fingerprint."""
    record = _record(case)
    listed: list[dict[str, Any]] = list(record.get("signatories") or [])
    editable = may(user.roles, "edit_answers")
    checked = _checked_record(record)
    for index, signatory in enumerate(listed):
        text, remove = st.columns([5, 1], vertical_alignment="center")
        role = SIGNATORY_ROLE[signatory["role"]]
        bound = checked is not None and bound_part(checked, Signatory.model_validate(signatory))
        text.markdown(
            f"**{signatory['name']}** ({role}), {signatory['email']}  \n"
            f"Certificate SHA-256 {fingerprint(signatory['certificate_sha256'])}"
            + (f"  \n*Signs for the {_BOUND[bound]} on record*" if bound else "")
        )
        if editable and remove.button(
            "Remove",
            key=f"so-sig-remove-{index}",
            disabled=bool(bound),
            help=f"Stays while the {_BOUND[bound]} is on record: withdraw it first."
            if bound
            else None,
        ):
            _remove(case, checked, signatory["certificate_sha256"], save)
    if not listed:
        st.caption(
            "No signatory yet. Add each person from their certificate (cert.pem)."
            if editable
            else "No signatory listed."
        )
    if not editable:
        return
    upload = st.file_uploader(
        "Add a signatory from their certificate",
        type=["pem", "crt", "cer", "der"],
        key="so-sig-cert",
        max_upload_size=1,
    )
    if upload is None:
        return
    identity = certificate_identity(upload.getvalue())
    if any(s["certificate_sha256"] == identity.fingerprint for s in listed):
        st.caption(
            f"{identity.name} is on the list above. Upload another certificate to add someone else."
        )
        return
    st.markdown(
        f"Certificate of **{identity.name}**, fingerprint {fingerprint(identity.fingerprint)}"
    )
    left, right = st.columns(2)
    own = identity.fingerprint.replace(":", "")[:16]
    email = left.text_input("Email", value=identity.email or "", key=f"so-sig-email-{own}")
    roles = list(SIGNATORY_ROLES)
    role = right.selectbox(
        "Signs as",
        roles,
        index=roles.index(identity.role) if identity.role in roles else 0,
        format_func=SIGNATORY_ROLE.__getitem__,
        key=f"so-sig-role-{own}",
    )
    if st.button("Add as signatory", key="so-sig-add"):
        added = {
            "name": identity.name,
            "email": email,
            "role": role,
            "certificate_sha256": identity.fingerprint,
        }
        if _store(case, "signatories", _signatories([*listed, added]), save):
            st.rerun()  # the list above was drawn before this signatory was added


def _signs_as(case: Case, role: str, user: AppUser) -> str:
    """The name to offer for advice or a decision: the one signatory listed in that role (the
    name the signature will be held to), else the person at the screen."""
    listed = [s["name"] for s in _record(case).get("signatories") or [] if s["role"] == role]
    if len(listed) == 1:
        return listed[0]
    return user.name


def _signatories(entries: list[dict[str, Any]]) -> Callable[[], Any]:
    return lambda: [Signatory.model_validate(e).model_dump() for e in entries]


_BOUND = {"dpo_advice": "DPO's advice", "decision": "decision"}


def _checked_record(record: dict[str, Any]) -> SignOff | None:
    try:
        return SignOff.model_validate(record)
    except ValidationError:
        return None


def _remove(case: Case, record: SignOff | None, certificate_sha256: str, save: Callable) -> None:
    """Take a signatory off the list, unless the workflow keeps them there (say why)."""
    if record is None:
        st.error("Save the assessor first: the record is not complete.", icon=":material/error:")
        return
    try:
        kept = remove_signatory(record, certificate_sha256)
    except WorkflowError as exc:
        text = str(exc)
        st.error(f"Not removed: {text[:1].upper()}{text[1:]}.", icon=":material/error:")
        return
    entries = [s.model_dump() for s in kept.signatories]
    if _store(case, "signatories", _signatories(entries), save):
        st.rerun()
