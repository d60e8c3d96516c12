"""Refusals in the words of the person at the screen.

The archive and the sign-off model word their errors for every caller: the command line, where
field ids and ISO timestamps are what an answers file and a log need. On screen, a field is
named by the label the person sees, a time is a day and a minute, and a draft saved by the same
person in another window is not "someone else's" change.
"""

from __future__ import annotations

import re

from .._errors import StaleDraftError
from .._vocabulary import moment
from ..questionnaire import Questionnaire

__all__ = ["in_questionnaire_words", "sentence", "stale_draft_text"]


def sentence(text: str) -> str:
    """Upper-case first letter and a closing full stop, whatever the source's style."""
    text = text.strip()
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if re.search(r"[.!?)]$", text) else f"{text}."


def stale_draft_text(error: StaleDraftError, actor: str) -> str:
    """Why a save was refused as stale, saying who saved in between and when."""
    if error.saved_by is None or error.saved_at is None:
        return f"Not saved: {sentence(str(error))}"
    when = moment(error.saved_at)
    if error.saved_by == actor:
        return (
            f"Not saved: you saved this draft again on {when}, in another tab or window, after "
            "this page had loaded it. Load the saved draft to go on from there; what you typed "
            "here since then is dropped."
        )
    return (
        f"Not saved: {error.saved_by} saved this draft on {when}, after you opened it. Load "
        "the saved draft to see their changes; what you typed here since then is dropped."
    )


def in_questionnaire_words(text: str, questionnaire: Questionnaire) -> str:
    """A message about answers with each question id replaced by the question as asked.

    The answers file's messages name a question by its id, and sometimes add its label in
    brackets (`headcount (How many people?)`); on screen the label alone is what a person
    recognises.
    """
    labels = {q.id: q.label for section in questionnaire.sections for q in section.questions}

    def named(match: re.Match[str]) -> str:
        found = labels.get(match.group("id"))
        if found is None:
            return match.group(0)
        return f"“{found}”"

    text = re.sub(r"\b(?P<id>\w+) \((?P<label>[^()]*(?:\([^()]*\)[^()]*)*)\)", _both(labels), text)
    text = re.sub(r"'(?P<id>\w+)'", named, text)
    text = re.sub(r"\b(?P<id>[a-z0-9]+(?:_[a-z0-9]+)+)\b", named, text)
    # "question “L” is not answered (L)": the label once is enough.
    return re.sub(
        r"“(?P<label>[^”]+)”(?P<between>[^“()]*) \((?P=label)\)", r"“\g<label>”\g<between>", text
    )


def _both(labels: dict[str, str]):
    """`id (label)` → `“label”`, only where the brackets hold that very question's label."""

    def replace(match: re.Match[str]) -> str:
        if labels.get(match.group("id")) == match.group("label"):
            return f"“{match.group('label')}”"
        return match.group(0)

    return replace
