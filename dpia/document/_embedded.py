"""The answers inside the document: a custom XML part that `dpia import` reads back.

A Word DPIA travels: it is emailed, signed, filed in a DMS. Carrying the exact answers file in
the .docx (as `customXml/itemN.xml`, which Word preserves through edits) means the assessment
can always be re-opened, re-scored or re-rendered from the document alone. The record is
fingerprinted; a record edited by hand afterwards no longer matches and is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import uuid
import zipfile
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from docx.opc.package import OpcPackage
from lxml import etree
from pydantic import BaseModel, ConfigDict, ValidationError

from .._assessment import AnswersCheck, Assessment, assessment_from_source
from .._errors import SourceError
from .._library import questionnaire_for
from .._source import read_source
from ..questionnaire import Questionnaire
from ._ooxml import add_custom_xml, custom_xml_blobs, drop_custom_xml

__all__ = [
    "NAMESPACE",
    "EmbeddedRecord",
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

    model_config = ConfigDict(extra="forbid", frozen=True)

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
        answers_file=assessment.to_file(),
    )


def _record_xml(record: EmbeddedRecord) -> bytes:
    answers = json.dumps(record.answers_file, ensure_ascii=False, indent=1)
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<assessment xmlns={quoteattr(NAMESPACE)} format="1"'
        f" fingerprint={quoteattr(record.fingerprint)}>"
        f"<questionnaire ref={quoteattr(record.questionnaire)}"
        f" title={quoteattr(record.questionnaire_title)}/>"
        f'<document version="{record.version}" status={quoteattr(record.status)}'
        f' as-of="{record.as_of.isoformat()}"/>'
        f'<answers media-type="application/json">{escape(answers)}</answers>'
        "</assessment>"
    ).encode()


def embed_record(document: Any, record: EmbeddedRecord) -> None:
    """Replace any earlier record (a DPIA reused as house style) with this one."""
    part = document.part
    drop_custom_xml(part, NAMESPACE)
    add_custom_xml(part, _record_xml(record), record.item_id, NAMESPACE)


def read_record(docx: bytes) -> EmbeddedRecord:
    """The record a document carries; SourceError if it has none or it was altered."""
    if len(docx) > _MAX_DOCX_BYTES:
        raise SourceError(f"the document is {len(docx):,} bytes; at most {_MAX_DOCX_BYTES:,}")
    try:
        package = OpcPackage.open(io.BytesIO(docx))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError(f"not a Word document (.docx): {exc}") from None
    blobs = custom_xml_blobs(package.main_document_part, NAMESPACE)
    if not blobs:
        raise SourceError(
            "this Word document carries no dpia answers: it was not produced by `dpia render`, "
            "or the embedded part was removed"
        )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(blobs[0], parser)
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
