"""What a DPO checks when reading a DPIA against its answers, as functions over the .docx.

Each check returns the offending passages (empty when the document is true to its answers), so
a failing test names the sentence a reader would stumble on. The document is read the way a
reader meets it: paragraphs and table cells in order, with the heading each one sits under.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from dpia import Assessment
from dpia.questionnaire import Questionnaire
from dpia.risk import Catalogue, RiskReport

GENERAL = "What the measure is: "
"""The action plan's label for catalogue text that describes a measure in general."""


@dataclass(frozen=True)
class Passage:
    text: str
    heading: str
    annex: bool
    """Inside an annex: the answers as given, or the method in general."""
    part: str = ""
    """The level-1 heading the passage sits under."""


def passages(document: Document) -> Iterator[Passage]:
    heading, annex, part = "", False, ""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            style = block.style.name if block.style is not None else ""
            if style.startswith("Heading"):
                heading = block.text
                if style == "Heading 1":
                    annex = block.text.startswith("Annex ")
                    part = block.text
            if block.text.strip():
                yield Passage(block.text, heading, annex, part)
        elif isinstance(block, Table):
            for row in block.rows:
                seen: list[object] = []
                for cell in row.cells:
                    if cell._tc in seen:
                        continue
                    seen.append(cell._tc)
                    for paragraph in cell.paragraphs:
                        if paragraph.text.strip():
                            yield Passage(paragraph.text, heading, annex, part)


def heading_levels(document: Document) -> list[tuple[int, str]]:
    levels = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        match = re.fullmatch(r"Heading (\d)", style)
        if match:
            levels.append((int(match.group(1)), paragraph.text))
    return levels


def skipped_levels(document: Document) -> list[str]:
    problems, previous = [], 0
    for level, text in heading_levels(document):
        if level > previous + 1:
            problems.append(f"level {previous} → {level}: {text}")
        previous = level
    return problems


def truncated(document: Document) -> list[str]:
    return [p.text for p in passages(document) if "…" in p.text or "..." in p.text]


_DOUBLED = re.compile(r"\b([A-Za-z]{2,})\s+\1\b", re.IGNORECASE)
_DOUBLE_STOP = re.compile(r"[A-Za-z)]\.\.(?!\.)")


def doubled(document: Document) -> list[str]:
    return [
        p.text for p in passages(document) if _DOUBLED.search(p.text) or _DOUBLE_STOP.search(p.text)
    ]


def internal_ids(
    document: Document, questionnaire: Questionnaire, catalogue: Catalogue
) -> list[str]:
    """Question ids, option values, rule, measure and risk ids, field names, code spans."""
    codes = set()
    for _, question in questionnaire.questions():
        codes.add(question.id)
        codes.update(o.value for o in getattr(question, "options", ()))
        for column in getattr(question, "columns", ()):
            codes.update(o.value for o in getattr(column, "options", ()))
    for risk in catalogue.risks:
        codes.add(risk.id)
        codes.update(rule.id for rule in risk.rules)
    codes.update(measure.id for measure in catalogue.measures)
    codes.update(finding.id for finding in catalogue.stop_findings)
    codes.update(obligation.id for obligation in catalogue.obligations)
    codes = {code for code in codes if "_" in code}
    pattern = re.compile(r"\b(" + "|".join(sorted(codes, key=len, reverse=True)) + r")\b")
    found = []
    for passage in passages(document):
        if (
            pattern.search(passage.text)
            or "`" in passage.text
            or "signoff:" in passage.text
            or re.search(r"\bC[1-9]\b", passage.text)
        ):
            found.append(passage.text)
    return found


def dangling_references(document: Document) -> list[str]:
    """“Annex B”, “Part 4”: each must name a heading of this document."""
    titles = [text for _, text in heading_levels(document)]
    annexes = {m.group(1) for t in titles if (m := re.match(r"Annex ([A-Z])\.", t))}
    parts = {m.group(1) for t in titles if (m := re.match(r"(\d)\. ", t))}
    found = []
    for passage in passages(document):
        for letter in re.findall(r"\bAnnex ([A-Z])\b", passage.text):
            if letter not in annexes:
                found.append(passage.text)
        for number in re.findall(r"\bPart (\d)\b", passage.text):
            if number not in parts:
                found.append(passage.text)
    return found


