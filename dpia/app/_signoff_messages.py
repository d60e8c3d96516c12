"""What the sign-off checks say, in the words of the Review & sign-off page.

The sign-off model names a field by its path in the answers file (`assessor.email`), which
means nothing on screen. Each part of the record is edited on its own tab, and saving one
part checks the whole record, so a message can be about a field on another tab: it then
says which tab, or the DPO would be told to fix an email address they cannot see.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from .._vocabulary import ADVICE, DECISION
from ._messages import sentence

__all__ = ["PART_TABS", "plain_signoff_text", "signoff_field_words", "signoff_messages"]

PART_TABS = {
    "assessor": ("Assessor", "Record and signatories"),
    "workers_representatives": ("Views of the workers", "Record and signatories"),
    "signatories": ("Signatory", "Record and signatories"),
    "dpo_advice": ("DPO advice", "DPO advice"),
    "decision": ("Decision", "Decision"),
}
_FIELDS = {
    "name": "name",
    "email": "email",
    "position": "position",
    "advice": "advice",
    "decision": "decision",
    "summary": "summary of the advice",
    "conditions": "conditions",
    "date": "date",
    "dpo_advice_followed": "whether the advice is followed",
    "reasons_for_overruling": "reasons for not following the advice",
    "body": "who gave the opinion",
    "opinion": "their opinion",
    "response": "how it was taken into account",
    "role": "signs as",
    "certificate_sha256": "certificate",
}


_QUESTIONS = {"dpo_advice_followed": "Does the decision follow the DPO's advice?"}
"""Fields shown as a yes-or-no question: "set X: false" becomes "answer No to <question>"."""
_NAMED = {
    "entry in conditions": "condition (one per line under Conditions)",
    "dpo_advice": "the DPO's advice",
    "reasons_for_overruling": "the reasons for not following the advice",
    "workers_representatives": "the views of the workers",
    "certificate_sha256": "the certificate",
}
_CODES = {**ADVICE, **DECISION}


def plain_signoff_text(text: str) -> str:
    """A sign-off check's message with the answers file's ids and codes in the page's words."""
    for field, question in _QUESTIONS.items():
        text = re.sub(
            rf"\b(?:set )?{field}: (true|false)\b",
            lambda m, q=question: f"answer “{'Yes' if m.group(1) == 'true' else 'No'}” to “{q}”",
            text,
        )
    for field, words in _NAMED.items():
        text = re.sub(rf"\b{field}\b", words, text)
    return re.sub(r"(\badvice |\bdecision )?'([a-z_]+)'", _code_words, text)


def _code_words(match: re.Match[str]) -> str:
    """A quoted code in the words of its own vocabulary: `approve` is "Proceed" as the DPO's
    advice and "Approve" as a decision, as on the review page and in the document."""
    kind, code = match.group(1) or "", match.group(2)
    vocabulary = {"advice ": ADVICE, "decision ": DECISION}.get(kind, _CODES)
    if code not in vocabulary:
        return match[0]
    return f"{kind}“{vocabulary[code]}”"


def signoff_messages(exc: ValidationError, *, storing: str, within: str | None = None) -> list[str]:
    """One line per problem; `within` is the part a part-level check's paths are relative to."""
    found = []
    for error in exc.errors():
        path = ((within,) if within else ()) + tuple(error["loc"])
        text = plain_signoff_text(str(error["msg"]).removeprefix("Value error, "))
        if error["type"] == "string_pattern_mismatch" and path[-1:] == ("email",):
            text = "enter an email address, e.g. name@example.org"
        elif error["type"] == "missing" or (
            error["type"] in ("too_short", "string_too_short") and not error.get("input")
        ):
            text = "this is required"
        elif error["type"] in ("too_long", "string_too_long"):
            text = f"at most {error.get('ctx', {}).get('max_length', 0):,} characters"
        where = _where(path, storing)
        found.append(f"{where}: {text}" if where else sentence(text))
    return found


def _where(path: tuple[Any, ...], storing: str) -> str:
    if not path:
        return ""
    part, rest = str(path[0]), path[1:]
    title, tab = PART_TABS.get(part, (part.replace("_", " ").capitalize(), ""))
    words = [title]
    for step in rest:
        if isinstance(step, int):
            words[-1] += f" {step + 1}" if part == "signatories" else f", line {step + 1}"
        else:
            words.append(_FIELDS.get(str(step), str(step).replace("_", " ")))
    where = ", ".join(words)
    if tab and tab != PART_TABS.get(storing, ("", ""))[1]:
        where += f" (on the {tab} tab)"
    return where


def signoff_field_words(path: tuple[Any, ...]) -> str:
    """A field of the sign-off record as the Review page names it, without saying which tab."""
    return _where(path, str(path[0]) if path else "")
