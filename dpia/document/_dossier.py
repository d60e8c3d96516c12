"""Everything one document is about, handed to every report section.

Sections are small and only draw; the lookups they share (the label of a question, the number
of a risk, the prose of a template) live here so that each is computed once and worded once.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from string import ascii_uppercase
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .._assessment import Assessment
from ..questionnaire import Questionnaire
from ..risk import MeasureResult, Reason, RiskReport, RiskResult
from ._markup import Block, Span
from ._narrative import narrative_context
from ._templates import ProseTemplates

__all__ = [
    "DocumentStatus",
    "Dossier",
    "Revision",
    "closed",
    "first_sentence",
    "unique_texts",
]

DocumentStatus = Literal["draft", "in_review", "approved", "rejected", "superseded"]


class Revision(BaseModel):
    """One line of the version history on the document-control page."""

    # Validator built on first use: a command validates few of these models, and one

    # held by another is validated within it, so building each at import is wasted.

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    version: Annotated[int, Field(ge=1)]
    date: dt.date
    author: Annotated[str, Field(min_length=1, max_length=300)]
    status: DocumentStatus = "draft"
    summary: Annotated[str, Field(max_length=2000)] = ""


@dataclass
class Dossier:
    questionnaire: Questionnaire
    assessment: Assessment
    report: RiskReport
    version: int
    status: DocumentStatus
    history: tuple[Revision, ...]
    templates: ProseTemplates
    fingerprint: str
    _blocks: dict[str, list[Block]] = field(default_factory=dict)

    @cached_property
    def narrative(self) -> dict[str, Any]:
        return narrative_context(self.questionnaire, self.assessment, self.report)

    def prose(self, name: str) -> list[Block]:
        """A prose template's blocks; where the GDPR does not apply, without the GDPR
        citations a template gives in parentheses, which would cite a law that does not bind."""
        if name not in self._blocks:
            blocks = self.templates.render(name, self.questionnaire.id, self.narrative)
            if not self.report.gdpr_applies:
                blocks = [_without_gdpr_citations(block) for block in blocks]
            self._blocks[name] = blocks
        return self._blocks[name]

    @cached_property
    def annex_letters(self) -> dict[str, str]:
        """Annex letters in document order, so a cross-reference names the annex that exists:
        the prior-consultation annex comes first, and only when consultation is required."""
        names = ["answers", "methodology"]
        if self.report.prior_consultation_required:
            names.insert(0, "prior_consultation")
        return {name: ascii_uppercase[index] for index, name in enumerate(names)}

    @cached_property
    def risk_numbers(self) -> dict[str, str]:
        """`R1`, `R2`, … in register order: the same number in the table, text and map."""
        return {risk.id: f"R{index}" for index, risk in enumerate(self.report.risks, start=1)}

    @cached_property
    def _risks(self) -> dict[str, RiskResult]:
        return {risk.id: risk for risk in self.report.risks}

    @cached_property
    def _measures(self) -> dict[str, MeasureResult]:
        return {measure.id: measure for measure in self.report.mitigations}

    def risk_title(self, risk_id: str) -> str:
        risk = self._risks.get(risk_id)
        return f"{self.risk_numbers[risk_id]} {risk.title}" if risk else risk_id

    def measure_title(self, measure_id: str) -> str:
        measure = self._measures.get(measure_id)
        return measure.title if measure else measure_id

    def question_label(self, question_id: str) -> str:
        try:
            return self.questionnaire.question(question_id).label
        except KeyError:
            return question_id

    def reason_spans(self, reason: Reason, *, brief: bool = False) -> tuple[Span, ...]:
        """A reason as the reader sees it: its text and the law.

        `brief` keeps the first sentence whole: a sentence cut short can say something its
        full text does not, and summaries point to the register for the rest.
        """
        text = first_sentence(reason.text) if brief else reason.text
        spans = [Span(_sentence(text))]
        if reason.legal:
            spans.append(Span(f" ({'; '.join(reason.legal)})"))
        return tuple(spans)

    def quoted_answers(self, reasons: Iterable[Reason]) -> tuple[Span, ...]:
        """The answers a set of reasons rests on, each once, as “question” answer."""
        seen: dict[str, str] = {}
        for reason in reasons:
            for question_id, answer in reason.answers.items():
                seen.setdefault(question_id, answer)
        return self.quote(seen)

    def quote(self, answers: Mapping[str, str], limit: int = 4) -> tuple[Span, ...]:
        """At most `limit` answers, each in full; the annex lists the others."""
        spans: list[Span] = []
        for question_id, answer in list(answers.items())[:limit]:
            if spans:
                spans.append(Span("; "))
            spans.append(Span(f"“{self.question_label(question_id)}” ", italic=True))
            spans.append(Span(" ".join(answer.split())))
        if len(answers) > limit:
            spans.append(Span(f"; and {len(answers) - limit} more in the annex"))
        return tuple(spans)

    @property
    def title(self) -> str:
        return self.assessment.meta.title

    @property
    def document_id(self) -> str:
        return self.assessment.meta.id or "not yet archived"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")")) else f"{text}."


_GDPR_CITATION = re.compile(r" \(GDPR(?:[^()]|\([^()]*\))*\)")


def _without_gdpr_citations(block: Block) -> Block:
    spans = tuple(
        Span(_GDPR_CITATION.sub("", span.text), span.bold, span.italic) for span in block.spans
    )
    return Block(block.kind, spans)


def closed(text: str) -> str:
    """`text` ending a sentence with one full stop: a name such as "Inc." or "B.V." already
    carries the stop, and a second one reads as a typing error."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z“\"(])")


def first_sentence(text: str) -> str:
    """The first sentence of `text`.

    A full stop after a short capitalised word (Art., Civ., No., Dr.) or inside a word with
    dots (e.g., U.S.) belongs to an abbreviation and does not end the sentence.
    """
    for match in _SENTENCE_END.finditer(text):
        word = re.search(r"(\S+)$", text[: match.start()])
        token = word.group(1) if word else ""
        abbreviation = "." in token or re.fullmatch(r"[A-Z][a-z]{0,3}", token) is not None
        if token and not abbreviation:
            return text[: match.end()]
    return text


def unique_texts(reasons: Iterable[Reason]) -> list[Reason]:
    """Reasons with distinct texts, in order: one rule can move both axes with one rationale."""
    seen: set[str] = set()
    kept = []
    for reason in reasons:
        if reason.text and reason.text not in seen:
            seen.add(reason.text)
            kept.append(reason)
    return kept
