"""The answers inside the document: a custom XML part that `dpia import` reads back.

A Word DPIA travels: it is emailed, signed, filed in a DMS. Carrying the exact answers file in
the .docx (as `customXml/itemN.xml`, which Word preserves through edits) means the assessment
can always be re-opened, re-scored or re-rendered from the document alone. The record is
fingerprinted; a record edited by hand afterwards no longer matches and is refused.
"""

import datetime as dt
import hashlib
import io
import json
import uuid
import zipfile
import zlib
from typing import Any

from docx.opc.package import OpcPackage
from lxml import etree
from pydantic import BaseModel, ConfigDict, ValidationError

from .._assessment import AnswersCheck, Assessment, assessment_from_source
from .._errors import SourceError
from .._library import questionnaire_for
from .._source import read_source
from ..questionnaire import Questionnaire
from ..questionnaire._types import TableQuestion
from ._ooxml import add_custom_xml, custom_xml_blobs, drop_custom_xml
from ._package import check_package
from ._xml_escapes import xml_attribute, xml_text

__all__ = [
    "NAMESPACE",
    "EmbeddedRecord",
    "answers_in_order",
    "embed_record",
    "embedded_answers_check",
    "read_embedded",
    "read_record",
    "record_for",
]

NAMESPACE = "urn:x-dpia:embedded-assessment:1"
_MAX_DOCX_BYTES = 64 * 1024 * 1024


