"""What the engine's rules see: the answers as condition values and as reader-facing text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, KeysView, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._assessment import Assessment
from .._conditions import evaluate, names_in_order, render_text
from ..questionnaire import Questionnaire
from ._catalogue import Floor, LegalSource, Risk
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
    source_for: Callable[[str], LegalSource | None] = field(default=lambda citation: None)
    scope: dict[str, Any] = field(init=False)
    shown: Mapping[str, str] = field(init=False)
    phrased: Mapping[str, str] = field(init=False)
    asked: set[str] = field(init=False)
    _held: dict[str, bool] = field(init=False, default_factory=dict)
    _cited: dict[tuple[str, ...], tuple[str, ...]] = field(init=False, default_factory=dict)
    _floors: dict[str, list[tuple[int, Floor]]] = field(init=False, default_factory=dict)
    _worded: dict[tuple[Any, ...], tuple[str, dict[str, str], tuple[str, ...]]] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        answers = self.assessment.answers
        visible = self.questionnaire.visibility(answers)
        self.scope = self.questionnaire.scope(answers, visible)
        self.asked = {question_id for question_id, shown in visible.items() if shown}
        self.shown = _Words(self.questionnaire, self.scope, self.asked, phrased=False)
        self.phrased = _Words(self.questionnaire, self.scope, self.asked, phrased=True)

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
                source = self.source_for(citation)
                if source is None or (
                    source.in_force(self.as_of) and self.holds(source.applies_when)
                ):
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
        pull: Any = "none",
    ) -> Reason:
        """A reason quoting the answers the condition read, so a DPO can check it (a question
        the answers never reached is not quoted: its empty value is not an answer); the
        reason's own sentence reads each answer as it reads inside a sentence.

        Its words are kept per template, law and condition, apart from the rule, axis and pull
        it is given: a rule that moves both axes gives the same words twice."""
        text, answers, cited = self._words(template, legal, condition)
        return Reason(rule=rule, axis=axis, text=text, answers=answers, legal=cited, pull=pull)

    def _words(
        self, template: str, legal: tuple[str, ...], condition: str | None
    ) -> tuple[str, dict[str, str], tuple[str, ...]]:
        key = (template, legal, condition)
        found = self._worded.get(key)
        if found is None:
            names = names_in_order(condition) if condition else ()
            asked, shown = self.asked, self.shown
            found = self._worded[key] = (
                render_text(template, self.phrased) if template else "",
                {name: shown[name] for name in names if name in asked},
                self.cited(legal),
            )
        return found

    def holding_floors(self, risk: Risk) -> list[tuple[int, Floor]]:
        """The risk's floors in force that hold for these answers, with their place in the
        catalogue; kept per risk, as every candidate measure is ranked against them."""
        found = self._floors.get(risk.id)
        if found is None:
            found = self._floors[risk.id] = [
                (index, floor)
                for index, floor in enumerate(risk.floors)
                if floor.in_force(self.as_of) and self.holds(floor.when)
            ]
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


class _Words(Mapping[str, str]):
    """Every question's answer in the reader's words, worked out when a reason first quotes it:
    a rating quotes a few dozen of the questionnaire's answers, and wording one (options looked
    up, lists joined, dates written out) costs more than the rest of a rule."""

    def __init__(
        self, questionnaire: Questionnaire, scope: dict[str, Any], asked: set[str], *, phrased: bool
    ) -> None:
        self._questionnaire = questionnaire
        self._scope = scope
        self._asked = asked
        self._phrased = phrased
        self._words: dict[str, str] = {}

    def __getitem__(self, question_id: str) -> str:
        found = self._words.get(question_id)
        if found is None:
            if question_id not in self._scope:
                raise KeyError(question_id)
            question = self._questionnaire.question(question_id)
            value = self._scope[question_id]
            if not self._phrased:
                found = question.display(value)
            elif question_id in self._asked:
                found = question.phrase(value)
            else:
                found = "not asked"
            self._words[question_id] = found
        return found

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._scope

    def keys(self) -> KeysView[str]:
        return self._scope.keys()

    def __iter__(self) -> Iterator[str]:
        return iter(self._scope)

    def __len__(self) -> int:
        return len(self._scope)
