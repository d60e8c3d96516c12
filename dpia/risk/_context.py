"""What the engine's rules see: the answers as condition values and as reader-facing text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .._assessment import Assessment
from .._conditions import evaluate, referenced_names, render_text
from ..questionnaire import Questionnaire
from ._catalogue import LegalSource
from ._report import Reason

__all__ = ["Context", "jurisdiction_value"]


def jurisdiction_value(code: str) -> str:
    """The option value that stands for a jurisdiction code: `US-CA` → `us_ca`, `DE` → `de`."""
    return code.lower().replace("-", "_")


@dataclass
class Context:
    questionnaire: Questionnaire
    assessment: Assessment
    as_of: dt.date
    sources: tuple[LegalSource, ...] = ()
    scope: dict[str, Any] = field(init=False)
    shown: dict[str, str] = field(init=False)
    phrased: dict[str, str] = field(init=False)
    asked: set[str] = field(init=False)
    _held: dict[str, bool] = field(init=False, default_factory=dict)
    _cited: dict[tuple[str, ...], tuple[str, ...]] = field(init=False, default_factory=dict)
    _reasons: dict[tuple[Any, ...], Reason] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.scope = self.questionnaire.scope(self.assessment.answers)
        self.shown = {
            question.id: question.display(self.scope[question.id])
            for _, question in self.questionnaire.questions()
        }
        visible = self.questionnaire.visibility(self.assessment.answers)
        self.asked = {question_id for question_id, shown in visible.items() if shown}
        self.phrased = {
            question.id: question.phrase(self.scope[question.id])
            if question.id in self.asked
            else "not asked"
            for _, question in self.questionnaire.questions()
        }

    def holds(self, expression: str) -> bool:
        """Each condition is evaluated once per context: floors and measures are re-read for
        every candidate when recommendations are ranked, and the answers do not change."""
        if expression not in self._held:
            self._held[expression] = evaluate(expression, self.scope)
        return self._held[expression]

    def cited(self, legal: tuple[str, ...]) -> tuple[str, ...]:
        """The citations that hold for this programme: a source the catalogue ties to places
        or conditions (a German statute, a New York law, the GDPR itself) is cited only where
        its condition holds, so no statement names a law of a place the answers do not have.

        Kept per citation list: the same rule's law is cited again for every view of every
        risk while measures are ranked, and neither the sources nor the answers change."""
        found = self._cited.get(legal)
        if found is None:
            kept = []
            for citation in legal:
                source = next((s for s in self.sources if citation.startswith(s.prefix)), None)
                if source is None or self.holds(source.applies_when):
                    kept.append(citation)
            found = self._cited[legal] = tuple(kept)
        return found

    def reason(
        self,
        rule: str,
        axis: Any,
        template: str,
        legal: tuple[str, ...] = (),
        *,
        condition: str | None = None,
    ) -> Reason:
        """A reason quoting the answers the condition read, so a DPO can check it (a question
        the answers never reached is not quoted: its empty value is not an answer); the
        reason's own sentence reads each answer as it reads inside a sentence.

        A reason is frozen and follows from its arguments and the answers alone, so one built
        for a context is handed out again: ranking measures asks for the same reasons for every
        candidate."""
        key = (rule, axis, template, legal, condition)
        found = self._reasons.get(key)
        if found is None:
            names = referenced_names(condition) if condition else set()
            answers = {name: self.shown[name] for name in sorted(names) if name in self.asked}
            found = self._reasons[key] = Reason(
                rule=rule,
                axis=axis,
                text=render_text(template, self.phrased) if template else "",
                answers=answers,
                legal=self.cited(legal),
            )
        return found

    def jurisdictions(self, question_id: str) -> list[str]:
        """Codes of the jurisdictions chosen in a multi_choice of jurisdiction values."""
        chosen = set(self.scope.get(question_id) or [])
        return [
            j.code for j in self.questionnaire.jurisdictions if jurisdiction_value(j.code) in chosen
        ]

    def headcounts(self, table: str, jurisdiction_column: str, count_column: str) -> dict[str, int]:
        by_value = {jurisdiction_value(j.code): j.code for j in self.questionnaire.jurisdictions}
        counts: dict[str, int] = {}
        for row in self.scope.get(table) or []:
            value = row.get(jurisdiction_column)
            code = by_value.get(value, value)
            if isinstance(code, str):
                counts[code] = counts.get(code, 0) + int(row.get(count_column) or 0)
        return counts
