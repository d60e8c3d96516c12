"""The words a reader sees for every coded value in the report: levels, statuses, decisions.

The risk engine and the sign-off record store short codes (`do_not_proceed`, `not_applicable`);
the document must never print one. Every code the document can meet has its wording here.
"""

from __future__ import annotations

import datetime as dt

from .._signoff import SIGNATORY_ROLE_NAMES

__all__ = [
    "ADVICE",
    "CNIL_HEADLINE",
    "DECISION",
    "DOCUMENT_STATUS",
    "DPIA_REQUIRED",
    "HEADLINE",
    "KIND",
    "LEVEL",
    "MEASURE_STATUS",
    "OBLIGATION_STATUS",
    "ROLE",
    "VERDICT",
    "long_date",
    "money",
    "short_date",
]

LEVEL = {"low": "Low", "medium": "Medium", "high": "High"}
HEADLINE = {
    "chilling_effect": "Chilling effect",
    "consent_gap": "Consent gap",
    "legal_exposure": "Legal exposure",
}
CNIL_HEADLINE = {
    "illegitimate_access": "Illegitimate access",
    "unwanted_modification": "Unwanted modification",
    "disappearance": "Disappearance",
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
    "refer_to_supervisory_authority": "Refer to the supervisory authority",
}
ROLE = SIGNATORY_ROLE_NAMES
DOCUMENT_STATUS = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved",
    "rejected": "Rejected",
    "superseded": "Superseded",
}


_MONTHS = [
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
]


def long_date(day: dt.date) -> str:
    """`2026-05-04` → `4 May 2026`: unambiguous on both sides of the Atlantic, and the same
    whatever the machine's locale, so a re-render gives the same bytes."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """`2026-09-30` → `30 Sep 2026`, for narrow table columns."""
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def money(amount: float, currency: str) -> str:
    whole = round(amount)
    return f"{currency} {whole:,}" if abs(amount - whole) < 0.005 else f"{currency} {amount:,.2f}"
