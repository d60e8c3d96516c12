"""The sign-off record: who assessed, what the DPO advised, what was decided, and who signs.

GDPR Art. 35(2) makes the controller seek the DPO's advice, and supervisory authorities expect
that advice, the decision and the reasons for departing from the advice to be written down
(ICO step 7; section 6 of the EDPB 2026 template). Art. 35(9) adds the views of the people
concerned or their representatives. The record lives in the answers file under `signoff:` so
that a DPO can read and correct it in YAML, and the document renders it on its signature page.

Every rule that can be checked on the record itself is checked here, with a message that says
what to change: an overruled DPO gets reasons, a decision that is more permissive than the
advice cannot claim to follow it, and each signatory names the certificate they will sign with.
"""

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ._calendar import CalendarDate
from ._text import document_text_fault
from ._vocabulary import SIGNATORY_ROLE

__all__ = [
    "SIGNATORY_ROLES",
    "SIGNATORY_ROLE_NAMES",
    "Decision",
    "DpoAdvice",
    "Person",
    "SignOff",
    "Signatory",
    "SignatoryRole",
    "WorkersRepresentativesOpinion",
    "normalise_fingerprint",
]

SignatoryRole = Literal["assessor", "dpo", "decision_maker", "workers_representative"]
SIGNATORY_ROLES: tuple[str, ...] = ("assessor", "dpo", "decision_maker", "workers_representative")
SIGNATORY_ROLE_NAMES = SIGNATORY_ROLE

_HEX_FINGERPRINT = re.compile(r"^[0-9A-F]{64}$")
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _printable(value: str) -> str:
    """Refuse characters the signature page cannot carry unchanged (dpia._text)."""
    fault = document_text_fault(value)
    if fault:
        raise ValueError(fault)
    return value


def _printable_first(value: object) -> object:
    return _printable(value) if isinstance(value, str) else value


def normalise_fingerprint(value: str) -> str:
    """`ab:cd:…` or `abcd…` → `AB:CD:…`, the form `openssl x509 -fingerprint -sha256` prints.

    Accepting both spellings lets a DPO paste either OpenSSL's output or a bare hex digest.
    """
    compact = value.strip().upper()
    if compact.startswith("SHA256 FINGERPRINT="):
        compact = compact.split("=", 1)[1]
    compact = compact.replace(":", "").replace(" ", "")
    if not _HEX_FINGERPRINT.match(compact):
        raise ValueError(
            f"{value!r} is not a SHA-256 certificate fingerprint: expected 64 hexadecimal digits, "
            "with or without colons (openssl x509 -in cert.pem -noout -fingerprint -sha256)"
        )
    return ":".join(compact[i : i + 2] for i in range(0, 64, 2))


Text = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_printable)]
LongText = Annotated[str, Field(max_length=20_000), AfterValidator(_printable)]
Email = Annotated[str, Field(pattern=_EMAIL, max_length=320), BeforeValidator(_printable_first)]
"""The character check runs first, so a control character is named, not shown as a misfit."""
Fingerprint = Annotated[str, AfterValidator(normalise_fingerprint)]


class _Frozen(BaseModel):
    # Validator built on first use: a command validates few of these models, and one
    # held by another is validated within it, so building each at import is wasted.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Person(_Frozen):
    """Someone named in the record; the email ties them to their signing certificate."""

    name: Text
    email: Email


class DpoAdvice(_Frozen):
    """The DPO's advice on whether the processing may go ahead (GDPR Art. 35(2), 39(1)(c))."""

    name: Text
    advice: Literal["approve", "approve_with_conditions", "do_not_proceed"]
    summary: Annotated[LongText, Field(min_length=1)]
    conditions: tuple[Annotated[LongText, Field(min_length=1)], ...] = ()
    date: CalendarDate

    @model_validator(mode="after")
    def _conditions_match_advice(self) -> "DpoAdvice":
        if self.advice == "approve_with_conditions" and not self.conditions:
            raise ValueError(
                "advice 'approve_with_conditions' needs at least one entry in conditions"
            )
        return self


