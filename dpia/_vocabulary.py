"""The words a reader sees for every coded value: levels, statuses, advice, decisions, roles.

The risk engine, the sign-off record and the archive store short codes (`do_not_proceed`,
`in_review`, `decision_maker`); no reader should ever meet one. The document, the app and the
command line all take their words from here, so the DPO's advice reads the same on the review
page, in the Word document and in a terminal, and changing a word changes it everywhere.

Dates and amounts are written here too, without the machine's locale, so that the same inputs
give the same bytes on every machine. A questionnaire brings codes of its own (question ids,
table column ids, option values), which the answers file and its messages use;
`in_questionnaire_words` turns them into the questions, columns and options as asked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .questionnaire import Questionnaire

__all__ = [
    "ADVICE",
    "APP_ROLE",
    "ASSESSMENT_FIELD",
    "AUDIT_ACTION",
    "CONDITION_STATE",
    "DECISION",
    "DPIA_REQUIRED",
    "HEADLINE",
    "HEADLINE_MEANING",
    "HIGHEST_MAXIMUM",
    "IF_NOT_FULFILLED",
    "KIND",
    "LEVEL",
    "MEASURE_STATUS",
    "NOT_AT_STAKE",
    "NO_FURTHER_CHANGE",
    "NO_MAXIMUM",
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
    "counted",
    "fingerprint",
    "in_questionnaire_words",
    "long_date",
    "moment",
    "money",
    "role_in_sentence",
    "short_date",
    "under_article",
    "words",
]

LEVEL = {"low": "Low", "medium": "Medium", "high": "High"}
ASSESSMENT_FIELD = {
    "id": "Assessment id",
    "title": "Title of the assessment",
    "organisation": "Organisation (the controller)",
    "assessor": "Assessor",
    "date": "Date of the assessment",
}
"""The details about the assessment itself, as the wizard's first step asks for them."""
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
    "legal_exposure": "Duties in the jurisdictions involved may not be met.",
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
HIGHEST_MAXIMUM = "Highest statutory maximum for what is not shown as met"
NOT_AT_STAKE = "Not at stake while the obligation is met."
IF_NOT_FULFILLED = "if the duty is not fulfilled"
"""A duty still to fulfil (an attestation due later) is not yet breached: its maximum is what a
breach would put at stake, never a figure at stake now."""
NO_MAXIMUM = "none, every obligation is shown as met"
"""A penalty is exposure only where its obligation is not met: the ceiling of a jurisdiction is
taken over the others, and a met obligation's row names no penalty, in the app as in the
document."""
VERDICT = {
    "prohibited": "Prohibited practice: cannot be made lawful by any measure",
    "do_not_proceed": "Do not proceed: what the finding names must change first",
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
NO_FURTHER_CHANGE = "Also counted, no further change"
"""A measure counted against a risk that changed neither axis (its kind already counted, or
the axis at its floor): named, never credited a step."""
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


def fingerprint(colon_hex: str) -> str:
    """A certificate fingerprint `AB:CD:…` in groups of eight bytes: the characters OpenSSL
    prints (`openssl x509 -fingerprint -sha256`), with spaces where a narrow screen may break
    the line."""
    pairs = colon_hex.split(":")
    return " ".join(":".join(pairs[i : i + 8]) for i in range(0, len(pairs), 8))


def counted(number: int, noun: str) -> str:
    """`1 question`, `217 questions`, `10,000 versions`: a count and its noun, in one style."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def under_article(article: str, text: str) -> str:
    """`GDPR Art. 35(2): text`, or the text alone where no citation holds for the programme
    (the GDPR's articles where the GDPR does not apply): never a colon with nothing before it."""
    return f"{article}: {text}" if article else text


def money(amount: float, currency: str) -> str:
    whole = round(amount)
    return f"{currency} {whole:,}" if abs(amount - whole) < 0.005 else f"{currency} {amount:,.2f}"


def in_questionnaire_words(
    text: str, questionnaire: Questionnaire, *, about: str | None = None
) -> str:
    """A message about answers with every code of the questionnaire in the words asked.

    The answers file's messages name a question by its id (sometimes adding its label in
    brackets: `headcount (How many people?)`), a table column by its id and an option by its
    value, which is what a person editing the file needs. Whoever reads the message on screen
    recognises the question, column and option as the questionnaire shows them. `about` is the
    question the message is about: its columns and options are the ones a quoted code or an
    "allowed:" list refers to. A word that merely looks like a code stays as it is.
    """
    questions = {q.id: q for _, q in questionnaire.questions()}
    labels = {question_id: q.label for question_id, q in questions.items()}
    asked = questions.get(about or "")
    columns = {c.id: c.label for c in getattr(asked, "columns", ())}
    options = {o.value: o.label for o in getattr(asked, "options", ())}
    for column in getattr(asked, "columns", ()):
        options.update({o.value: o.label for o in getattr(column, "options", ())})

    def named(words: Mapping[str, str]) -> Callable[[re.Match[str]], str]:
        return lambda m: f"“{words[m['code']]}”" if m["code"] in words else m[0]

    text = re.sub(r"\b(?P<id>\w+) \((?P<label>[^()]*(?:\([^()]*\)[^()]*)*)\)", _both(labels), text)
    for column_id, label in columns.items():
        text = text.replace(f"column {column_id!r} is required", f"“{label}” needs an answer")
        text = text.replace(f"column {column_id!r}", f"“{label}”")
    text = re.sub(
        r"\bunknown question id '(\w+)'", r"'\1' is not a question of this questionnaire", text
    )
    text = re.sub(
        r"did you mean (?P<code>\w+)\?",
        lambda m: f"did you mean {m[1]}: “{labels[m[1]]}”?" if m[1] in labels else m[0],
        text,
    )
    listed = {**columns, **options}
    text = re.sub(
        r"\b(?P<lead>allowed|columns): (?P<codes>\w+(?:, \w+)*)",
        lambda m: (
            f"{m['lead']}: "
            + ", ".join(f"“{listed[c]}”" if c in listed else c for c in m["codes"].split(", "))
        ),
        text,
    )
    text = re.sub(r"'(?P<code>\w+)'", named(options), text)
    text = re.sub(r"'(?P<code>\w+)'", named(labels), text)
    text = re.sub(r"\b(?P<code>[a-z0-9]+(?:_[a-z0-9]+)+)\b", named(labels), text)
    # "question “L” is not answered (L)": the label once is enough.
    return re.sub(
        r"“(?P<label>[^”]+)”(?P<between>[^“()]*) \((?P=label)\)", r"“\g<label>”\g<between>", text
    )


def _both(labels: Mapping[str, str]) -> Callable[[re.Match[str]], str]:
    """`id (label)` → `“label”`, only where the brackets hold that very question's label."""

    def replace(match: re.Match[str]) -> str:
        if labels.get(match.group("id")) == match.group("label"):
            return f"“{match.group('label')}”"
        return match.group(0)

    return replace
