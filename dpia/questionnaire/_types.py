"""The question types. Each type knows its own answer rules, its empty value and its display text.

One class per type keeps the contract in one place: the loader, the answers validator, the
document renderer and the wizard all ask the type instead of switching on `type` themselves.
A contract test runs over `QUESTION_TYPES` so a new type cannot ship without every part.
"""

import datetime as dt
import math
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .._calendar import CalendarDate, calendar_date
from .._text import DocumentText, document_text_fault
from .._vocabulary import long_date

__all__ = [
    "ID_PATTERN",
    "MAX_MAGNITUDE",
    "QUESTION_TYPES",
    "AnswerRejected",
    "BooleanQuestion",
    "ChoiceOption",
    "Column",
    "DateQuestion",
    "IntegerQuestion",
    "LongTextQuestion",
    "MultiChoiceQuestion",
    "NumberQuestion",
    "Question",
    "SingleChoiceQuestion",
    "TableQuestion",
    "TextQuestion",
]

ID_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"


class AnswerRejected(ValueError):
    """An answer value does not fit its question; the message says what is allowed."""


def _fault_at(message: str, *at: str | int) -> PydanticCustomError:
    """A rule that spans several fields, pinned to the one the author should change.

    A model validator can only fail the whole question; `at` (a path below it) lets the loader
    point at the exact line, e.g. the second of two options with the same value.
    """
    return PydanticCustomError("fault_at", message, {"at": at})


class _Frozen(BaseModel):
    # Validator built on first use: a command validates few of these models, and one
    # held by another is validated within it, so building each at import is wasted.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ChoiceOption(_Frozen):
    """One answer a choice question offers; `when` hides it unless the condition holds."""

    value: Annotated[str, Field(pattern=ID_PATTERN, description="Stored value (snake_case).")]
    label: Annotated[DocumentText, Field(min_length=1, description="What the user reads.")]
    help: DocumentText = Field("", description="Plain-language explanation of this option.")
    when: str | None = Field(None, description="Show this option only when this holds.")
    in_text: DocumentText = Field(
        "",
        description="How the option reads inside a sentence, where its label would not "
        "(“Anywhere else” is a choice, not a place: in a sentence, “other countries or states”).",
    )


class _QuestionBase(_Frozen):
    kind: ClassVar[str]
    id: Annotated[str, Field(pattern=ID_PATTERN, description="Unique id, used in conditions.")]
    label: Annotated[
        DocumentText, Field(min_length=1, description="The question as the user reads it.")
    ]
    help: DocumentText = Field(
        "", description="Plain-language guidance: why we ask, how to answer."
    )
    legal: tuple[DocumentText, ...] = Field(
        (), description="Legal references, e.g. 'GDPR Art. 35(7)(a)'."
    )
    required: bool = Field(False, description="Must be answered whenever the question is shown.")
    when: str | None = Field(None, description="Show the question only when this holds.")

    def empty(self) -> Any:
        """The value a hidden or unanswered question has inside conditions."""
        return None

    def accept(self, value: Any) -> Any:
        """The value normalised, or AnswerRejected with what is allowed."""
        raise NotImplementedError

    def display(self, value: Any) -> str:
        """The answer as a reader of the document sees it."""
        if value is None or value == "" or value == []:
            return "not answered"
        return str(value)

    def phrase(self, value: Any) -> str:
        """The answer as it reads inside a sentence; the same as `display` unless an option
        says otherwise (`in_text`)."""
        return self.display(value)

    def is_answered(self, value: Any) -> bool:
        return value is not None and value != "" and value != []


def _check_text(value: Any, max_length: int) -> str:
    if not isinstance(value, str):
        raise AnswerRejected(f"expected text, got {_kind_of(value)}")
    fault = document_text_fault(value)
    if fault:
        raise AnswerRejected(fault)
    if len(value) > max_length:
        raise AnswerRejected(f"is {len(value):,} characters long; at most {max_length:,} allowed")
    return value


def _kind_of(value: Any) -> str:
    names = {bool: "true/false", int: "a whole number", float: "a number", str: "text"}
    names.update({list: "a list", dict: "a mapping", type(None): "nothing"})
    names.update({dt.date: "a date"})
    return names.get(type(value), type(value).__name__)