_NO_MORE_PERMISSIVE_THAN: dict[str, frozenset[str]] = {
    "approve": frozenset({"approve", "conditionally_approve", "reject"}),
    "approve_with_conditions": frozenset({"conditionally_approve", "reject"}),
    "do_not_proceed": frozenset({"reject"}),
}
"""Decisions that honour each advice; referring to the authority is handled separately."""


class Decision(_Frozen):
    """The decision-maker's conclusion, as in section 6 of the EDPB 2026 template."""

    name: Text
    position: Annotated[str, Field(max_length=300), AfterValidator(_printable)] = ""
    decision: Literal[
        "approve", "conditionally_approve", "reject", "refer_to_supervisory_authority"
    ]
    conditions: tuple[Annotated[LongText, Field(min_length=1)], ...] = ()
    date: CalendarDate
    dpo_advice_followed: bool
    reasons_for_overruling: LongText = ""

    @model_validator(mode="after")
    def _reasons_when_overruled(self) -> "Decision":
        if not self.dpo_advice_followed and not self.reasons_for_overruling.strip():
            raise ValueError(
                "the DPO's advice was not followed, so reasons_for_overruling must say why "
                "(the reasons are part of the record a supervisory authority may ask for)"
            )
        if self.dpo_advice_followed and self.reasons_for_overruling.strip():
            raise ValueError(
                "reasons_for_overruling belong only to a decision that does not follow the DPO's "
                "advice; set dpo_advice_followed: false or remove the reasons"
            )
        if self.decision == "conditionally_approve" and not self.conditions:
            raise ValueError("decision 'conditionally_approve' needs at least one condition")
        return self


class WorkersRepresentativesOpinion(_Frozen):
    """Views of the workers or their representatives (Art. 35(9)) and how they were weighed."""

    body: Text = Field(description="Who gave the opinion, e.g. the works council of a site.")
    opinion: Annotated[LongText, Field(min_length=1)]
    date: CalendarDate
    response: LongText = Field(
        "", description="How the opinion was taken into account, or why the decision departs."
    )


class Signatory(_Frozen):
    """A person expected to sign the final document, and the certificate they will use."""

    name: Text
    email: Email
    role: SignatoryRole
    certificate_sha256: Fingerprint


class SignOff(_Frozen):
    """The sign-off record; advice and decision stay empty until they are given."""

    assessor: Person
    dpo_advice: DpoAdvice | None = None
    decision: Decision | None = None
    workers_representatives: WorkersRepresentativesOpinion | None = None
    signatories: tuple[Signatory, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> "SignOff":
        decision, advice = self.decision, self.dpo_advice
        if decision is not None and advice is None:
            raise ValueError(
                "a decision is recorded but the DPO's advice is not: record dpo_advice first "
                "(GDPR Art. 35(2) requires seeking it before deciding)"
            )
        if decision is not None and advice is not None:
            if decision.date < advice.date:
                raise ValueError(
                    f"the decision ({decision.date}) is dated before the DPO's advice "
                    f"({advice.date}); the advice must come first"
                )
            honoured = _NO_MORE_PERMISSIVE_THAN[advice.advice] | {"refer_to_supervisory_authority"}
            if decision.dpo_advice_followed and decision.decision not in honoured:
                raise ValueError(
                    f"decision {decision.decision!r} is more permissive than the DPO's advice "
                    f"{advice.advice!r}, so it does not follow it: set dpo_advice_followed: false "
                    "and give reasons_for_overruling"
                )
        seen: dict[str, str] = {}
        for signatory in self.signatories:
            other = seen.get(signatory.certificate_sha256)
            if other is not None:
                raise ValueError(
                    f"signatories {other!r} and {signatory.name!r} give the same certificate "
                    "fingerprint; each person signs with their own certificate"
                )
            seen[signatory.certificate_sha256] = signatory.name
        return self
