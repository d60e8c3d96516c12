"""The version walk of `verify`, and what every walk shares (`_verify_logs` has the others):
each table of the legal record read once, in chain order, streamed.

Memory stays flat whatever the archive's size: every walk is one ordered query read in batches
(server-side cursors on PostgreSQL), holding only the row in hand and the head of the chain it
is on. The comparisons of the audit log with the rows it describes, and of the rows with the
blobs they name, are done by the database on its indexes: whether every version and status
change has exactly one event is asked first, in the indexes' own order, and the walk joins each
row to its events only when the answer is no. Python only hashes stored bytes and reads each
stored record into a typed structure (msgspec, in C) to compare it with the columns that copy
it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import Connection, LargeBinary, and_, case, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ._canonical import GENESIS, RECORD_FORMAT
from ._driver_rows import driver_batches
from ._records import AuditAction
from ._schema import audit_events, blobs, signatures, versions

__all__ = ["Findings", "NamedWalk", "StoredBytes", "TableSeen", "stream", "walk_versions"]

_CHANGED = (
    "the stored answers, report, signatures or metadata no longer match the version's content hash"
)


class _VersionRecord(msgspec.Struct, forbid_unknown_fields=True):
    answers_sha256: str
    assessment_id: str
    author: str
    created_at: str
    document_sha256: str | None
    format: str
    number: int
    questionnaire: str
    questionnaire_sha256: str
    report_sha256: str
    review_due: str | None
    signatures: dict[str, str]
    signed_pdf_sha256: str | None = None


_decode_version = msgspec.json.Decoder(_VersionRecord).decode
_UNSIGNED: dict[str, str] = {}


class Findings:
    """The problems found so far, capped so that a ruined archive cannot exhaust memory."""

    def __init__(self, cap: int = 1000):
        self.cap = cap
        self.problems: list[tuple[str | None, int | None, str]] = []
        self.omitted = 0
        self.notes: list[str] = []

    def add(self, assessment_id: str | None, number: int | None, problem: str) -> None:
        if len(self.problems) < self.cap:
            self.problems.append((assessment_id, number, problem))
        else:
            self.omitted += 1


@dataclass
class TableSeen:
    """What a walk saw of one table: rows, the last id, and the chain hash at chosen ids."""

    count: int = 0
    last_id: int | None = None
    head: str | None = None
    hash_at: dict[int, str] = field(default_factory=dict)
    named: int = 0
    by_action: dict[str, int] = field(default_factory=dict)


class StoredBytes(FunctionElement[bytes]):
    """A text column as the UTF-8 bytes it holds, for the texts a walk only hashes or decodes.

    The driver would make each into a Python string, and the walk encode it straight back:
    for the answers, report and record of 100,000 versions, 20 ms of work that gave the same
    bytes. A value that is not valid text (bytes written behind dpia's back) is then hashed as
    it is, and named as changed, where decoding it would have stopped the walk.
    """

    type = LargeBinary()
    inherit_cache = True


@compiles(StoredBytes, "sqlite")
def _sqlite_bytes(element: StoredBytes, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS BLOB)"


@compiles(StoredBytes, "postgresql")
def _postgresql_bytes(element: StoredBytes, compiler: Any, **kw: Any) -> str:
    return f"convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')"


def stream(connection: Connection, query: Any) -> Iterator[tuple[Any, ...]]:
    for batch in driver_batches(connection, query):
        yield from batch


_QUESTIONNAIRE_MISSING, _DOCUMENT_MISSING, _PDF_MISSING = 1, 2, 4
_question_blob = blobs.alias("question_blob")
_document_blob = blobs.alias("document_blob")
_pdf_blob = blobs.alias("pdf_blob")
_VERSION_COLUMNS = (
    versions.c.id,
    versions.c.assessment_id,
    versions.c.number,
    versions.c.questionnaire,
    versions.c.questionnaire_sha256,
    StoredBytes(versions.c.answers_json),
    StoredBytes(versions.c.report_json),
    versions.c.document_sha256,
    versions.c.signed_pdf_sha256,
    versions.c.author,
    versions.c.created_at,
    versions.c.review_due,
    StoredBytes(versions.c.record_json),
    versions.c.content_sha256,
    versions.c.prev_chain_hash,
    versions.c.chain_hash,
    (
        case((_question_blob.c.sha256.is_(None), _QUESTIONNAIRE_MISSING), else_=0)
        + case(
            (
                and_(versions.c.document_sha256.is_not(None), _document_blob.c.sha256.is_(None)),
                _DOCUMENT_MISSING,
            ),
            else_=0,
        )
        + case(
            (
                and_(versions.c.signed_pdf_sha256.is_not(None), _pdf_blob.c.sha256.is_(None)),
                _PDF_MISSING,
            ),
            else_=0,
        )
    ).label("missing_blobs"),
)
"""One number says which blobs a version names are missing (0 for none): the three blob hashes
it replaces, each made into a Python string for every version, cost a walk of 100,000 versions
20 ms of its 270 ms of reading."""
_WITH_BLOBS = (
    versions.outerjoin(_question_blob, _question_blob.c.sha256 == versions.c.questionnaire_sha256)
    .outerjoin(_document_blob, _document_blob.c.sha256 == versions.c.document_sha256)
    .outerjoin(_pdf_blob, _pdf_blob.c.sha256 == versions.c.signed_pdf_sha256)
)


class NamedWalk:
    """A walk's query, and the same query joined to the audit events that name each row.

    The joined query gives one row per row and event naming it: none for a row without its
    event, one more for each further event, so the walk can name each. It visits the audit index
    at random, once per row, and costs more than the rest of the walk's reading; so the database
    is asked first, in one pass over two indexes in the same order (rows by chain hash), whether
    any row has not exactly one event. The usual answer is no, and the walk reads without the
    join, where the join could only have given one event per row.

    The question is put to each database in the form its planner answers in that one pass:
    SQLite looks up each row's events in the index as it goes; PostgreSQL ran that lookup as a
    subplan per row (a 100,000-version verify spent 140-570 ms on it) and answers the same
    question with the events counted per subject instead, merged with the rows (45-290 ms).
    """

    def __init__(
        self, columns: tuple[Any, ...], rows: Any, order: tuple[Any, ...], action: AuditAction
    ) -> None:
        table = columns[0].table
        event = audit_events.alias("event")
        named = and_(event.c.subject_sha256 == table.c.chain_hash, event.c.action == action.value)
        self._joined = (
            select(*columns, event.c.id.label("event_id"))
            .select_from(rows.outerjoin(event, named))
            .order_by(*order)
        )
        self._plain = (
            select(*columns, literal(1).label("event_id")).select_from(rows).order_by(*order)
        )
        events_naming = (
            select(func.count())
            .where(
                audit_events.c.subject_sha256 == table.c.chain_hash,
                audit_events.c.action == action.value,
            )
            .correlate(table)
            .scalar_subquery()
        )
        self._not_named_once = (
            select(table.c.chain_hash)
            .where(events_naming != 1)
            .order_by(table.c.chain_hash)
            .limit(1)
        )
        counted = (
            select(audit_events.c.subject_sha256, func.count().label("events"))
            .where(audit_events.c.action == action.value)
            .group_by(audit_events.c.subject_sha256)
            .subquery("counted")
        )
        self._not_named_once_counted = (
            select(table.c.chain_hash)
            .select_from(table.outerjoin(counted, counted.c.subject_sha256 == table.c.chain_hash))
            .where(or_(counted.c.events.is_(None), counted.c.events != 1))
            .limit(1)
        )

    def query(self, connection: Connection) -> Any:
        asked = (
            self._not_named_once_counted
            if connection.dialect.name == "postgresql"
            else self._not_named_once
        )
        each_named_once = connection.execute(asked).first() is None
        return self._plain if each_named_once else self._joined


_VERSION_WALK = NamedWalk(
    _VERSION_COLUMNS,
    _WITH_BLOBS,
    (versions.c.assessment_id, versions.c.number),
    AuditAction.VERSION_ADDED,
)


def walk_versions(
    connection: Connection, findings: Findings, damaged: set[str], after_id: int | None
) -> tuple[TableSeen, TableSeen]:
    """Versions in chain order, each against its record, its chain, its blobs, its audit event
    and its signatures. Returns what was seen of versions and of signatures."""
    query = _VERSION_WALK.query(connection)
    signed = _signatures(connection, findings)
    pending = next(signed, None)
    seen, signature_seen = TableSeen(), TableSeen()
    # Counted in locals and stored once at the end: a dataclass attribute per row costs more.
    count = named_count = 0
    highest: int | None = None
    current: str | None = None
    last_key: tuple[str, int] | None = None
    expected_number, expected_prev = 1, GENESIS
    add = findings.add
    sha256 = hashlib.sha256
    decode = _decode_version
    for partition in driver_batches(connection, query):
        for (vid, aid, number, questionnaire, question_sha, answers, report, document_sha,
             pdf_sha, author, created_at, review_due, record_json, content, prev, chain,
             missing, event_id) in partition:  # fmt: skip
            if number == expected_number - 1 and (aid, number) == last_key:
                add(aid, number, "a second version.added event in the audit log names it")
                continue
            last_key = (aid, number)
            count += 1
            if highest is None or vid > highest:
                highest = vid
            if aid != current:
                current, expected_number, expected_prev = aid, 1, GENESIS
            # Both streams are in the same database order and every signature row belongs to
            # a stored version, so equal keys meet: no string comparison a collation could skew.
            # A version without signatures shares one empty mapping, only ever read.
            named: dict[str, str] = _UNSIGNED
            if pending is not None and pending[0] == aid and pending[1] == number:
                named = {}
            while pending is not None and pending[0] == aid and pending[1] == number:
                named[pending[2]] = pending[3]
                signature_seen.count += 1
                if signature_seen.last_id is None or pending[4] > signature_seen.last_id:
                    signature_seen.last_id = pending[4]
                pending = next(signed, None)
            if number > expected_number:
                span = (
                    f"version {expected_number} is"
                    if expected_number == number - 1
                    else f"versions {expected_number} to {number - 1} are"
                )
                add(aid, number, f"{span} missing before this one")
            if after_id is not None and vid > after_id:
                add(aid, number, "this version was added after the latest checkpoint: not by dpia")
            try:
                record = decode(record_json)
                intact = (
                    sha256(record_json).hexdigest() == content
                    and record.answers_sha256 == sha256(answers).hexdigest()
                    and record.report_sha256 == sha256(report).hexdigest()
                    and record.number == number
                    and record.assessment_id == aid
                    and record.created_at == created_at
                    and record.author == author
                    and record.questionnaire_sha256 == question_sha
                    and record.document_sha256 == document_sha
                    and record.signed_pdf_sha256 == pdf_sha
                    and record.questionnaire == questionnaire
                    and record.review_due == review_due
                    and record.signatures == named
                    and record.format == RECORD_FORMAT
                )
            except msgspec.DecodeError:
                intact = False
            if not intact:
                add(aid, number, _CHANGED)
            if prev != expected_prev:
                add(
                    aid,
                    number,
                    f"the link to the previous version is broken (prev_chain_hash {prev} is "
                    f"not the previous chain hash {expected_prev})",
                )
            if chain != sha256((prev + content).encode()).hexdigest():
                add(aid, number, "the chain hash is not sha256(prev_chain_hash + content_sha256)")
            if event_id is None:
                add(aid, number, "no version.added event in the audit log names this version")
            else:
                named_count += 1
            if missing:
                _missing_parts(add, aid, number, missing, question_sha, document_sha, pdf_sha)
            if damaged:
                _damaged_parts(
                    add, aid, number, damaged, question_sha, document_sha, named, pdf_sha
                )
            expected_number, expected_prev = number + 1, chain
    seen.count, seen.last_id, seen.named = count, highest, named_count
    return seen, signature_seen


def _missing_parts(
    add: Any,
    aid: str,
    number: int,
    missing: int,
    question_sha: str,
    document_sha: str | None,
    pdf_sha: str | None,
) -> None:
    if missing & _QUESTIONNAIRE_MISSING:
        add(aid, number, f"the questionnaire snapshot (sha256 {question_sha}) is missing from "
            "the archive")  # fmt: skip
    if missing & _DOCUMENT_MISSING:
        add(aid, number, f"the document (sha256 {document_sha}) is missing from the archive")
    if missing & _PDF_MISSING:
        add(aid, number, f"the signed PDF (sha256 {pdf_sha}) is missing from the archive")


def _damaged_parts(
    add: Any,
    aid: str,
    number: int,
    damaged: set[str],
    question_sha: str,
    document_sha: str | None,
    named: dict[str, str],
    pdf_sha: str | None,
) -> None:
    parts = [
        ("questionnaire snapshot", question_sha),
        ("document", document_sha),
        ("signed PDF", pdf_sha),
    ]
    for part, sha in parts:
        if sha in damaged:
            add(aid, number, f"the {part} was changed: its bytes no longer hash to {sha}")
    for signer, sha in named.items():
        if sha in damaged:
            add(
                aid,
                number,
                f"the signature {signer!r} was changed: its bytes no longer hash to {sha}",
            )


_signature_blob = blobs.alias("signature_blob")
_SIGNATURES = (
    select(
        versions.c.assessment_id,
        versions.c.number,
        signatures.c.signer,
        signatures.c.blob_sha256,
        signatures.c.id,
        _signature_blob.c.sha256.label("found"),
    )
    .select_from(
        signatures.join(versions, versions.c.id == signatures.c.version_id).outerjoin(
            _signature_blob, _signature_blob.c.sha256 == signatures.c.blob_sha256
        )
    )
    .order_by(versions.c.assessment_id, versions.c.number, signatures.c.signer)
)


_SIGNATURES_WITHOUT_VERSION = select(signatures.c.id, signatures.c.signer).where(
    ~select(versions.c.id).where(versions.c.id == signatures.c.version_id).exists()
)


def _signatures(connection: Connection, findings: Findings) -> Iterator[tuple[Any, ...]]:
    """Signature rows in the versions' order, for the version walk to merge; a signature whose
    version or blob is gone is reported here."""
    query = _SIGNATURES
    for orphan in connection.execute(_SIGNATURES_WITHOUT_VERSION):
        findings.add(
            None,
            None,
            f"signature row #{orphan.id} ({orphan.signer!r}) names a version that is not in "
            "the archive",
        )
    for aid, number, signer, sha, sid, found in stream(connection, query):
        if found is None:
            findings.add(
                aid, number, f"the signature {signer!r} (sha256 {sha}) is missing from the archive"
            )
        yield aid, number, signer, sha, sid