class BooleanQuestion(_QuestionBase):
    kind: ClassVar[str] = "boolean"
    type: Literal["boolean"]
    default: bool | None = None

    def empty(self) -> Any:
        return False

    def accept(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise AnswerRejected(f"expected true or false, got {_kind_of(value)}")
        return value

    def display(self, value: Any) -> str:
        return {True: "Yes", False: "No"}.get(value, "not answered")


class _ChoiceBase(_QuestionBase):
    options: Annotated[tuple[ChoiceOption, ...], Field(min_length=1)]

    def option(self, value: str) -> ChoiceOption:
        for option in self.options:
            if option.value == value:
                return option
        allowed = ", ".join(o.value for o in self.options)
        raise AnswerRejected(f"{value!r} is not an option; allowed: {allowed}")

    def label_of(self, value: str) -> str:
        try:
            return self.option(value).label
        except AnswerRejected:
            return value

    def phrase_of(self, value: str) -> str:
        """The option as it reads inside a sentence: its `in_text`, else its label."""
        try:
            option = self.option(value)
        except AnswerRejected:
            return value
        return option.in_text or option.label

    @model_validator(mode="after")
    def _unique_values(self) -> "_ChoiceBase":
        seen: set[str] = set()
        for index, option in enumerate(self.options):
            if option.value in seen:
                raise _fault_at(
                    f"option value {option.value!r} appears twice", "options", index, "value"
                )
            seen.add(option.value)
        return self


class SingleChoiceQuestion(_ChoiceBase):
    kind: ClassVar[str] = "single_choice"
    type: Literal["single_choice"]
    default: str | None = None

    def accept(self, value: Any) -> str:
        if not isinstance(value, str):
            raise AnswerRejected(f"expected one option value, got {_kind_of(value)}")
        return self.option(value).value

    def display(self, value: Any) -> str:
        return self.label_of(value) if value else "not answered"

    def phrase(self, value: Any) -> str:
        return self.phrase_of(value) if value else "not answered"


class MultiChoiceQuestion(_ChoiceBase):
    kind: ClassVar[str] = "multi_choice"
    type: Literal["multi_choice"]
    default: tuple[str, ...] | None = None

    def empty(self) -> Any:
        return []

    def accept(self, value: Any) -> list[str]:
        if not isinstance(value, list):
            raise AnswerRejected(f"expected a list of option values, got {_kind_of(value)}")
        chosen: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise AnswerRejected(f"expected option values, got {_kind_of(item)} in the list")
            self.option(item)
            if item in chosen:
                raise AnswerRejected(f"{item!r} is listed twice")
            chosen.append(item)
        return chosen

    def display(self, value: Any) -> str:
        if not value:
            return "none selected"
        return "; ".join(self.label_of(v) for v in value)

    def phrase(self, value: Any) -> str:
        if not value:
            return "none selected"
        return "; ".join(self.phrase_of(v) for v in value)


class TextQuestion(_QuestionBase):
    kind: ClassVar[str] = "text"
    type: Literal["text"]
    default: str | None = None
    max_length: Annotated[int, Field(ge=1, le=100_000)] = 500

    def accept(self, value: Any) -> str:
        return _check_text(value, self.max_length)


class LongTextQuestion(_QuestionBase):
    kind: ClassVar[str] = "long_text"
    type: Literal["long_text"]
    default: str | None = None
    max_length: Annotated[int, Field(ge=1, le=100_000)] = 20_000

    def accept(self, value: Any) -> str:
        return _check_text(value, self.max_length)


MAX_MAGNITUDE = 10**15
"""Every number answer lies within ±10^15: more than any company's turnover in euros and any
headcount, and small enough to be exact as a float in the risk engine and the document."""


class _NumericBase(_QuestionBase):
    min: float | None = None
    max: float | None = None
    unit: DocumentText = Field("", description="Shown after the value, e.g. 'days' or 'EUR'.")

    @model_validator(mode="after")
    def _range_order(self) -> "_NumericBase":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise _fault_at(f"min ({self.min:g}) is greater than max ({self.max:g})", "min")
        return self

    def _in_range(self, number: float) -> None:
        if abs(number) > MAX_MAGNITUDE:
            raise AnswerRejected(
                "the number is beyond the largest an answer may hold (plus or minus "
                f"{MAX_MAGNITUDE:,}, more than any turnover in euros or any headcount)"
            )
        if self.min is not None and number < self.min:
            raise AnswerRejected(f"{number:g} is below the minimum of {self.min:g}")
        if self.max is not None and number > self.max:
            raise AnswerRejected(f"{number:g} is above the maximum of {self.max:g}")

    def display(self, value: Any) -> str:
        if value is None:
            return "not answered"
        text = f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"
        return f"{text} {self.unit}".strip()


class IntegerQuestion(_NumericBase):
    kind: ClassVar[str] = "integer"
    type: Literal["integer"]
    default: int | None = None

    def accept(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnswerRejected(f"expected a whole number, got {_kind_of(value)}")
        self._in_range(value)
        return value


class NumberQuestion(_NumericBase):
    kind: ClassVar[str] = "number"
    type: Literal["number"]
    default: float | None = None

    def accept(self, value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AnswerRejected(f"expected a number, got {_kind_of(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise AnswerRejected("expected a finite number")
        self._in_range(value)
        return value


class DateQuestion(_QuestionBase):
    kind: ClassVar[str] = "date"
    type: Literal["date"]
    default: CalendarDate | None = None

    def accept(self, value: Any) -> dt.date:
        try:
            return calendar_date(value)
        except ValueError as exc:
            raise AnswerRejected(str(exc)) from None

    def display(self, value: Any) -> str:
        return long_date(value) if isinstance(value, dt.date) else "not answered"


Column = Annotated[
    BooleanQuestion
    | SingleChoiceQuestion
    | TextQuestion
    | IntegerQuestion
    | NumberQuestion
    | DateQuestion,
    Field(discriminator="type"),
]


class TableQuestion(_QuestionBase):
    """Repeatable rows of typed columns, e.g. one row per jurisdiction with its headcount."""

    kind: ClassVar[str] = "table"
    type: Literal["table"]
    columns: Annotated[tuple[Column, ...], Field(min_length=1)]
    min_rows: Annotated[int, Field(ge=0)] = 0
    max_rows: Annotated[int, Field(ge=1, le=1000)] = 200
    default: tuple[dict[str, Any], ...] | None = None

    @model_validator(mode="after")
    def _columns_ok(self) -> "TableQuestion":
        seen: set[str] = set()
        for index, column in enumerate(self.columns):
            if column.id in seen:
                raise _fault_at(f"column id {column.id!r} appears twice", "columns", index, "id")
            if column.when is not None:
                raise _fault_at(
                    "columns cannot have a 'when' condition; put it on the table question",
                    "columns",
                    index,
                    "when",
                )
            seen.add(column.id)
        if self.min_rows > self.max_rows:
            raise _fault_at(
                f"min_rows ({self.min_rows}) is greater than max_rows ({self.max_rows})",
                "min_rows",
            )
        return self

    def empty(self) -> Any:
        return []

    def accept(self, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise AnswerRejected(f"expected a list of rows, got {_kind_of(value)}")
        if len(value) > self.max_rows:
            raise AnswerRejected(f"{len(value)} rows; at most {self.max_rows} allowed")
        if len(value) < self.min_rows:
            raise AnswerRejected(f"{len(value)} rows; at least {self.min_rows} needed")
        rows: list[dict[str, Any]] = []
        known = {c.id: c for c in self.columns}
        for number, row in enumerate(value, start=1):
            if not isinstance(row, dict):
                raise AnswerRejected(f"row {number}: expected a mapping of column values")
            unknown = sorted(set(row) - set(known))
            if unknown:
                raise AnswerRejected(
                    f"row {number}: unknown column {unknown[0]!r}; columns: {', '.join(known)}"
                )
            clean: dict[str, Any] = {}
            for column in self.columns:
                cell = row.get(column.id)
                if cell is None or cell == "":
                    if column.required:
                        raise AnswerRejected(f"row {number}: column {column.id!r} is required")
                    continue
                try:
                    clean[column.id] = column.accept(cell)
                except AnswerRejected as exc:
                    raise AnswerRejected(f"row {number}, column {column.id!r}: {exc}") from None
            rows.append(clean)
        return rows

    def display(self, value: Any) -> str:
        if not value:
            return "no rows"
        return "\n".join(
            "; ".join(f"{c.label}: {c.display(row.get(c.id))}" for c in self.columns)
            for row in value
        )


Question = Annotated[
    BooleanQuestion
    | SingleChoiceQuestion
    | MultiChoiceQuestion
    | TextQuestion
    | LongTextQuestion
    | IntegerQuestion
    | NumberQuestion
    | DateQuestion
    | TableQuestion,
    Field(discriminator="type"),
]

QUESTION_TYPES: dict[str, type[_QuestionBase]] = {
    cls.kind: cls
    for cls in (
        BooleanQuestion,
        SingleChoiceQuestion,
        MultiChoiceQuestion,
        TextQuestion,
        LongTextQuestion,
        IntegerQuestion,
        NumberQuestion,
        DateQuestion,
        TableQuestion,
    )
}
