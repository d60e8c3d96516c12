"""A questionnaire: sections of typed questions, with conditions that show or hide them."""

from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .._conditions import evaluate, referenced_names
from .._text import DocumentText
from ._migration import VERSION_PATTERN, Migration
from ._types import ID_PATTERN, Question

__all__ = ["EDPB_SECTIONS", "Jurisdiction", "Outlook", "Questionnaire", "Section"]

_REMEMBERED = 64

Outlook = Literal["shown", "may_add", "not_needed"]
"""Where a section stands for the answers given so far: asked, possibly asked once an open
question is answered, or ruled out by the answers."""

EDPB_SECTIONS: dict[int, str] = {
    0: "Foundational information",
    1: "Systematic description of the processing",
    2: "Necessity, proportionality and compliance measures",
    3: "Risks to the rights and freedoms of data subjects",
    4: "Measures envisaged and residual risk",
    5: "DPO advice and views of data subjects",
    6: "Conclusion and decision",
}


class _Frozen(BaseModel):
    # Validator built on first use: a command validates few of these models, and one
    # held by another is validated within it, so building each at import is wasted.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Jurisdiction(_Frozen):
    """A jurisdiction the questionnaire covers (EU member states by ISO code, UK, US states)."""

    code: Annotated[str, Field(pattern=r"^[A-Z]{2}(-[A-Z]{2})?$|^OTHER$")]
    label: Annotated[DocumentText, Field(min_length=1)]
    region: Annotated[str, Field(pattern=r"^(EU|EEA|UK|US|OTHER)$")] = "OTHER"


