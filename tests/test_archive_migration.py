"""An archive written at revision 0002 is upgraded to 0003, stays readable, is anchored, and
verifies; a version rewritten before the upgrade is still caught afterwards."""

from __future__ import annotations

import json

import pytest
from alembic import command
from archive_support import (
    BACKENDS,
    QUESTIONNAIRE_TEXT,
    REPORT,
    answers_for,
    schema_head,
    temporary_database,
)
from sqlalchemy import inspect, text
from tamper import tamper

from dpia.archive import (
    AuditAction,
    VersionStatus,
    archive_engine,
    canonical_json,
    chain_hash,
    open_archive,
    sha256_hex,
    version_record,
)
from dpia.archive._database import _alembic_config, writing
from dpia.cli import main

GENESIS = "0" * 64


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path, monkeypatch):
    for url in temporary_database(request.param, tmp_path):
        monkeypatch.setenv("DPIA_DATABASE_URL", url)
        yield url


class Revision0002:
    """Rows exactly as dpia wrote them at revision 0002 (its add_version, set_status and
    grant_role), so the upgrade meets a real archive of that revision."""

    def __init__(self, url: str):
        self.engine = archive_engine(url)
        with writing(self.engine) as connection:
            command.upgrade(_alembic_config(connection), "0002")
        self.clock = 0

    def now(self) -> str:
        self.clock += 1
        return f"2026-11-29T10:00:{self.clock:02d}.000000Z"

    def run(self, statement: str, **params) -> object:
        with self.engine.begin() as connection:
            return connection.execute(text(statement), params)

    def event(self, action, aid, number, details, actor="dana", at=None) -> None:
        self.run(
            "INSERT INTO audit_events (at, actor, action, assessment_id, version_number, "
            "details_json) VALUES (:at, :actor, :action, :aid, :n, :details)",
            at=at or self.now(),
            actor=actor,
            action=action,
            aid=aid,
            n=number,
            details=canonical_json(details).decode(),
        )

    def blob(self, content: bytes) -> str:
        sha = sha256_hex(content)
        with self.engine.begin() as connection:
            if not connection.execute(
                text("SELECT 1 FROM blobs WHERE sha256 = :s"), {"s": sha}
            ).first():
                connection.execute(
                    text("INSERT INTO blobs (sha256, size, content) VALUES (:s, :n, :c)"),
                    {"s": sha, "n": len(content), "c": content},
                )
        return sha

    def assessment(self, aid: str) -> None:
        at = self.now()
        self.run(
            "INSERT INTO assessments (id, title, organisation, created_at, created_by, "
            "latest_version, status, review_due, updated_at) VALUES (:id, :t, 'Example GmbH', "
            ":at, 'dana', 0, NULL, NULL, :at)",
            id=aid,
            t="Keystroke capture for the support assistant",
            at=at,
        )
        self.event(
            "assessment.created",
            aid,
            None,
            {
                "title": "Keystroke capture for the support assistant",
                "organisation": "Example GmbH",
            },
            at=at,
        )

    def version(self, aid: str, number: int, prev: str, document: bytes | None = None, **changes):
        at = self.now()
        answers = json.loads(canonical_json(answers_for(aid, **changes)))
        answers_text = canonical_json(answers).decode()
        report_text = canonical_json(REPORT).decode()
        questionnaire = self.blob(QUESTIONNAIRE_TEXT.encode())
        document_sha = None if document is None else self.blob(document)
        signed = {} if document is None else {"dana": self.blob(b"signature by dana")}
        content = sha256_hex(
            version_record(
                assessment_id=aid,
                number=number,
                questionnaire="mini@1.0",
                questionnaire_sha256=questionnaire,
                answers_sha256=sha256_hex(answers_text.encode()),
                report_sha256=sha256_hex(report_text.encode()),
                document_sha256=document_sha,
                signatures=signed,
                author="dana",
                created_at=at,
                review_due="2027-05-04",
            )
        )
        chain = chain_hash(prev, content)
        self.run(
            "INSERT INTO versions (assessment_id, number, questionnaire, questionnaire_sha256, "
            "answers_json, report_json, document_sha256, author, created_at, review_due, "
            "content_sha256, prev_chain_hash, chain_hash) VALUES (:aid, :n, 'mini@1.0', :q, :a, "
            ":r, :d, 'dana', :at, '2027-05-04', :c, :p, :h)",
            aid=aid, n=number, q=questionnaire, a=answers_text, r=report_text, d=document_sha,
            at=at, c=content, p=prev, h=chain,
        )  # fmt: skip
        vid = self.run(
            "SELECT id FROM versions WHERE assessment_id = :a AND number = :n", a=aid, n=number
        ).scalar_one()
        for signer, sha in signed.items():
            self.run(
                "INSERT INTO signatures (version_id, signer, blob_sha256) VALUES (:v, :s, :b)",
                v=vid,
                s=signer,
                b=sha,
            )
        self.run(
            "INSERT INTO version_statuses (version_id, status, actor, at, note) "
            "VALUES (:v, 'draft', 'dana', :at, '')",
            v=vid,
            at=at,
        )
        self.run(
            "UPDATE assessments SET latest_version = :n, status = 'draft', "
            "review_due = '2027-05-04', updated_at = :at WHERE id = :aid",
            n=number,
            at=at,
            aid=aid,
        )
        self.event(
            "version.added",
            aid,
            number,
            {"content_sha256": content, "document_sha256": document_sha, "signatures": signed},
            at=at,
        )
        return vid, content, chain

    def status(self, aid: str, number: int, vid: int, status: str, was: str) -> None:
        at = self.now()
        self.run(
            "INSERT INTO version_statuses (version_id, status, actor, at, note) "
            "VALUES (:v, :s, 'erik', :at, '')",
            v=vid,
            s=status,
            at=at,
        )
        self.event(
            "status.changed", aid, number, {"from": was, "to": status, "note": ""}, "erik", at
        )