def _labels(questionnaire: Questionnaire, question_id: str) -> dict[str, str]:
    question = questionnaire.question(question_id)
    return {option.value: option.label for option in question.options}


_DEMONYMS = {
    "de": ("Germany", "German"),
    "fr": ("France", "French"),
    "it": ("Italy", "Italian"),
    "nl": ("Netherlands", "Dutch"),
    "es": ("Spain", "Spanish"),
    "us_ny": ("New York", "N.Y."),
    "us_ct": ("Connecticut", "Conn."),
    "us_de": ("Delaware", "Del. Code"),
    "us_co": ("Colorado",),
    "us_ca": ("California", "Cal. Civ.", "CCPA"),
}


_AS_GIVEN = {"Controller, processors and assessment team"}
"""Sections that restate answers given as free text: addresses, where processors work."""


def _statements(document: Document) -> Iterator[Passage]:
    """Statements about the programme: the body, without the annexes (the answers as given
    and the method in general), the restated contact details, and text labelled as what a
    measure is in general."""
    for passage in passages(document):
        if passage.annex or passage.heading in _AS_GIVEN or passage.text.startswith(GENERAL):
            continue
        yield passage


_AUTHORITY = re.compile(
    r"(CNIL|NAIH|EDPB|CJEU|ICO|BAG|Garante decision)[^;()]*(\([^()]*\))?|German courts"
)
"""A decision or guidance cited as authority names its court or case, not a place of the
programme: German case law on keyloggers is persuasive wherever the GDPR applies."""


def foreign_places(document: Document, subject: Assessment) -> list[str]:
    """Places the answers do not have, named in a statement about the programme."""
    chosen = set(subject.answers.get("monitored_jurisdictions") or [])
    found = []
    for code, names in _DEMONYMS.items():
        if code in chosen:
            continue
        pattern = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in names))
        for passage in _statements(document):
            if pattern.search(_AUTHORITY.sub("", passage.text)):
                found.append(f"{names[0]}: {passage.text}")
    return found


_STAFF = {"employees", "contractors", "applicants", "students"}
_AT_WORK = re.compile(
    r"\bmy (work|employer|job|representatives|colleagues|manager|performance)\b|\bat work\b"
    r"|\ba (curious )?colleague\b|\bcareers?\b"
)
_WORKPLACE = re.compile(
    r"\b(staff|employees?|employers?|at work|labour|discipline|colleagues?|workers?)\b",
    re.IGNORECASE,
)
"""Words that cast the people monitored as a workforce: in a title or heading they name the
risk for everyone monitored, so a product for customers must not read as one for staff."""
_RISK_TITLE = re.compile(r"R\d+ ")
_QUOTED = re.compile(r"“[^”]*”")
"""A question quoted as it was asked: its words are the questionnaire's, not a statement."""
_TYPED = re.compile(r"\b(passwords? I typed|what I typed|I typed)\b")


def foreign_people_and_data(document: Document, subject: Assessment) -> list[str]:
    """Narratives for people or data the answers do not have: staff in a product for
    customers, typed content where content is never captured, processors where there are
    none, an agreement that was not concluded."""
    answers = subject.answers
    groups = set(answers.get("monitored_groups") or [])
    captured = set(answers.get("captured_data") or [])
    found = []
    for passage in _statements(document):
        text = passage.text
        if groups and not groups & _STAFF and _AT_WORK.search(_QUOTED.sub("", text)):
            found.append(f"staff narrative: {text}")
        if "keystroke_content" not in captured and _TYPED.search(text):
            found.append(f"typed content: {text}")
        if answers.get("processors_used") is not True and re.search(
            r"\b(every processor|the processors named)\b", text, re.IGNORECASE
        ):
            found.append(f"processors: {text}")
        if answers.get("germany_works_agreement") is not True and re.search(
            r"works agreement (on the capture software )?was concluded|works agreement bans", text
        ):
            found.append(f"agreement: {text}")
    return found


