"""The words a reader sees for every coded value: levels, statuses, advice, decisions, roles.

The risk engine, the sign-off record and the archive store short codes (`do_not_proceed`,
`in_review`, `decision_maker`); no reader should ever meet one. The document, the app and the
command line all take their words from here, so the DPO's advice reads the same on the review
page, in the Word document and in a terminal, and changing a word changes it everywhere.

Dates and amounts are written here too, without the machine's locale, so that the same inputs
give the same bytes on every machine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

__all__ = [
    "ADVICE",
    "APP_ROLE",
    "AUDIT_ACTION",
    "CONDITION_STATE",
    "DECISION",
    "DPIA_REQUIRED",
    "HEADLINE",
    "HEADLINE_MEANING",
    "KIND",
    "LEVEL",
    "MEASURE_STATUS",
    "OBLIGATION_STATUS",
    "RESIDUAL_VIEW",
    "RESIDUAL_VIEW_MEANING",
    "SIGNATORY_ROLE",
    "SIGNATURE_VERDICT",
    "SIGNATURE_VERDICT_MEANING",
    "SIGNING_REASON",
    "SIGNOFF_PART",
    "UNVERSIONED",
    "VERDICT",
    "VERSION_STATUS",
    "long_date",
    "moment",
    "money",
    "role_in_sentence",
    "short_date",
    "words",
]

LEVEL = {"low": "Low", "medium": "Medium", "high": "High"}
HEADLINE = {
    "chilling_effect": "Chilling effect",
    "consent_gap": "Consent gap",
    "legal_exposure": "Legal exposure",
    "illegitimate_access": "Illegitimate access",
    "unwanted_modification": "Unwanted modification",
    "disappearance": "Disappearance",
}
"""Headline ratings by the key the risk report gives them; a report carries the ones its method
rates (the CNIL PIA method's three feared events are its headline)."""
HEADLINE_MEANING = {
    "chilling_effect": "People hold back because they feel watched.",
    "consent_gap": "The legal basis may not hold for the people monitored.",
    "legal_exposure": "Duties not met in the jurisdictions involved.",
    "illegitimate_access": "Someone who should not sees or copies the data.",
    "unwanted_modification": "The data are changed without authority.",
    "disappearance": "The data are lost or made unavailable.",
}
DPIA_REQUIRED = {
    "required": "Required",
    "likely": "Likely required",
    "not_required": "Not required",
    "not_screened": "Not screened",
}
KIND = {"design": "Built into the design", "event": "Could occur (incident)"}
MEASURE_STATUS = {
    "implemented": "In place",
    "planned": "Planned",
    "recommended": "Recommended",
    "not_applicable": "Not applicable",
}
RESIDUAL_VIEW = {
    "inherent": "Before measures",
    "now": "Now",
    "at_start": "When processing starts",
    "plan": "After the plan",
    "if_all": "If all recommendations",
}
RESIDUAL_VIEW_MEANING = {
    "inherent": "The processing as designed, before any measure.",
    "now": "Counting the measures in place only.",
    "at_start": "Counting the measures in place and those planned before processing starts; "
    "prior consultation is decided on this view.",
    "plan": "Counting the measures in place and every planned one, whatever its due date.",
    "if_all": "As if every recommended measure were adopted as well.",
}
"""The views of a risk the report rates: now, when processing starts, after the plan, and if
all recommendations were adopted; the app and the document use these words."""
OBLIGATION_STATUS = {"met": "Met", "gap": "Gap", "duty": "Duty to fulfil"}
VERDICT = {
    "prohibited": "Prohibited practice: cannot be made lawful by any measure",
    "do_not_proceed": "Do not proceed: the design must change",
}
ADVICE = {
    "approve": "Proceed",
    "approve_with_conditions": "Proceed with conditions",
    "do_not_proceed": "Do not proceed",
}
DECISION = {
    "approve": "Approve",
    "conditionally_approve": "Approve with conditions",
    "reject": "Reject",
    "refer_to_supervisory_authority": "Refer to the supervisory authority (GDPR Art. 36)",
}
SIGNOFF_PART = {"dpo_advice": "The DPO's advice", "decision": "The decision"}
CONDITION_STATE = {"open": "Open", "overdue": "Overdue", "met": "Met"}
"""Where a condition of an approval stands: open until met, overdue once its due date passed."""
SIGNATORY_ROLE = {
    "assessor": "Assessor",
    "dpo": "Data protection officer",
    "decision_maker": "Decision-maker",
    "workers_representative": "Workers' representative",
}
SIGNING_REASON = {
    "assessor": "Prepared this assessment",
    "dpo": "Gave the DPO's advice recorded in this assessment",
    "decision_maker": "Took the decision recorded in this assessment",
    "workers_representative": "Gave the workers' representatives' opinion recorded here",
}
"""The reason a PDF signature gives by default, which PDF readers show beside it."""
_ROLE_IN_SENTENCE = {
    "assessor": "assessor",
    "dpo": "DPO",
    "decision_maker": "decision-maker",
    "workers_representative": "workers' representative",
}
APP_ROLE = {
    "author": "Author",
    "dpo": "Data protection officer",
    "decision_maker": "Decision-maker",
    "legal_viewer": "Legal (read only)",
}
VERSION_STATUS = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved",
    "rejected": "Rejected",
    "superseded": "Superseded",
}
SIGNATURE_VERDICT = {
    "valid": "Valid",
    "intact": "Intact",
    "invalid": "Invalid",
    "unreadable": "Unreadable",
}
SIGNATURE_VERDICT_MEANING = {
    "valid": "intact, and the signer's certificate is trusted",
    "intact": "the bytes are exactly those signed, but nothing proves who signed",
    "invalid": "does not hold for these bytes",
    "unreadable": "cannot be read as a signature dpia can check",
}
AUDIT_ACTION = {
    "assessment.created": "Assessment created",
    "draft.saved": "Draft saved",
    "version.added": "Version archived",
    "status.changed": "Status changed",
    "version.exported": "Version exported",
    "version.frozen": "Signed version frozen",
    "signoff.withdrawn": "Advice or decision withdrawn",
    "archive.upgraded": "Archive upgraded",
}
"""Audit log rows in words; the stored codes stay as they are, for auditors who filter on them."""
UNVERSIONED = "Draft, not yet versioned"
"""An assessment being edited that has no archived version yet."""


