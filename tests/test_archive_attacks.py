"""Each rewrite of the record reproduced against the previous archive, by an attacker who owns the
database: guards switched off, every hash recomputed with the public formats. On both databases
`dpia archive verify` names what was done, and the next honest write refuses to vouch for it.
"""

from __future__ import annotations

import json

import pytest
from archive_support import (
    BACKENDS,
    QUESTIONNAIRE_TEXT,
    REPORT,
    answers_for,
    opened,
    temporary_database,
)
from sqlalchemy import text
from tamper import tamper

from dpia import ArchiveIntegrityError
from dpia.archive import (
    audit_record,
    canonical_json,
    chain_hash,
    export_bag,
    grant_role,
    link,
    sha256_hex,
    status_record,
    version_record,
)
from dpia.archive import grant_record as role_record


@pytest.fixture(params=BACKENDS)
def archive(request, tmp_path):
    for url in temporary_database(request.param, tmp_path):
        yield from opened(url)


def _problems(archive) -> list[str]:
    return [str(b) for b in archive.verify().breaks]


def _one(archive, query: str, **params):
    with archive.engine.connect() as connection:
        return connection.execute(text(query), params).one()


def _checkpoint(archive) -> int:
    return archive.verify().checkpoint.sequence


def _two_versions(archive):
    first = archive.add_version(
        answers_for(), REPORT, QUESTIONNAIRE_TEXT, actor="dana", document=b"first document"
    )
    second = archive.add_version(
        answers_for(first.assessment_id, headcount=41), REPORT, QUESTIONNAIRE_TEXT, actor="dana"
    )
    return first, second


def _refuses_the_next_write(archive, assessment_id):
    with pytest.raises(ArchiveIntegrityError, match="Nothing was written") as refused:
        archive.add_version(answers_for(assessment_id, headcount=99), REPORT, "q", actor="next")
    return str(refused.value)


def _event(archive, action: str, assessment_id: str, number: int) -> str:
    row = _one(
        archive,
        "SELECT id, actor, at FROM audit_events WHERE action = :action "
        "AND assessment_id = :a AND version_number = :n ORDER BY id LIMIT 1",
        action=action,
        a=assessment_id,
        n=number,
    )
    return f"audit event #{row.id} ({action} by {row.actor} at {row.at})"


def _forged_audit_event(archive, **fields) -> dict:
    """The next audit row as dpia would have written it, chained onto the current head."""
    last = _one(archive, "SELECT id, chain_hash FROM audit_events ORDER BY id DESC LIMIT 1")
    record = audit_record(**fields)
    return {
        **{k: v for k, v in fields.items() if k != "details"},
        "id": last.id + 1,
        "record_json": record.decode(),
        "prev_chain_hash": last.chain_hash,
        "chain_hash": link(last.chain_hash, record),
    }


_INSERT_EVENT = (
    "INSERT INTO audit_events (id, at, actor, action, assessment_id, version_number, "
    "subject_sha256, record_json, prev_chain_hash, chain_hash) VALUES (:id, :at, :actor, "
    ":action, :assessment_id, :version_number, :subject_sha256, :record_json, "
    ":prev_chain_hash, :chain_hash)"
)


def test_the_latest_version_replaced_with_recomputed_hashes_and_a_second_audit_row(archive):
    """INSERT OR REPLACE on SQLite, ON CONFLICT DO UPDATE on PostgreSQL: the forged v2 links to
    v1, its hashes are right, and a second version.added event names it."""
    first, second = _two_versions(archive)
    aid = first.assessment_id
    original = _event(archive, "version.added", aid, 2)
    stored = _one(archive, "SELECT * FROM versions WHERE number = 2")
    answers = canonical_json(answers_for(aid, headcount=4000)).decode()
    at = stored.created_at
    record = version_record(
        assessment_id=aid,
        number=2,
        questionnaire=stored.questionnaire,
        questionnaire_sha256=stored.questionnaire_sha256,
        answers_sha256=sha256_hex(answers.encode()),
        report_sha256=sha256_hex(stored.report_json.encode()),
        document_sha256=None,
        signatures={},
        author="dana",
        created_at=at,
        review_due=stored.review_due,
    )
    content = sha256_hex(record)
    forged_chain = chain_hash(first.chain_hash, content)
    columns = (
        "id, assessment_id, number, questionnaire, questionnaire_sha256, answers_json, "
        "report_json, document_sha256, author, created_at, review_due, record_json, "
        "content_sha256, prev_chain_hash, chain_hash"
    )
    values = {
        **stored._asdict(),
        "answers_json": answers,
        "record_json": record.decode(),
        "content_sha256": content,
        "chain_hash": forged_chain,
    }
    placeholders = ", ".join(f":{c.strip()}" for c in columns.split(","))
    if archive.engine.dialect.name == "sqlite":
        replace = f"INSERT OR REPLACE INTO versions ({columns}) VALUES ({placeholders})"
    else:
        replace = (
            f"INSERT INTO versions ({columns}) VALUES ({placeholders}) "
            "ON CONFLICT (assessment_id, number) DO UPDATE SET answers_json = "
            "excluded.answers_json, record_json = excluded.record_json, content_sha256 = "
            "excluded.content_sha256, chain_hash = excluded.chain_hash"
        )
    tamper(archive.engine, ["versions"], replace, **values)
    second_event = _forged_audit_event(
        archive,
        at=at,
        actor="dana",
        action="version.added",
        assessment_id=aid,
        version_number=2,
        subject_sha256=forged_chain,
        details={"content_sha256": content, "chain_hash": forged_chain},
    )
    tamper(archive.engine, ["audit_events"], _INSERT_EVENT, **second_event)
    assert archive.version(aid, 2).answers["answers"]["headcount"] == 4000
    assert _problems(archive) == [
        f"{aid} v2: audit event #{second_event['id']} (version.added) was added after the "
        "latest checkpoint: not by dpia",
        f"{aid} v2: the version was replaced: {original} recorded content "
        f"{second.content_sha256}, the stored version has {content}",
    ]
    assert "audit_events ends at row" in _refuses_the_next_write(archive, aid)


