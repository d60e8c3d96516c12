"""The front of the document: cover, document control, contents, executive summary."""

from __future__ import annotations

from dataclasses import dataclass

from ...risk import HeadlineRating
from .. import _labels as label
from .. import _styles as s
from .._dossier import Dossier, Revision, closed, first_sentence, unique_texts
from .._markup import Span
from .._writer import Cell, Column, DocumentWriter

__all__ = ["Contents", "CoverPage", "DocumentControl", "ExecutiveSummary", "stop_banner"]


def stop_banner(dossier: Dossier, writer: DocumentWriter, *, brief: bool = False) -> None:
    """The do-not-proceed banner: what no measure or consultation can make acceptable.

    On the cover (`brief`) each finding gives its first sentence; the summary gives it all.
    """
    report = dossier.report
    if not report.stop:
        return
    lines = []
    for finding in report.stop_findings:
        reason = first_sentence(finding.reason) if brief else finding.reason
        legal = f" ({'; '.join(finding.legal)})" if finding.legal and not brief else ""
        lines.append((Span(f"{label.VERDICT[finding.verdict]}. ", bold=True), Span(reason + legal)))
    writer.banner("STOP: do not proceed with the processing as designed", lines, "stop")


def consultation_banner(dossier: Dossier, writer: DocumentWriter) -> None:
    report = dossier.report
    if report.prior_consultation_required and not report.stop:
        writer.banner(
            "Prior consultation of the supervisory authority required (GDPR Art. 36)",
            [report.prior_consultation_note],
            "notice",
        )


@dataclass(frozen=True)
class CoverPage:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        dossier = self.dossier
        meta = dossier.assessment.meta
        writer.paragraph(meta.organisation, s.COVER_ORGANISATION)
        writer.paragraph("Data Protection Impact Assessment", s.COVER_TITLE)
        writer.paragraph(meta.title, s.COVER_SUBTITLE)
        details = (
            ("Assessment ID", dossier.document_id),
            ("Version", str(dossier.version)),
            ("Status", label.DOCUMENT_STATUS[dossier.status]),
            ("Date", label.long_date(meta.date)),
            ("Assessor", meta.assessor),
            (
                "Questionnaire",
                f"{dossier.questionnaire.title}, version {dossier.questionnaire.version}",
            ),
        )
        for name, value in details:
            writer.paragraph((Span(f"{name}: ", bold=True), Span(value)), s.COVER_DETAIL)
        writer.paragraph("")
        stop_banner(dossier, writer, brief=True)
        consultation_banner(dossier, writer)
        if dossier.report.gdpr_applies:
            writer.note(
                "Prepared under Article 35 of the General Data Protection Regulation. "
                "Confidential: for the controller, its data protection officer and, where "
                "consulted, the supervisory authority."
            )
        else:
            writer.note(
                "The GDPR does not apply to this programme: no one monitored is in the EU or "
                "the UK, and no establishment there is involved. This impact assessment follows "
                "the structure of the EDPB's DPIA template; the laws that do apply are set out "
                "in Part 3. Confidential: for the controller and its privacy advisers."
            )


@dataclass(frozen=True)
class DocumentControl:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        dossier = self.dossier
        meta = dossier.assessment.meta
        writer.heading("Document control", 1)
        history = list(dossier.history)
        if not any(revision.version == dossier.version for revision in history):
            history.append(_current_revision(dossier))
        columns = (
            Column("Version", 1.8),
            Column("Date", 2.4),
            Column("Author", 3.8),
            Column("Status", 2.2),
            Column("Changes", 5.8),
        )
        rows = [
            (
                str(r.version),
                label.short_date(r.date),
                r.author,
                label.DOCUMENT_STATUS[r.status],
                r.summary or "—",
            )
            for r in sorted(history, key=lambda r: r.version)
        ]
        writer.table(columns, rows)
        writer.key_values(
            (
                ("Organisation", meta.organisation),
                ("Assessment", meta.title),
                ("Assessment ID", dossier.document_id),
                ("Questionnaire", f"{dossier.questionnaire.title} ({dossier.questionnaire.ref})"),
                ("Law applied as of", label.long_date(dossier.report.as_of)),
                ("Content fingerprint", Cell.of(Span(f"SHA-256 {dossier.fingerprint}"))),
            )
        )
        writer.note(
            "This file carries the answers it was produced from. The command dpia import "
            "restores them, and rendering them again with the same date gives this document "
            "byte for byte; the content fingerprint changes whenever an answer, the version or "
            "the status does."
        )


def _current_revision(dossier: Dossier) -> Revision:
    meta = dossier.assessment.meta
    return Revision(
        version=dossier.version,
        date=meta.date,
        author=meta.assessor,
        status=dossier.status,
        summary="This version.",
    )


@dataclass(frozen=True)
class Contents:
    title: str = "Contents"

    def render(self, writer: DocumentWriter) -> None:
        writer.contents(self.title)


_WHY_LIMIT = 3


def _why(dossier: Dossier, rating: HeadlineRating) -> Cell:
    reasons = [
        r for r in rating.because if r.axis in ("likelihood", "severity", "finding", "floor")
    ]
    measures = [r for r in rating.because if r.axis == "measure" and r.pull == "down"]
    chosen = unique_texts(reasons)[:_WHY_LIMIT]
    paragraphs = [dossier.reason_spans(r, brief=True) for r in chosen]
    titles = list(dict.fromkeys(dossier.measure_title(r.rule) for r in measures))
    if titles:
        more = f"; and {len(titles) - _WHY_LIMIT} more" if len(titles) > _WHY_LIMIT else ""
        paragraphs.append(
            (
                Span("Measures that lowered it: ", bold=True),
                Span("; ".join(titles[:_WHY_LIMIT]) + more + "."),
            )
        )
    return Cell(tuple(paragraphs) or ("No rule raises this rating.",))


