"""Why an uploaded answers file does not open, in the words of the wizard.

The validator locates each problem for an author editing the file (`answers.staff: row 1,
column 'jurisdiction': ...`). The person who uploaded it in the app knows the questions as the
wizard asks them, so the line stays and every id becomes the question, column or option.
"""

from __future__ import annotations

from .._errors import AnswersError
from .._vocabulary import ASSESSMENT_FIELD, in_questionnaire_words
from ..questionnaire import Questionnaire
from ._messages import sentence
from ._signoff_messages import signoff_field_words

__all__ = ["answers_problems", "answers_refusal"]


def answers_refusal(file_name: str, error: AnswersError, questionnaire: Questionnaire) -> str:
    """Why an uploaded answers file does not open: each problem at its line, so that it can be
    found and fixed in the file."""
    found = answers_problems(error, questionnaire, at_lines=True)
    count = f"{len(found)} problem{'s' if len(found) != 1 else ''}"
    lead = f"{file_name} does not open: fix the {count} below in the file, then upload it again."
    return "\n".join([lead, *(f"- {line}" for line in found)])


def answers_problems(
    error: AnswersError, questionnaire: Questionnaire, *, at_lines: bool
) -> list[str]:
    """One sentence per error, naming its field as the app does; `at_lines` starts each with
    the line of the file it is on (answers typed in the app have no lines to point at)."""
    found = []
    for problem in (p for p in error.problems if p.severity == "error"):
        parts = problem.path.split(".")
        about = parts[1].split("[")[0] if parts[0] == "answers" and len(parts) > 1 else None
        text = sentence(in_questionnaire_words(problem.message, questionnaire, about=about))
        where = [f"Line {problem.line}"] if at_lines else []
        field = _field_words(parts, about, questionnaire)
        if field:
            where.append(field)
        found.append(f"{', '.join(where)}: {text}" if where else text)
    return found


_PLAN_FIELDS = {"owner": "owner", "due": "due date", "note": "note"}


def _field_words(parts: list[str], about: str | None, questionnaire: Questionnaire) -> str:
    if about is not None:
        known = {q.id: q.label for _, q in questionnaire.questions()}
        return f"“{known[about]}”" if about in known else ""
    if parts[0] == "assessment" and len(parts) > 1:
        return ASSESSMENT_FIELD.get(parts[1], "")
    if parts[0] == "signoff" and len(parts) > 1:
        return signoff_field_words(tuple(int(p) if p.isdigit() else p for p in parts[1:]))
    if parts[0] == "plan":
        named = [_PLAN_FIELDS[p] for p in parts[2:3] if p in _PLAN_FIELDS]
        return ", ".join(["Measure plan", *named])
    return ""