def test_rewritten_status_changes_with_the_audit_log_rechained(archive):
    """in_review becomes approved; the status row, its audit event and every later link are
    recomputed, so only the signed checkpoint still remembers the truth."""
    first, _ = _two_versions(archive)
    aid = first.assessment_id
    archive.set_status(aid, 1, "in_review", actor="dana")
    signed = _checkpoint(archive)
    row = _one(archive, "SELECT * FROM version_statuses")
    record = status_record(
        assessment_id=aid, number=1, status="approved", actor="dpo@example.org", at=row.at,
        note="approved by the DPO",
    )  # fmt: skip
    forged_chain = link(row.prev_chain_hash, record)
    tamper(
        archive.engine,
        ["version_statuses"],
        "UPDATE version_statuses SET status = 'approved', actor = 'dpo@example.org', "
        "note = 'approved by the DPO', record_json = :record, chain_hash = :chain",
        record=record.decode(),
        chain=forged_chain,
    )
    event = _one(archive, "SELECT * FROM audit_events WHERE action = 'status.changed'")
    details = {"from": "draft", "to": "approved", "note": "approved by the DPO"}
    _rechain_audit_from(
        archive,
        event.id,
        {"actor": "dpo@example.org", "subject_sha256": forged_chain, "details": details},
    )
    assert archive.history(aid)[0].status == "approved"
    last = _one(archive, "SELECT max(id) AS id FROM audit_events").id
    assert _problems(archive) == [
        f"audit_events: the chain was rewritten: row #{last} no longer has the hash "
        f"checkpoint #{signed} signed"
    ]
    assert "audit_events chain no longer ends" in _refuses_the_next_write(archive, aid)


def test_a_status_change_slipped_in_without_its_audit_event_is_named(archive):
    """Chained onto the status history with the public formats, but no status.changed event
    records it: verify names the change, not only the checkpoint's count."""
    first, _ = _two_versions(archive)
    aid = first.assessment_id
    archive.set_status(aid, 1, "in_review", actor="dana")
    last = _one(archive, "SELECT * FROM version_statuses ORDER BY id DESC LIMIT 1")
    version = _one(archive, "SELECT id FROM versions WHERE number = 2")
    at = "2026-12-01T09:00:00.000000Z"
    record = status_record(
        assessment_id=aid, number=2, status="in_review", actor="dana", at=at, note="",
    )  # fmt: skip
    tamper(
        archive.engine,
        ["version_statuses"],
        "INSERT INTO version_statuses (version_id, assessment_id, number, status, actor, at, "
        "note, record_json, prev_chain_hash, chain_hash) VALUES (:version, :aid, 2, "
        "'in_review', 'dana', :at, '', :record, :prev, :chain)",
        version=version.id,
        aid=aid,
        at=at,
        record=record.decode(),
        prev=last.chain_hash,
        chain=link(last.chain_hash, record),
    )
    problems = _problems(archive)
    where = f"{aid} v2: the status change to 'in_review' at {at}"
    assert problems[:2] == [
        f"{where} was added after the latest checkpoint: not by dpia",
        f"{where}: no status.changed event in the audit log names it",
    ]