@dataclass(frozen=True)
class ExecutiveSummary:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        dossier = self.dossier
        report = dossier.report
        meta = dossier.assessment.meta
        writer.heading("Executive summary", 1)
        writer.paragraph(
            f"This assessment covers “{meta.title}” at {closed(meta.organisation)} It rates "
            "the risks to the people whose activity is recorded, first as designed and then with "
            "the measures in place or planned, applying the law in force on "
            f"{label.long_date(report.as_of)}. The three headline ratings come first because "
            "they decide whether the programme can go ahead."
        )
        columns = (Column("Headline", 3.0), Column("Rating", 2.0), Column("Why", 11.0))
        rows = []
        for key, rating in report.headline.items():
            name = label.HEADLINE.get(key, key)
            rows.append(
                (
                    Span(name, bold=True),
                    Cell.of(label.LEVEL[rating.level], level=rating.level),
                    _why(dossier, rating),
                )
            )
        writer.table(columns, rows)
        stop_banner(dossier, writer)
        consultation_banner(dossier, writer)
        counts = {status: 0 for status in label.MEASURE_STATUS}
        for measure in report.mitigations:
            counts[measure.status] += 1
        overall = Cell.of(
            (
                Span(label.LEVEL[report.overall_inherent], bold=True),
                Span(" before measures → "),
                Span(label.LEVEL[report.overall_residual], bold=True),
                Span(" after measures"),
            )
        )
        consultation = (
            "Required: " + report.prior_consultation_note
            if report.prior_consultation_required
            else report.prior_consultation_note
        )
        screening = [r.text for r in report.screening.because]
        writer.key_values(
            (
                ("DPIA", _dpia_required(dossier, screening)),
                ("Overall risk", overall),
                (
                    "Prior consultation (GDPR Art. 36)"
                    if report.gdpr_applies
                    else "Prior consultation",
                    consultation,
                ),
                (
                    "Measures",
                    f"{counts['implemented']} in place, {counts['planned']} planned, "
                    f"{counts['recommended']} recommended",
                ),
                ("Processing may start", _verdict(dossier)),
            ),
            key_width=5.0,
        )
        if report.completeness:
            writer.heading("Still missing from this assessment", 2)
            writer.bullets(
                (Span(f"{item.article}: ", bold=True), Span(item.text))
                if item.article
                else (Span(item.text),)
                for item in report.completeness
            )


def _sentence_list(texts: list[str]) -> str:
    return "; ".join(texts) + "." if texts else ""


def _dpia_required(dossier: Dossier, screening: list[str]) -> str:
    words = label.DPIA_REQUIRED[dossier.report.dpia_required]
    if dossier.report.gdpr_applies:
        return f"{words}: {_sentence_list(screening)}"
    return (
        f"The GDPR does not apply. By its criteria the verdict would be “{words.lower()}”: "
        f"{_sentence_list(screening)}"
    )


def _the(number: int, noun: str) -> str:
    """`the item`, `the 2 items`: a count of one reads as the thing itself."""
    return f"the {noun}" if number == 1 else f"the {label.counted(number, noun)}"


def _verdict(dossier: Dossier) -> str:
    """Whether processing may start, from the ratings and, once recorded, the decision."""
    report = dossier.report
    record = dossier.assessment.signoff
    decision = record.decision if record else None
    if report.stop:
        return "No. What the STOP findings name must change first."
    if decision is not None and decision.decision == "reject":
        return f"No: the decision-maker rejected it on {label.long_date(decision.date)}."
    if report.prior_consultation_required or (
        decision is not None and decision.decision == "refer_to_supervisory_authority"
    ):
        return "Not before the supervisory authority has been consulted and has answered."
    planned = sum(1 for m in report.mitigations if m.status == "planned")
    gaps = list(
        dict.fromkeys(
            o.title for j in report.legal_exposure for o in j.obligations if o.status == "gap"
        )
    )
    if decision is not None:
        approved = f"Yes: approved on {label.long_date(decision.date)}"
        if decision.decision == "conditionally_approve":
            approved += ", on the conditions in Part 6"
        if planned:
            approved += ", with the planned measures to be put in place"
        if gaps:
            approved += (
                f", with {label.counted(len(gaps), 'legal obligation')} shown as a gap under "
                f"Legal exposure by jurisdiction: {'; '.join(gaps)}"
            )
        return approved + "."
    first = []
    if gaps:
        first.append(
            f"{_the(len(gaps), 'legal obligation')} shown as a gap under Legal "
            f"exposure by jurisdiction {'is' if len(gaps) == 1 else 'are'} met "
            f"({'; '.join(gaps)})"
        )
    if planned and report.overall_residual_now != report.overall_residual:
        first.append("the planned measures are in place")
    if report.completeness:
        missing = len(report.completeness)
        first.append(
            f"{_the(missing, 'item')} still missing from this assessment "
            f"{'is' if missing == 1 else 'are'} added"
        )
    if first:
        return f"Yes, once {', '.join(first)} and the decision-maker has signed off."
    return "Yes, after the decision-maker has signed off."
