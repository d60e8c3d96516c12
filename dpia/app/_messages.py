"""Refusals in the words of the person at the screen.

The archive and the sign-off model word their errors for every caller: the command line, where
field ids and ISO timestamps are what an answers file and a log need. On screen, a field is
named by the label the person sees (`in_questionnaire_words`, in the vocabulary), a time is a
day and a minute, and a draft saved by the same person in another window is not "someone
else's" change.
"""

from __future__ import annotations

import re

from .._errors import StaleDraftError
from .._vocabulary import moment

__all__ = ["sentence", "stale_draft_text"]


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