def words(vocabulary: Mapping[str, str], code: object) -> str:
    """The words for `code`; a code without words is shown as itself rather than crash a page
    (a record archived by a later dpia may carry a code this one does not know)."""
    text = str(getattr(code, "value", code))
    return vocabulary.get(text, text)


def role_in_sentence(role: str) -> str:
    """`decision_maker` → `decision-maker`, `dpo` → `DPO`: a role inside a sentence."""
    return _ROLE_IN_SENTENCE.get(role, role)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: dt.date) -> str:
    """`2026-05-04` → `4 May 2026`: unambiguous on both sides of the Atlantic, and the same
    whatever the machine's locale, so a re-render gives the same bytes."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def moment(at: dt.datetime) -> str:
    """An archive time, `2026-05-04 14:03:27.118` → `4 May 2026 at 14:03 UTC`: a reader wants the
    day and the minute, and archive times are UTC (a time without a zone is taken as UTC)."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC)
    return f"{long_date(at.date())} at {at:%H:%M} UTC"


def short_date(day: dt.date) -> str:
    """`2026-09-30` → `30 Sep 2026`, for narrow table columns."""
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def money(amount: float, currency: str) -> str:
    whole = round(amount)
    return f"{currency} {whole:,}" if abs(amount - whole) < 0.005 else f"{currency} {amount:,.2f}"
