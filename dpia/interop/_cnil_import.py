"""A PIA tool export read into a `cnil-pia` answers file, without losing a word, gauge or comment.

Every field the method gives meaning to is carried over: the answers (rich text turned into
dpia's plain text, lists, gauges and their justifications), the measures, every evaluation
(status, comment, action plan, corrected gauges, due date, person in charge), the comments, the
opinions of the DPO and of the people concerned, and who wrote, evaluated and validated the PIA.
What the tool keeps only for itself (its database numbers for answers and evaluations, their
timestamps, the template a PIA was started from) is listed in docs/interop.md.

A field that does not hold what the format allows stops the import with its place in the file
(`answers[4].data.gauge`), never a guess. Values are then checked by the questionnaire's own
question types, so imported text meets exactly the rules typed text meets.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..questionnaire import AnswerRejected, Questionnaire
from . import _cnil_structure as cnil
from ._cnil_fields import (
    Place,
    array,
    boolean,
    calendar_day,
    integer,
    mapping,
    plain,
    rich,
    string,
    timestamp,
)
from ._cnil_file import PiaFile

__all__ = ["ORGANISATION_UNKNOWN", "CnilImport", "import_cnil_pia"]

ORGANISATION_UNKNOWN = "Organisation not named in the PIA file"
_UNNAMED = "Not named in the PIA file"


@dataclass
class CnilImport:
    """The answers file mapping, the attachments to save beside it, and what to tell the user."""

    answers_file: dict[str, Any]
    notes: list[str] = field(default_factory=list)


class _Answers:
    """The answers being built, each checked by its question type as it is set."""

    def __init__(self, questionnaire: Questionnaire):
        self.questionnaire = questionnaire
        self.values: dict[str, Any] = {}
        self.origin: dict[str, Place] = {}

    def set(self, question_id: str, value: Any, place: Place) -> None:
        if value is None or value == [] or value == "":
            return
        if question_id in self.values:
            if self.values[question_id] == value:
                return
            first = self.origin[question_id].path
            raise place.fail(
                f"answers the same question as {first} ({question_id}) differently; "
                "keep one of them in the PIA tool and export again"
            )
        try:
            self.values[question_id] = self.questionnaire.question(question_id).accept(value)
        except AnswerRejected as exc:
            raise place.fail(f"{exc} (for question {question_id})") from None
        self.origin[question_id] = place

    def cell(self, question_id: str, column_id: str, value: Any, place: Place) -> Any:
        """A table cell checked where it sits in the export, before the table is assembled."""
        if value is None:
            return None
        question = self.questionnaire.question(question_id)
        column = next(c for c in question.columns if c.id == column_id)  # type: ignore[attr-defined]
        try:
            return column.accept(value)
        except AnswerRejected as exc:
            raise place.fail(f"{exc} (for {question_id}, column {column_id})") from None


def import_cnil_pia(
    pia_file: PiaFile,
    questionnaire: Questionnaire,
    *,
    organisation: str | None = None,
    attachment_paths: Callable[[int, str], str] | None = None,
) -> CnilImport:
    """The answers file for `questionnaire` (cnil-pia) from one export.

    `attachment_paths(index, name)` says where the attachment will be saved, relative to the
    answers file; the caller writes the files there.
    """
    root = Place(pia_file.name)
    document = pia_file.document
    if "pia" not in document:
        raise root.fail(
            "not a PIA export: the object has no 'pia' field (expected pia, answers, measures, "
            "evaluations and comments)"
        )
    pia = mapping(document["pia"], root.at("pia"))
    answers = _Answers(questionnaire)
    notes = list(pia_file.notes)
    for key in ("answers", "measures", "evaluations", "comments"):
        if key not in document:
            raise root.at(key).fail(
                f"missing: a PIA export lists its {key} (an empty list when there are none)"
            )
    measure_numbers = _measures(document, root, answers)
    _answers(document, root, answers)
    _evaluations(document, root, answers, measure_numbers, notes)
    _comments(document, root, answers, measure_numbers, notes)
    meta = _pia(pia, root.at("pia"), answers, organisation, notes)
    _attachments(pia_file, answers, attachment_paths, root)
    return CnilImport(
        answers_file={
            "questionnaire": questionnaire.ref,
            "assessment": meta,
            "answers": _in_questionnaire_order(questionnaire, answers.values),
        },
        notes=notes,
    )


def _in_questionnaire_order(questionnaire: Questionnaire, values: dict[str, Any]) -> dict[str, Any]:
    """Answers in the order the questions are asked, so the YAML reads like the PIA."""
    ordered: dict[str, Any] = {}
    for question_id in questionnaire.question_ids():
        if question_id in values:
            value = values[question_id]
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, list):
                value = [
                    {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
                    if isinstance(row, dict)
                    else row
                    for row in value
                ]
            ordered[question_id] = value
    return ordered


def _answers(document: dict[str, Any], root: Place, answers: _Answers) -> None:
    place = root.at("answers")
    for index, entry in enumerate(array(document["answers"], place, missing_ok=False)):
        here = place.at(index)
        entry = mapping(entry, here)
        number = integer(entry.get("reference_to"), here.at("reference_to"))
        if number is None:
            raise here.at("reference_to").fail("missing: each answer names its question")
        data = mapping(entry.get("data") if "data" in entry else {}, here.at("data"))
        text_place, gauge_place, list_place = (
            here.at("data").at(k) for k in ("text", "gauge", "list")
        )
        if number in cnil.TEXT_ANSWERS:
            answers.set(cnil.TEXT_ANSWERS[number], rich(data.get("text"), text_place), text_place)
        elif number in cnil.LIST_ANSWERS:
            entries = []
            for position, item in enumerate(array(data.get("list"), list_place)):
                value = plain(item, list_place.at(position))
                if value:
                    question_id = cnil.LIST_ANSWERS[number]
                    answers.cell(question_id, "entry", value, list_place.at(position))
                    entries.append({"entry": value})
            if rich(data.get("text"), text_place):
                raise text_place.fail(
                    f"question {number} takes a list of entries, but this answer also has a text "
                    "the PIA tool never shows; remove it or move it into the list"
                )
            answers.set(cnil.LIST_ANSWERS[number], entries, list_place)
        elif number in cnil.GAUGE_ANSWERS:
            gauge_id, reason_id = cnil.GAUGE_ANSWERS[number]
            gauge = integer(data.get("gauge"), gauge_place, range(0, 5))
            if gauge:
                answers.set(gauge_id, cnil.GAUGE_LEVELS[gauge], gauge_place)
            answers.set(reason_id, rich(data.get("text"), text_place), text_place)
        else:
            known = sorted(cnil.COMMENTABLE)
            raise here.at("reference_to").fail(
                f"{number} is not a question of the CNIL method (questions {known[0]} to "
                f"{known[-1]}); a PIA built on a structure with questions of its own cannot be "
                "imported into the cnil-pia questionnaire"
            )


def _measures(document: dict[str, Any], root: Place, answers: _Answers) -> dict[int, int]:
    """Row index of each measure number, for the evaluations and comments that refer to it."""
    place = root.at("measures")
    rows: list[dict[str, Any]] = []
    numbers: dict[int, int] = {}
    for index, entry in enumerate(array(document["measures"], place, missing_ok=False)):
        here = place.at(index)
        entry = mapping(entry, here)
        number = integer(entry.get("id"), here.at("id"), range(1, 2**53))
        row: dict[str, Any] = {}
        if number is not None:
            if number in numbers:
                raise here.at("id").fail(f"measure {number} is listed twice")
            numbers[number] = index
            row["number"] = number
        title = plain(entry.get("title"), here.at("title"))
        if title:
            row["title"] = " ".join(title.split())
        content = rich(entry.get("content"), here.at("content"))
        if content:
            row["description"] = content
        placeholder = plain(entry.get("placeholder"), here.at("placeholder"))
        if placeholder:
            row["knowledge_base_entry"] = placeholder
        for column, key in (
            ("title", "title"),
            ("description", "content"),
            ("knowledge_base_entry", "placeholder"),
        ):
            answers.cell("measures", column, row.get(column), here.at(key))
        rows.append(row)
    answers.set("measures", rows, place)
    return numbers


_EVALUATION_KEYS = {
    "evaluation": "status",
    "evaluation_comment": "evaluation_comment",
    "action_plan": "action_plan_comment",
    "action_due": "estimated_implementation_date",
    "action_owner": "person_in_charge",
}


def _evaluation_fields(entry: dict[str, Any], here: Place) -> dict[str, Any]:
    status = integer(entry.get("status"), here.at("status"), range(0, 4))
    return {
        "evaluation": None if status is None else cnil.EVALUATION_STATUS[status],
        "evaluation_comment": rich(entry.get("evaluation_comment"), here.at("evaluation_comment")),
        "action_plan": rich(entry.get("action_plan_comment"), here.at("action_plan_comment")),
        "action_due": calendar_day(
            entry.get("estimated_implementation_date"), here.at("estimated_implementation_date")
        ),
        "action_owner": plain(entry.get("person_in_charge"), here.at("person_in_charge")),
    }


def _gauges(entry: dict[str, Any], here: Place) -> tuple[int, int]:
    value = entry.get("gauges")
    if value is None:
        return 0, 0
    if isinstance(value, str):
        # The server build has been seen writing the object as a JSON string.
        try:
            value = json.loads(value)
        except ValueError:
            raise here.at("gauges").fail(f"expected {{x, y}}, got {value!r}") from None
    gauges = mapping(value, here.at("gauges"))
    severity = integer(gauges.get("x"), here.at("gauges").at("x"), range(0, 5)) or 0
    likelihood = integer(gauges.get("y"), here.at("gauges").at("y"), range(0, 5)) or 0
    return severity, likelihood


def _evaluations(
    document: dict[str, Any],
    root: Place,
    answers: _Answers,
    measure_numbers: dict[int, int],
    notes: list[str],
) -> None:
    place = root.at("evaluations")
    measure_rows = [dict(row) for row in answers.values.get("measures", [])]
    seen: dict[str, str] = {}
    for index, entry in enumerate(array(document["evaluations"], place, missing_ok=False)):
        here = place.at(index)
        entry = mapping(entry, here)
        reference = entry.get("reference_to")
        if isinstance(reference, int) and not isinstance(reference, bool):
            reference = str(reference)
        reference = string(reference, here.at("reference_to"))
        if not reference:
            raise here.at("reference_to").fail("missing: each evaluation names what it evaluates")
        reference = reference.strip()
        if reference in seen:
            raise here.fail(f"a second evaluation of {reference} (the first is {seen[reference]})")
        seen[reference] = here.path
        fields = _evaluation_fields(entry, here)
        severity, likelihood = _gauges(entry, here)
        parts = reference.split(".")
        item = ".".join(parts[:2])
        if reference in cnil.ITEM_EVALUATIONS:
            prefix = cnil.ITEM_EVALUATIONS[reference]
            for name, value in fields.items():
                answers.set(f"{prefix}_{name}", value, here.at(_EVALUATION_KEYS[name]))
            if reference in cnil.RISK_EVALUATIONS:
                if severity:
                    answers.set(
                        f"{prefix}_corrected_severity",
                        cnil.GAUGE_LEVELS[severity],
                        here.at("gauges"),
                    )
                if likelihood:
                    answers.set(
                        f"{prefix}_corrected_likelihood",
                        cnil.GAUGE_LEVELS[likelihood],
                        here.at("gauges"),
                    )
                continue
        elif len(parts) == 3 and item in cnil.QUESTION_EVALUATED_ITEMS:
            number = integer(parts[2], here.at("reference_to"))
            if cnil.ITEM_OF_QUESTION.get(number or 0) != item or number not in cnil.TEXT_ANSWERS:
                raise here.at("reference_to").fail(
                    f"{reference!r} names no question of item {item}"
                )
            prefix = cnil.TEXT_ANSWERS[number]
            for name, value in fields.items():
                answers.set(f"{prefix}_{name}", value, here.at(_EVALUATION_KEYS[name]))
        elif len(parts) == 3 and item == cnil.MEASURE_ITEM:
            number = integer(parts[2], here.at("reference_to"))
            if number not in measure_numbers:
                notes.append(
                    f"{here.path} evaluates measure {parts[2]}, which is no longer in the PIA; "
                    "the PIA tool does not show it, and it was not imported"
                )
                continue
            row = measure_rows[measure_numbers[number]]
            for name, value in fields.items():
                answers.cell("measures", name, value, here.at(_EVALUATION_KEYS[name]))
            row.update({name: value for name, value in fields.items() if value is not None})
        else:
            raise here.at("reference_to").fail(
                f"{reference!r} is not something the CNIL method evaluates (1.1, 1.2, "
                "2.1.<question>, 2.2.<question>, 3.1.<measure>, 3.2, 3.3 or 3.4)"
            )
        if severity or likelihood:
            notes.append(
                f"{here.path} ({reference}) carries re-estimated gauges, which the method only "
                "gives risks; they were not imported"
            )
    if measure_rows:
        answers.values.pop("measures", None)
        answers.set("measures", _plain_rows(measure_rows), place)


def _plain_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in r.items()} for r in rows]


def _comments(
    document: dict[str, Any],
    root: Place,
    answers: _Answers,
    measure_numbers: dict[int, int],
    notes: list[str],
) -> None:
    place = root.at("comments")
    rows = []
    for index, entry in enumerate(array(document["comments"], place, missing_ok=False)):
        here = place.at(index)
        entry = mapping(entry, here)
        text = plain(entry.get("description"), here.at("description"))
        if not text:
            continue
        number = integer(entry.get("reference_to"), here.at("reference_to"))
        for_measure = boolean(entry.get("for_measure"), here.at("for_measure"))
        answers.cell("comments", "text", text, here.at("description"))
        row: dict[str, Any] = {"text": text}
        if for_measure:
            if number is None:
                raise here.at("reference_to").fail("missing: the comment names no measure")
            row["measure"] = number
            if number not in measure_numbers:
                notes.append(f"{here.path} is about measure {number}, which is no longer listed")
        elif number in cnil.COMMENTABLE:
            row["question"] = cnil.COMMENTABLE[number]
        else:
            raise here.at("reference_to").fail(
                f"{number!r} is not a question of the CNIL method, and for_measure is not true"
            )
        written = string(entry.get("created_at"), here.at("created_at"))
        if written:
            timestamp(written, here.at("created_at"))
            row["written_at"] = written.strip()
        rows.append(row)
    answers.set("comments", rows, place)


def _pia(
    pia: dict[str, Any],
    place: Place,
    answers: _Answers,
    organisation: str | None,
    notes: list[str],
) -> dict[str, Any]:
    name = plain(pia.get("name"), place.at("name"))
    if not name:
        raise place.at("name").fail("missing: the PIA has no name")
    users = _users(pia.get("user_pias"), place.at("user_pias"))
    author = plain(pia.get("author_name"), place.at("author_name")) or users.get("author")
    evaluator = plain(pia.get("evaluator_name"), place.at("evaluator_name"))
    validator = plain(pia.get("validator_name"), place.at("validator_name"))
    answers.set("author", author, place.at("author_name"))
    answers.set("evaluator", evaluator or users.get("evaluator"), place.at("evaluator_name"))
    answers.set("validator", validator or users.get("validator"), place.at("validator_name"))
    status = integer(pia.get("status"), place.at("status"), range(0, 5))
    answers.set(
        "pia_status", None if status is None else cnil.PIA_STATUS[status], place.at("status")
    )
    dpo = integer(pia.get("dpo_status"), place.at("dpo_status"), range(0, 2))
    answers.set("dpo_names", plain(pia.get("dpos_names"), place.at("dpos_names")), place)
    answers.set(
        "dpo_opinion_status",
        None if dpo is None else cnil.OPINION_STATUS[dpo],
        place.at("dpo_status"),
    )
    answers.set("dpo_opinion", plain(pia.get("dpo_opinion"), place.at("dpo_opinion")), place)
    sought = boolean(
        pia.get("concerned_people_searched_opinion"),
        place.at("concerned_people_searched_opinion"),
    )
    answers.set("subjects_opinion_sought", sought, place.at("concerned_people_searched_opinion"))
    key = "concerned_people_searched_content"
    answers.set("subjects_opinion_not_sought_reason", plain(pia.get(key), place.at(key)), place)
    answers.set("subjects_names", plain(pia.get("people_names"), place.at("people_names")), place)
    people = integer(
        pia.get("concerned_people_status"), place.at("concerned_people_status"), range(0, 2)
    )
    answers.set(
        "subjects_opinion_status",
        None if people is None else cnil.OPINION_STATUS[people],
        place.at("concerned_people_status"),
    )
    key = "concerned_people_opinion"
    answers.set("subjects_opinion", plain(pia.get(key), place.at(key)), place)
    for ours, spellings in (
        ("rejection_reason", ("rejection_reason", "rejected_reason")),
        ("applied_adjustments", ("applied_adjustments", "applied_adjustements")),
    ):
        for spelling in spellings:
            answers.set(ours, plain(pia.get(spelling), place.at(spelling)), place.at(spelling))
    number = integer(pia.get("id"), place.at("id"), range(0, 2**53))
    answers.set("pia_number", number, place.at("id"))
    answers.set("pia_category", plain(pia.get("category"), place.at("category")), place)
    created = timestamp(pia.get("created_at"), place.at("created_at"))
    updated = timestamp(pia.get("updated_at"), place.at("updated_at"))
    for question_id, key in (("pia_created_at", "created_at"), ("pia_updated_at", "updated_at")):
        raw = string(pia.get(key), place.at(key))
        answers.set(question_id, raw.strip() if raw else None, place.at(key))
    key = "structure_name"
    answers.set("structure_name", plain(pia.get(key), place.at(key)), place.at(key))
    key = "structure_sector_name"
    answers.set("structure_sector", plain(pia.get(key), place.at(key)), place.at(key))
    moment = updated or created
    if moment is None:
        raise place.at("created_at").fail("missing: the PIA has no creation date")
    if not organisation:
        notes.append(
            "the PIA file does not name the organisation; pass --organisation or set "
            "assessment.organisation in the answers file"
        )
    return {
        "id": None,
        "title": name,
        "organisation": organisation or ORGANISATION_UNKNOWN,
        "assessor": author or _UNNAMED,
        "date": moment.astimezone(dt.UTC).date().isoformat(),
    }


def _users(value: Any, place: Place) -> dict[str, str]:
    """Names by role from the server build's `user_pias`, for files without the name fields."""
    names: dict[str, list[str]] = {}
    for index, entry in enumerate(array(value, place)):
        here = place.at(index)
        entry = mapping(entry, here)
        role = string(entry.get("role"), here.at("role"))
        user = mapping(entry.get("user") or {}, here.at("user"))
        full = " ".join(
            part
            for part in (
                plain(user.get("firstname"), here.at("user").at("firstname")),
                plain(user.get("lastname"), here.at("user").at("lastname")),
            )
            if part
        )
        if role and full:
            names.setdefault(role, []).append(full)
    return {role: ", ".join(people) for role, people in names.items()}


def _attachments(
    pia_file: PiaFile,
    answers: _Answers,
    paths: Callable[[int, str], str] | None,
    root: Place,
) -> None:
    rows = []
    for index, attachment in enumerate(pia_file.attachments):
        path = paths(index, attachment.name) if paths else attachment.name
        rows.append(
            {
                "name": attachment.name,
                "path": path,
                "bytes": len(attachment.content),
                "sha256": attachment.sha256,
            }
        )
    answers.set("attachments", rows, root)
