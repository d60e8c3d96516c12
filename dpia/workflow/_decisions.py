"""Which decisions the law that applies leaves open to the decision-maker.

Referring a processing to the supervisory authority is the prior consultation of GDPR Art. 36:
where the GDPR does not apply there is no such authority to consult, so a record that says the
decision-maker referred it would state a step that cannot happen. The app offers, the answers
check accepts, and the document lists only the decisions open under the law that applies.
"""

from __future__ import annotations

from .._errors import WorkflowError
from .._vocabulary import DECISION

__all__ = ["decision_refusal", "decisions_open", "require_decision_open"]

_UNDER_THE_GDPR = frozenset({"refer_to_supervisory_authority"})
"""Decisions that exist only where the GDPR applies (prior consultation, Art. 36)."""


def decisions_open(gdpr_applies: bool) -> tuple[str, ...]:
    """The decision codes open to the decision-maker, in the vocabulary's order."""
    return tuple(code for code in DECISION if gdpr_applies or code not in _UNDER_THE_GDPR)


def decision_refusal(decision: str, gdpr_applies: bool) -> str | None:
    """Why `decision` cannot be recorded for this programme, or None when it can."""
    if decision in decisions_open(gdpr_applies):
        return None
    allowed = "; ".join(DECISION[code] for code in decisions_open(gdpr_applies))
    return (
        f"decision {decision!r} ({DECISION.get(decision, decision)}) is not open here: the GDPR "
        "does not apply to this programme, so there is no supervisory authority to consult "
        f"under its Art. 36. Choose one of: {allowed}"
    )


def require_decision_open(decision: str, gdpr_applies: bool) -> None:
    """Raise WorkflowError when `decision` is not open under the law that applies."""
    message = decision_refusal(decision, gdpr_applies)
    if message is not None:
        raise WorkflowError(message)