def _rechain_audit_from(archive, first_id: int, changes: dict) -> None:
    """Rewrite one audit event and recompute the chain of it and every event after it."""
    with archive.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT * FROM audit_events WHERE id >= :id ORDER BY id"), {"id": first_id}
        ).all()
    prev = rows[0].prev_chain_hash
    for row in rows:
        fields = json.loads(row.record_json)
        fields.pop("format")
        if row.id == first_id:
            fields.update(changes)
        record = audit_record(**fields)
        chain = link(prev, record)
        tamper(
            archive.engine,
            ["audit_events"],
            "UPDATE audit_events SET actor = :actor, subject_sha256 = :subject, "
            "record_json = :record, prev_chain_hash = :prev, chain_hash = :chain WHERE id = :id",
            actor=fields["actor"],
            subject=fields["subject_sha256"],
            record=record.decode(),
            prev=prev,
            chain=chain,
            id=row.id,
        )
        prev = chain


def test_a_rewritten_audit_row_is_caught_by_its_record_and_its_chain(archive):
    first, _ = _two_versions(archive)
    aid = first.assessment_id
    event = _one(archive, "SELECT * FROM audit_events WHERE action = 'version.added' LIMIT 1")
    fields = json.loads(event.record_json)
    fields.pop("format")
    fields["actor"] = "someone.else@example.org"
    tamper(
        archive.engine,
        ["audit_events"],
        "UPDATE audit_events SET actor = :actor, record_json = :record WHERE id = :id",
        actor=fields["actor"],
        record=audit_record(**fields).decode(),
        id=event.id,
    )
    assert _problems(archive) == [
        f"{aid} v1: audit event #{event.id} (version.added): the chain hash does not match its "
        "record"
    ]


def test_rewritten_role_grants_with_their_chain_recomputed(archive):
    """A viewer made DPO after the fact: the grant and every later link recomputed."""
    grant_role(archive, "lea@example.org", "legal_viewer", actor="admin@example.org")
    grant_role(archive, "dana@example.org", "author", actor="admin@example.org")
    signed = _checkpoint(archive)
    with archive.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM role_grants ORDER BY id")).all()
    prev = rows[0].prev_chain_hash
    for row in rows:
        role = "dpo" if row.person == "lea@example.org" else row.role
        record = role_record(
            person=row.person, role=role, granted=bool(row.granted), actor=row.actor, at=row.at
        )
        chain = link(prev, record)
        tamper(
            archive.engine,
            ["role_grants"],
            "UPDATE role_grants SET role = :role, record_json = :record, prev_chain_hash = :prev,"
            " chain_hash = :chain WHERE id = :id",
            role=role,
            record=record.decode(),
            prev=prev,
            chain=chain,
            id=row.id,
        )
        prev = chain
    from dpia.archive import roles_by_person

    assert roles_by_person(archive)["lea@example.org"] == {"dpo"}
    assert _problems(archive) == [
        f"role_grants: the chain was rewritten: row #{rows[-1].id} no longer has the hash "
        f"checkpoint #{signed} signed"
    ]


def test_each_missing_blob_of_a_version_is_named_for_every_version_naming_it(archive):
    first, _ = _two_versions(archive)
    aid, questionnaire = first.assessment_id, first.questionnaire_sha256
    signed = _checkpoint(archive)
    tamper(
        archive.engine,
        ["blobs"],
        "DELETE FROM blobs WHERE sha256 IN (:questionnaire, :document)",
        questionnaire=questionnaire,
        document=first.document_sha256,
    )
    snapshot = f"the questionnaire snapshot (sha256 {questionnaire}) is missing from the archive"
    assert _problems(archive) == [
        f"{aid} v1: {snapshot}",
        f"{aid} v1: the document (sha256 {first.document_sha256}) is missing from the archive",
        f"{aid} v2: {snapshot}",
        f"blobs: checkpoint #{signed} counts 2 rows, the archive holds 0: 2 deleted",
    ]


@pytest.mark.parametrize("column", ["answers_json", "record_json"])
def test_stored_text_that_is_not_utf8_is_named_as_changed(tmp_path, column):
    """SQLite keeps whatever bytes are written as text; PostgreSQL refuses them."""
    for archive in opened(f"sqlite:///{tmp_path / 'archive.sqlite3'}"):
        first, _ = _two_versions(archive)
        tamper(
            archive.engine,
            ["versions"],
            f"UPDATE versions SET {column} = CAST(x'ff7b7d' AS TEXT) WHERE number = 1",
        )
        assert _problems(archive) == [
            f"{first.assessment_id} v1: the stored answers, report, signatures or metadata no "
            "longer match the version's content hash"
        ]