def _upgrade(capsys) -> tuple[int, str, str]:
    code = main(["db", "upgrade"])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_archive_of_revision_0002_is_upgraded_readable_anchored_and_verifiable(
    database, capsys, tmp_path
):
    old = Revision0002(database)
    old.assessment("A-2026-000000000001")
    vid, _, chain = old.version("A-2026-000000000001", 1, GENESIS, document=b"PK the document")
    old.status("A-2026-000000000001", 1, vid, "in_review", "draft")
    old.version("A-2026-000000000001", 2, chain, headcount=41)
    old.run(
        "INSERT INTO role_grants (person, role, granted, actor, at) "
        "VALUES ('dpo@example.org', 'dpo', true, 'admin', :at)",
        at=old.now(),
    )
    old.engine.dispose()

    code, out, err = _upgrade(capsys)
    assert code == 0, err
    assert out.splitlines() == [
        f"the archive schema was upgraded from 0002 to revision {schema_head()}",
        "checkpoint #1 signed: the upgraded history is anchored",
    ]
    archive = open_archive(database)
    report = archive.verify()
    assert report.intact, [str(b) for b in report.breaks]
    assert (report.assessments, report.versions, report.checkpoint.sequence) == (1, 2, 1)
    history = archive.history("A-2026-000000000001")
    assert [c.status for c in history[0].status_history] == ["draft", "in_review"]
    assert history[0].signatures == {"dana": sha256_hex(b"signature by dana")}
    assert archive.version("A-2026-000000000001", 1).document == b"PK the document"
    listed = archive.assessments()[0]
    assert (listed.latest_version, listed.status) == (2, VersionStatus.DRAFT)
    trail = archive.audit_trail()
    assert trail[-1].action == AuditAction.ARCHIVE_UPGRADED
    assert trail[-1].details == {
        "events_chained": 4,
        "from_revision": "0002",
        "to_revision": "0003",
    }
    after = archive.add_version(
        answers_for("A-2026-000000000001", headcount=42), REPORT, QUESTIONNAIRE_TEXT, actor="dana"
    )
    assert after.number == 3 and after.prev_chain_hash == history[1].chain_hash
    archive.set_status("A-2026-000000000001", 3, "in_review", actor="dpo@example.org")
    assert archive.verify().intact
    archive.engine.dispose()


def test_a_version_rewritten_before_the_upgrade_is_still_caught_after_it(database, capsys):
    old = Revision0002(database)
    old.assessment("A-2026-000000000002")
    _, original, _ = old.version("A-2026-000000000002", 1, GENESIS)
    forged_answers = canonical_json(answers_for("A-2026-000000000002", headcount=4000)).decode()
    row = old.run("SELECT * FROM versions").one()
    forged = sha256_hex(
        version_record(
            assessment_id=row.assessment_id, number=1, questionnaire=row.questionnaire,
            questionnaire_sha256=row.questionnaire_sha256,
            answers_sha256=sha256_hex(forged_answers.encode()),
            report_sha256=sha256_hex(row.report_json.encode()), document_sha256=None,
            signatures={}, author="dana", created_at=row.created_at, review_due=row.review_due,
        )
    )  # fmt: skip
    with old.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE versions DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER versions_append_only_update"))
        connection.execute(
            text("UPDATE versions SET answers_json = :a, content_sha256 = :c, chain_hash = :h"),
            {"a": forged_answers, "c": forged, "h": chain_hash(GENESIS, forged)},
        )
    old.event("version.added", "A-2026-000000000002", 1, {"content_sha256": forged})
    added_at = old.run("SELECT at FROM audit_events ORDER BY id LIMIT 1 OFFSET 1").scalar_one()
    old.engine.dispose()

    code, _, err = _upgrade(capsys)
    assert code == 0, err
    archive = open_archive(database)
    assert [str(b) for b in archive.verify().breaks] == [
        f"A-2026-000000000002 v1: the version was replaced: audit event #2 (version.added by "
        f"dana at {added_at}) recorded content {original}, the stored version has {forged}"
    ]
    archive.engine.dispose()