class Section(_Frozen):
    """One step of the wizard and one part of the EDPB 2026 template (sections 0 to 6)."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Annotated[DocumentText, Field(min_length=1)]
    intro: DocumentText = Field("", description="Shown above the questions: what this step is for.")
    edpb_section: Annotated[int, Field(ge=0, le=6, description="EDPB 2026 template section.")]
    when: str | None = Field(None, description="Show the whole section only when this holds.")
    questions: Annotated[tuple[Question, ...], Field(min_length=1)]


class Questionnaire(_Frozen):
    """The whole questionnaire; `ref` (`id@version`) is what answers files point at."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,63}$")]
    version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    title: Annotated[DocumentText, Field(min_length=1)]
    description: DocumentText = ""
    jurisdictions: Annotated[tuple[Jurisdiction, ...], Field(min_length=1)]
    sections: Annotated[tuple[Section, ...], Field(min_length=1)]
    migrations: tuple[Migration, ...] = Field(
        (),
        description="How answers written for earlier versions open under this one, oldest first.",
    )

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def migration_path(self, version: str) -> tuple[Migration, ...] | None:
        """The steps from `version` to this one, or None when no chain of steps leads here."""
        if version == self.version:
            return ()
        for start, step in enumerate(self.migrations):
            if step.from_version == version:
                return self.migrations[start:]
        return None

    def questions(self) -> Iterator[tuple[Section, Question]]:
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def question(self, question_id: str) -> Question:
        return self._by_id[question_id]

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        """Questions by id, built on first use: the app looks one up for every field drawn."""
        return {question.id: question for _, question in self.questions()}

    def question_ids(self) -> list[str]:
        return [q.id for _, q in self.questions()]

    def jurisdiction_label(self, code: str) -> str:
        for jurisdiction in self.jurisdictions:
            if jurisdiction.code == code:
                return jurisdiction.label
        return code

    @cached_property
    def _condition_inputs(self) -> tuple[str, ...]:
        """The questions whose answers a section or question condition reads."""
        names: set[str] = set()
        for section in self.sections:
            if section.when is not None:
                names |= referenced_names(section.when)
            for question in section.questions:
                if question.when is not None:
                    names |= referenced_names(question.when)
        return tuple(sorted(names))

    @cached_property
    def _worked_out(self) -> dict[tuple[Any, ...], Any]:
        return {}

    def _remembered(self, key: tuple[Any, ...] | None, work: Callable[[], Any]) -> Any:
        """The result of `work` for `key`, worked out once: a page of the app asks which
        questions are shown several times per rerun, for the same answers. A key is built only
        from the answers the result depends on; None (an answer that cannot be keyed) is never
        kept."""
        if key is None:
            return work()
        known = self._worked_out
        found = known.get(key)
        if found is None:
            if len(known) >= _REMEMBERED:
                known.clear()
            found = known[key] = work()
        return found

    def _inputs_key(self, answers: Mapping[str, Any]) -> tuple[Any, ...] | None:
        try:
            key = tuple(_keyed(answers.get(name)) for name in self._condition_inputs)
            hash(key)
        except TypeError:
            return None
        return key

    def visibility(self, answers: Mapping[str, Any]) -> dict[str, bool]:
        """Which questions are shown for these answers.

        Conditions only look backwards, so one pass in order settles everything: a question
        that is hidden contributes its empty value to every later condition.
        """
        key = self._inputs_key(answers)
        found = self._remembered(
            None if key is None else ("visibility", key), lambda: self._visibility(answers)
        )
        return dict(found)

    def _visibility(self, answers: Mapping[str, Any]) -> dict[str, bool]:
        scope: dict[str, Any] = {}
        shown: dict[str, bool] = {}
        for section in self.sections:
            section_shown = section.when is None or evaluate(section.when, scope)
            for question in section.questions:
                visible = section_shown and (
                    question.when is None or evaluate(question.when, scope)
                )
                shown[question.id] = visible
                value = answers.get(question.id) if visible else None
                scope[question.id] = question.empty() if value is None else value
        return shown

    def outlook(self, answers: Mapping[str, Any]) -> dict[str, Outlook]:
        """Each section's outlook, so that a step list can show what answers may still add.

        A hidden question may still be asked when a condition that hides it reads a question
        that is still open: unanswered, and shown or itself possibly asked. Conditions only
        look backwards, so one pass in order settles it.
        """
        key = self._inputs_key(answers)
        if key is not None:
            answered = frozenset(name for name, value in answers.items() if value is not None)
            key = ("outlook", key, answered)
        return dict(self._remembered(key, lambda: self._outlook(answers)))

    def _outlook(self, answers: Mapping[str, Any]) -> dict[str, Outlook]:
        shown = self.visibility(answers)
        scope = self.scope(answers, shown)
        open_ids: set[str] = set()
        found: dict[str, Outlook] = {}
        for section in self.sections:
            section_shown = section.when is None or evaluate(section.when, scope)
            possible = False
            for question in section.questions:
                if shown[question.id]:
                    if answers.get(question.id) is None:
                        open_ids.add(question.id)
                    continue
                hiding = question.when if section_shown else section.when
                if hiding is not None and referenced_names(hiding) & open_ids:
                    possible = True
                    open_ids.add(question.id)
            if any(shown[q.id] for q in section.questions):
                found[section.id] = "shown"
            else:
                found[section.id] = "may_add" if possible else "not_needed"
        return found

    def scope(
        self, answers: Mapping[str, Any], shown: Mapping[str, bool] | None = None
    ) -> dict[str, Any]:
        """Every question id with its answer, or its empty value when hidden or unanswered.

        `shown` is `visibility(answers)` when the caller has it already: a page that needs
        both works the conditions out once.
        """
        if shown is None:
            shown = self.visibility(answers)
        return {
            q.id: answers[q.id] if shown[q.id] and answers.get(q.id) is not None else q.empty()
            for _, q in self.questions()
        }

    def visible_options(self, question: Question, scope: Mapping[str, Any]) -> list[str]:
        options = getattr(question, "options", ())
        return [o.value for o in options if o.when is None or evaluate(o.when, scope)]


def _keyed(value: Any) -> Any:
    """An answer as part of a key: lists, tables and sets made hashable, each value with its
    type, since `1`, `1.0` and `true` are equal in Python but not to every condition."""
    if isinstance(value, list | tuple):
        return ("list", tuple(_keyed(item) for item in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _keyed(v)) for k, v in value.items())))
    if isinstance(value, set | frozenset):
        return ("set", frozenset(_keyed(item) for item in value))
    return (type(value).__name__, value)