def test_a_deleted_document_blob_is_named_and_show_and_export_report_it(archive, tmp_path):
    first, _ = _two_versions(archive)
    aid = first.assessment_id
    signed = _checkpoint(archive)
    tamper(
        archive.engine,
        ["blobs"],
        "DELETE FROM blobs WHERE sha256 = :sha",
        sha=first.document_sha256,
    )
    assert _problems(archive) == [
        f"{aid} v1: the document (sha256 {first.document_sha256}) is missing from the archive",
        f"blobs: checkpoint #{signed} counts 2 rows, the archive holds 1: 1 deleted",
    ]
    damage = (
        f"{aid} v1 is damaged: the document (sha256 {first.document_sha256}) is missing from the "
        "archive. Run `dpia archive verify`"
    )
    with pytest.raises(ArchiveIntegrityError) as shown:
        archive.version(aid, 1)
    assert str(shown.value) == damage
    with pytest.raises(ArchiveIntegrityError) as exported:
        export_bag(archive, aid, tmp_path / "bag", number=1, actor="legal", pdf=False)
    assert str(exported.value) == damage
    assert not (tmp_path / "bag").exists()
    assert archive.version(aid, 2).number == 2


def test_the_latest_version_deleted_and_the_listing_lowered_to_match(archive):
    first, second = _two_versions(archive)
    aid = first.assessment_id
    signed = _checkpoint(archive)
    added = _event(archive, "version.added", aid, 2)
    tamper(archive.engine, ["versions"], "DELETE FROM versions WHERE number = 2")
    tamper(
        archive.engine,
        [],
        "UPDATE assessment_listing SET latest_version = 1, updated_at = :at",
        at=_one(archive, "SELECT created_at FROM versions WHERE number = 1").created_at,
    )
    assert archive.assessments()[0].latest_version == 1
    assert _problems(archive) == [
        f"{aid} v2: {added} records this version (content {second.content_sha256}), but the "
        "archive no longer holds it: it was deleted",
        f"versions: checkpoint #{signed} counts 2 rows, the archive holds 1: 1 deleted",
    ]


def test_a_version_above_the_latest_slipped_in_is_named_and_the_next_add_is_refused(archive):
    """Today's archive crashes the next `archive add` with IntegrityError; now it says why."""
    first, second = _two_versions(archive)
    aid = first.assessment_id
    stored = _one(archive, "SELECT * FROM versions WHERE number = 2")
    record = json.loads(stored.record_json)
    record.pop("format")
    record["number"] = 3
    forged = version_record(**record)
    content = sha256_hex(forged)
    tamper(
        archive.engine,
        ["versions"],
        "INSERT INTO versions (assessment_id, number, questionnaire, questionnaire_sha256, "
        "answers_json, report_json, author, created_at, review_due, record_json, "
        "content_sha256, prev_chain_hash, chain_hash) SELECT assessment_id, 3, questionnaire, "
        "questionnaire_sha256, answers_json, report_json, author, created_at, review_due, "
        ":record, :content, :prev, :chain FROM versions WHERE number = 2",
        record=forged.decode(),
        content=content,
        prev=second.chain_hash,
        chain=chain_hash(second.chain_hash, content),
    )
    problems = _problems(archive)
    assert problems[:2] == [
        f"{aid} v3: this version was added after the latest checkpoint: not by dpia",
        f"{aid} v3: no version.added event in the audit log names this version",
    ]
    assert problems[2].startswith(f"{aid}: the listing shows latest version 2 (the record says 3)")
    assert len(problems) == 3
    assert "versions ends at row" in _refuses_the_next_write(archive, aid)
    assert [v.number for v in archive.history(aid)] == [1, 2, 3]


def test_a_deleted_assessment_row_is_named_from_its_versions_and_its_audit_event(archive):
    first, _ = _two_versions(archive)
    aid = first.assessment_id
    signed = _checkpoint(archive)
    created = _one(archive, "SELECT id, actor, at FROM audit_events ORDER BY id LIMIT 1")
    tamper(
        archive.engine,
        ["assessment_listing", "assessments"],
        "DELETE FROM assessment_listing; DELETE FROM assessments"
        if archive.engine.dialect.name == "postgresql"
        else "DELETE FROM assessments",
    )
    if archive.engine.dialect.name == "sqlite":
        tamper(archive.engine, [], "DELETE FROM assessment_listing")
    assert _problems(archive) == [
        f"{aid}: the assessment's row is missing; audit event #{created.id} (assessment.created "
        f"by {created.actor} at {created.at}) records its creation",
        f"assessments: checkpoint #{signed} counts 1 row, the archive holds 0: 1 deleted",
    ]
    with pytest.raises(ArchiveIntegrityError, match="its assessment row is missing"):
        archive.version(aid)
    assert archive.assessments() == []