def test_an_archive_whose_status_rows_lost_their_version_is_not_upgraded(database, capsys):
    old = Revision0002(database)
    old.assessment("A-2026-000000000003")
    old.version("A-2026-000000000003", 1, GENESIS)
    tamper(
        old.engine,
        ["version_statuses"],
        "INSERT INTO version_statuses (version_id, status, actor, at, note) "
        "VALUES (99, 'approved', 'x', 'now', '')",
    )
    old.engine.dispose()
    assert main(["db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dpia: the upgrade stopped: 1 status rows name a version that is not in")
    assert "Traceback" not in err
    engine = archive_engine(database)
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert revision == "0002"
    engine.dispose()


def test_revision_0004_adds_the_signed_pdf_column_and_rewrites_no_stored_row(database, capsys):
    old = Revision0002(database)
    old.assessment("A-2026-000000000004")
    vid, _, chain = old.version("A-2026-000000000004", 1, GENESIS, document=b"PK the document")
    old.status("A-2026-000000000004", 1, vid, "in_review", "draft")
    old.version("A-2026-000000000004", 2, chain, headcount=41)
    with writing(old.engine) as connection:
        command.upgrade(_alembic_config(connection), "0003")
    chained = "SELECT id, record_json, chain_hash FROM {} ORDER BY id"
    before = {
        table: list(old.run(chained.format(table)))
        for table in ("versions", "version_statuses", "audit_events")
    }
    assert len(before["versions"]) == 2
    old.engine.dispose()

    code, out, err = _upgrade(capsys)
    assert code == 0, err
    upgraded = f"the archive schema was upgraded from 0003 to revision {schema_head()}"
    assert out.splitlines()[0] == upgraded
    archive = open_archive(database)
    with archive.engine.connect() as connection:
        for table, rows in before.items():
            assert list(connection.execute(text(chained.format(table)))) == rows, table
        pdfs = connection.execute(text("SELECT signed_pdf_sha256 FROM versions")).scalars()
        assert list(pdfs) == [None, None]
    assert main(["archive", "checkpoint"]) == 0  # rows written as 0002 did: never anchored
    report = archive.verify()
    assert report.intact, [str(b) for b in report.breaks]
    assert archive.version("A-2026-000000000004", 1).signed_pdf is None


def test_revision_0006_adds_the_index_of_events_by_action_and_its_downgrade_removes_it(
    database, capsys
):
    archive = open_archive(database)
    added = archive.add_version(
        answers_for(None, headcount=40), REPORT, QUESTIONNAIRE_TEXT, actor="dana"
    )
    archive.engine.dispose()

    def indexes() -> set[str]:
        engine = archive_engine(database)
        with engine.connect() as connection:
            found = {index["name"] for index in inspect(connection).get_indexes("audit_events")}
        engine.dispose()
        return found

    def events() -> list[tuple]:
        engine = archive_engine(database)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, record_json, chain_hash FROM audit_events"))
            kept = sorted(tuple(row) for row in rows)
        engine.dispose()
        return kept

    assert "ix_audit_events_action_assessment" in indexes()
    before = events()
    engine = archive_engine(database)
    with writing(engine) as connection:
        command.downgrade(_alembic_config(connection), "0005")
    engine.dispose()
    assert "ix_audit_events_action_assessment" not in indexes()
    assert "ix_audit_events_subject_action" in indexes()
    assert events() == before

    code, out, err = _upgrade(capsys)
    assert code == 0, err
    assert (
        out.splitlines()[0]
        == f"the archive schema was upgraded from 0005 to revision {schema_head()}"
    )
    assert "ix_audit_events_action_assessment" in indexes()
    assert events() == before
    archive = open_archive(database)
    report = archive.verify()
    assert report.intact, [str(b) for b in report.breaks]
    assert archive.history(added.assessment_id)[-1].number == 1
    archive.engine.dispose()
