"""Every error dpia raises on purpose, in one tree, so callers can catch at the depth they need.

    DPIAError
    ├── SourceError                 a YAML/JSON file is unreadable, too large or not well-formed
    ├── ValidationFailed            a file parses but breaks the rules; carries every Problem
    │   ├── QuestionnaireError
    │   ├── CatalogueError          risk, mitigation or legal-exposure catalogue
    │   └── AnswersError
    ├── ConditionError              a `when:` expression is unsafe, unknown or not true/false
    ├── RenderError                 the Word document cannot be built (missing style, bad template)
    ├── SigningError                keys, certificates, passphrases, CMS signatures
    ├── WorkflowError               the sign-off workflow refused a step (see dpia.workflow)
    │   ├── NotPermittedError       the person lacks the role the step needs
    │   └── ApprovalRefusedError    a freeze lacks a valid, trusted signature it needs
    └── ArchiveError
        ├── StaleDraftError         optimistic locking refused an out-of-date write
        ├── NotFoundError
        └── ArchiveIntegrityError   the hash chain or an append-only table was tampered with

A `Problem` is one located message (`file:line:column: path.to.field: message`); validation keeps
going after the first problem so that an author fixes a file in one pass, not one error at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "AnswersError",
    "ApprovalRefusedError",
    "ArchiveError",
    "ArchiveIntegrityError",
    "CatalogueError",
    "ConditionError",
    "DPIAError",
    "NotFoundError",
    "NotPermittedError",
    "Problem",
    "QuestionnaireError",
    "RenderError",
    "SigningError",
    "SourceError",
    "StaleDraftError",
    "ValidationFailed",
    "WorkflowError",
]


@dataclass(frozen=True, order=True)
class Problem:
    """One located finding in a file; `severity` is "error", "warning" or "note" (a change made
    while opening answers written for an earlier questionnaire version)."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        field = f" {self.path}:" if self.path else ""
        prefix = "" if self.severity == "error" else f" {self.severity}:"
        return f"{where}:{prefix}{field} {self.message}"


class DPIAError(Exception):
    """Base of every error dpia raises on purpose."""


class SourceError(DPIAError):
    """A file cannot be read as YAML or JSON at all (size, syntax, aliases, encoding)."""


class ValidationFailed(DPIAError):
    """A file parsed but breaks the rules; `problems` lists every one, errors first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.severity != "error", p))
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__("\n".join(str(p) for p in errors) or "validation failed")


class QuestionnaireError(ValidationFailed):
    """The questionnaire YAML breaks the questionnaire format."""


class CatalogueError(ValidationFailed):
    """A risk, mitigation or legal-exposure catalogue breaks its format."""


class AnswersError(ValidationFailed):
    """An answers file does not fit its questionnaire."""


class ConditionError(DPIAError):
    """A `when:` expression is not safe, names an unknown question, or is not true/false."""


class RenderError(DPIAError):
    """The Word document cannot be produced (missing house style, template fault)."""


class SigningError(DPIAError):
    """A key, certificate, passphrase or signature problem."""


class WorkflowError(DPIAError):
    """A step of the sign-off workflow was refused; the message says what to do instead."""


class NotPermittedError(WorkflowError):
    """The person does not hold the role this step needs."""


class ApprovalRefusedError(WorkflowError):
    """A version cannot be frozen: a signature it needs is missing, invalid or not trusted."""


class ArchiveError(DPIAError):
    """The archive refused an operation."""


class StaleDraftError(ArchiveError):
    """A draft was saved again since it was read (by whoever: another person, or the same one
    in another window); the write was refused. `saved_by` and `saved_at` name that save, when
    the draft still exists, so that a message can say who and when in its own words."""

    def __init__(
        self, message: str, *, saved_by: str | None = None, saved_at: dt.datetime | None = None
    ):
        super().__init__(message)
        self.saved_by = saved_by
        self.saved_at = saved_at


class NotFoundError(ArchiveError):
    """No assessment or version with that id."""


class ArchiveIntegrityError(ArchiveError):
    """The stored record no longer matches its hashes, or an append-only row was changed."""