class EmbeddedRecord(BaseModel):
    """What a rendered document carries about itself."""

    # Validator built on first use: a command validates few of these models, and one

    # held by another is validated within it, so building each at import is wasted.

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    questionnaire: str
    questionnaire_title: str
    version: int
    status: str
    as_of: dt.date
    answers_file: dict[str, Any]

    def canonical(self) -> bytes:
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical record: the same inputs always give the same value."""
        return hashlib.sha256(self.canonical()).hexdigest()

    @property
    def item_id(self) -> str:
        return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, NAMESPACE + self.fingerprint)).upper() + "}"


def record_for(
    questionnaire: Questionnaire, assessment: Assessment, version: int, status: str, as_of: dt.date
) -> EmbeddedRecord:
    return EmbeddedRecord(
        questionnaire=questionnaire.ref,
        questionnaire_title=questionnaire.title,
        version=version,
        status=status,
        as_of=as_of,
        answers_file=answers_in_order(questionnaire, assessment.to_file()),
    )


_FILE_ORDER = ("questionnaire", "assessment", "answers", "plan", "signoff")


def answers_in_order(questionnaire: Questionnaire, answers_file: dict[str, Any]) -> dict[str, Any]:
    """The answers file with every mapping in one order, however it was built.

    A session that edited an answer holds its keys in another order than one that reloaded the
    draft, and the bytes of the document (which every signatory must sign alike) must not
    depend on that. The order is the one a reader expects when the file is restored: the parts
    of the file as documented, answers and table columns in the questionnaire's order, and
    everything else by name. Lists keep their order: it is part of the answer.
    """
    place = {question_id: n for n, question_id in enumerate(questionnaire.question_ids())}
    ordered: dict[str, Any] = {}
    for key in sorted(answers_file, key=lambda k: (_rank(_FILE_ORDER, k), k)):
        value = answers_file[key]
        if key == "answers" and isinstance(value, dict):
            ordered[key] = {
                question_id: _table_rows(questionnaire, question_id, value[question_id])
                for question_id in sorted(value, key=lambda q: (place.get(q, len(place)), q))
            }
        elif key in ("assessment", "signoff"):
            ordered[key] = value  # a model's dump: its fields' order is fixed by the model
        else:
            ordered[key] = _sorted(value)
    return ordered


def _rank(order: tuple[str, ...], key: str) -> int:
    return order.index(key) if key in order else len(order)


def _table_rows(questionnaire: Questionnaire, question_id: str, value: Any) -> Any:
    try:
        question = questionnaire.question(question_id)
    except KeyError:
        return _sorted(value)
    if not isinstance(question, TableQuestion) or not isinstance(value, list):
        return _sorted(value)
    columns = tuple(c.id for c in question.columns)
    return [
        {k: row[k] for k in sorted(row, key=lambda c: (_rank(columns, c), c))}
        if isinstance(row, dict)
        else row
        for row in value
    ]


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _record_xml(record: EmbeddedRecord) -> bytes:
    answers = json.dumps(record.answers_file, ensure_ascii=False, indent=1)
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<assessment xmlns={xml_attribute(NAMESPACE)} format="1"'
        f" fingerprint={xml_attribute(record.fingerprint)}>"
        f"<questionnaire ref={xml_attribute(record.questionnaire)}"
        f" title={xml_attribute(record.questionnaire_title)}/>"
        f'<document version="{record.version}" status={xml_attribute(record.status)}'
        f' as-of="{record.as_of.isoformat()}"/>'
        f'<answers media-type="application/json">{xml_text(answers)}</answers>'
        "</assessment>"
    ).encode()


def embed_record(document: Any, record: EmbeddedRecord) -> None:
    """Replace any earlier record (a DPIA reused as house style) with this one."""
    part = document.part
    drop_custom_xml(part, NAMESPACE)
    add_custom_xml(part, _record_xml(record), record.item_id, NAMESPACE)


_DAMAGED_PACKAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    AttributeError,
    NotImplementedError,
    RuntimeError,
    etree.XMLSyntaxError,
)
"""What python-docx and zipfile raise for a damaged package: bad CRC or deflate data, a part
cut short, an unsupported or encrypted compression, missing relationships, broken XML."""


def read_record(docx: bytes) -> EmbeddedRecord:
    """The record a document carries; SourceError if it has none or it was altered."""
    if len(docx) > _MAX_DOCX_BYTES:
        raise SourceError(f"the document is {len(docx):,} bytes; at most {_MAX_DOCX_BYTES:,}")
    check_package(docx)
    try:
        package = OpcPackage.open(io.BytesIO(docx))
        blobs = custom_xml_blobs(package.main_document_part, NAMESPACE)
    except _DAMAGED_PACKAGE as exc:
        raise SourceError(f"not a Word document (.docx): {_reason(exc)}") from None
    if not blobs:
        raise SourceError(
            "this Word document carries no dpia answers: it was not produced by `dpia render`, "
            "or the embedded part was removed"
        )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(blobs[0], parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"the embedded dpia answers are damaged: {exc}") from None
    ns = {"d": NAMESPACE}
    try:
        questionnaire = root.find("d:questionnaire", ns)
        document = root.find("d:document", ns)
        answers = root.findtext("d:answers", namespaces=ns)
        record = EmbeddedRecord(
            questionnaire=questionnaire.get("ref"),
            questionnaire_title=questionnaire.get("title"),
            version=int(document.get("version")),
            status=document.get("status"),
            as_of=dt.date.fromisoformat(document.get("as-of")),
            answers_file=json.loads(answers or ""),
        )
    except (AttributeError, TypeError, ValueError, ValidationError) as exc:
        raise SourceError(f"the embedded dpia answers are damaged: {exc}") from None
    if record.fingerprint != root.get("fingerprint"):
        raise SourceError(
            "the embedded dpia answers were changed after the document was produced: their "
            "fingerprint no longer matches"
        )
    return record


def _reason(exc: BaseException) -> str:
    """KeyError quotes its message; the reader wants the words."""
    return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)


def read_embedded(docx: bytes, questionnaire: Questionnaire | None = None) -> Assessment:
    """The Assessment a document was rendered from, validated against its questionnaire.

    Without `questionnaire`, the one the document names is looked up in the questionnaire
    folder (DPIA_QUESTIONNAIRES), exactly as for an answers file.
    """
    return embedded_answers_check(docx, questionnaire).assessment


def embedded_answers_check(docx: bytes, questionnaire: Questionnaire | None = None) -> AnswersCheck:
    """The check of the embedded answers, with the notes of a migration when the document was
    rendered from an earlier questionnaire version."""
    record = read_record(docx)
    questionnaire = questionnaire or questionnaire_for(record.questionnaire)
    answers_json = json.dumps(record.answers_file, ensure_ascii=False).encode()
    source = read_source(answers_json, name="embedded answers")
    return assessment_from_source(source, questionnaire)