def workplace_titles(document: Document, subject: Assessment) -> list[str]:
    """Headings and risk titles in a workforce's words where no one monitored is staff, a
    student or an applicant."""
    groups = set(subject.answers.get("monitored_groups") or [])
    if not groups or groups & _STAFF:
        return []
    titles = [text for _, text in heading_levels(document)]
    titles += [p.text for p in passages(document) if _RISK_TITLE.match(p.text)]
    return sorted({title for title in titles if _WORKPLACE.search(title)})


def approvals_without_approval(document: Document, subject: Assessment) -> list[str]:
    """“Approved” only when the recorded decision approves."""
    decision = subject.signoff.decision if subject.signoff else None
    approved = decision is not None and decision.decision in ("approve", "conditionally_approve")
    if approved:
        return []
    found = []
    for table in document.tables:
        for row in table.rows:
            key, value = row.cells[0].text, row.cells[-1].text.strip()
            nothing_claimed = value.startswith(("Not approved", "Not recorded yet"))
            if key.endswith("approved by") and value and not nothing_claimed:
                found.append(f"{key}: {value}")
    found += [
        p.text
        for p in _statements(document)
        if re.search(r"\b(Yes: approved|Status: Approved)\b", p.text)
    ]
    return found


_GDPR_NAMED = re.compile(r"\bGDPR\b|(?<!Act )(?<!Directive )(?<!Statute, )\bArts?\. \d")
"""The GDPR, or an article cited without naming its law (the GDPR's, in this document); an
article of the AI Act, the ePrivacy Directive or a national statute names its law."""
_ARTICLE = re.compile(r"(?<!Act )(?<!Directive )(?<!Statute, )\bArts?\. \d")
"""An article cited: in the answers annex a question may name the GDPR as asked, but no
article of it is cited there for a programme it does not reach."""
_SAYS_IT_DOES_NOT_APPLY = re.compile(r"GDPR does not apply|which do(es)? not apply")


def gdpr_where_it_does_not_apply(document: Document, gdpr_applies: bool) -> list[str]:
    """Where the GDPR does not apply, no passage names it or cites one of its articles unless
    the passage, or the heading it sits under, says that the GDPR does not apply. Only text
    labelled as what a measure is in general and the method annex (how any DPIA is judged)
    are read as general; the decision options count, and the answers annex may cite no
    article."""
    if gdpr_applies:
        return []
    return [
        p.text
        for p in passages(document)
        if not p.text.startswith(GENERAL)
        and not p.part.endswith(". Methodology")
        and (_ARTICLE if p.annex else _GDPR_NAMED).search(p.text)
        and not _SAYS_IT_DOES_NOT_APPLY.search(p.text)
        and not _SAYS_IT_DOES_NOT_APPLY.search(p.heading)
    ]


def start_despite_gaps(document: Document, report: RiskReport) -> list[str]:
    """A verdict that lets processing start names every legal obligation the report shows as a
    gap, and, before a decision, what the assessment still lacks: the same page lists both, and
    a bare “Yes” would say the programme may run while they stay unmet."""
    gaps = {o.title for j in report.legal_exposure for o in j.obligations if o.status == "gap"}
    found = []
    for table in document.tables:
        for row in table.rows:
            key, value = row.cells[0].text, row.cells[-1].text.strip()
            if key == "Processing may start" and value.startswith("Yes"):
                missing = sorted(gap for gap in gaps if gap not in value)
                found += [f"{value} (leaves out: {gap})" for gap in missing]
                undecided = not value.startswith("Yes: approved")
                if undecided and report.completeness and "still missing" not in value:
                    found.append(f"{value} (leaves out what is still missing)")
    return found
