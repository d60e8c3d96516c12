"""The legal record cannot be changed through the database, and `verify` catches every change
made behind the application's back (triggers dropped first, as an attacker with DBA rights would).

The reproduced attacks of an attacker who also recomputes hashes are in test_archive_attacks.py.
"""

from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from archive_support import (
    BACKENDS,
    QUESTIONNAIRE_TEXT,
    REPORT,
    answers_for,
    opened,
    temporary_database,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from tamper import tamper

from dpia import ArchiveError, ArchiveIntegrityError
from dpia.archive import (
    archive_engine,
    canonical_json,
    export_bag,
    grant_role,
    open_archive,
    sha256_hex,
    upgrade_database,
)
from dpia.archive._schema import APPEND_ONLY_TABLES, UNIQUE_KEYS, metadata


@pytest.fixture(params=BACKENDS)
def archive(request, tmp_path):
    for url in temporary_database(request.param, tmp_path):
        yield from opened(url)


def _signed_version(archive, assessment_id=None, document=b"the document", **changes):
    return archive.add_version(
        answers_for(assessment_id, **changes),
        REPORT,
        QUESTIONNAIRE_TEXT,
        actor="dana",
        document=document,
        signatures={"dana": b"signature by dana", "dpo": b"signature by the dpo"},
    )


def _tamper(engine: Engine, table: str, statement: str, **params) -> None:
    tamper(engine, [table], statement, **params)


def _problems(archive) -> list[str]:
    return [str(b) for b in archive.verify().breaks]


def _every_table_filled(archive):
    version = _signed_version(archive)
    archive.set_status(version.assessment_id, 1, "in_review", actor="dana")
    grant_role(archive, "dpo@example.org", "dpo", actor="admin@example.org")
    return version


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_the_database_refuses_to_change_or_delete_a_stored_row(archive, table):
    _every_table_filled(archive)
    column = metadata.tables[table].c.keys()[1]
    for statement in (f"UPDATE {table} SET {column} = {column}", f"DELETE FROM {table}"):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            archive.engine.begin() as connection,
        ):
            connection.execute(text(statement))
    assert archive.verify().intact


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_the_database_refuses_every_insert_that_would_replace_a_stored_row(archive, table):
    """SQLite's REPLACE deletes the stored row without firing a DELETE trigger; PostgreSQL's
    ON CONFLICT DO UPDATE is an UPDATE. Both are refused, for every key of every table."""
    _every_table_filled(archive)
    columns = ", ".join(metadata.tables[table].c.keys())
    if archive.engine.dialect.name == "sqlite":
        statements = [
            f"INSERT OR REPLACE INTO {table} ({columns}) SELECT {columns} FROM {table}",
            f"REPLACE INTO {table} ({columns}) SELECT {columns} FROM {table}",
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} WHERE true "
            f"ON CONFLICT DO UPDATE SET {metadata.tables[table].c.keys()[1]} = 'x'",
        ]
    else:
        statements = [
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
            f"{metadata.tables[table].c.keys()[1]} = excluded.{metadata.tables[table].c.keys()[1]}"
            for key in UNIQUE_KEYS[table]
        ]
    for statement in statements:
        with (
            pytest.raises(IntegrityError, match="append-only"),
            archive.engine.begin() as connection,
        ):
            connection.execute(text(statement))
    assert archive.verify().intact


def test_a_document_changed_behind_the_archive_is_reported_for_every_version_using_it(archive):
    first = _signed_version(archive)
    second = _signed_version(archive, first.assessment_id, headcount=41)
    other = _signed_version(archive, document=b"another document")
    _tamper(
        archive.engine,
        "blobs",
        "UPDATE blobs SET content = :bytes WHERE sha256 = :sha",
        bytes=b"the d0cument",
        sha=first.document_sha256,
    )
    problems = _problems(archive)
    assert problems == [
        f"{first.assessment_id} v1: the document was changed: its bytes no longer hash to "
        f"{first.document_sha256}",
        f"{second.assessment_id} v2: the document was changed: its bytes no longer hash to "
        f"{first.document_sha256}",
    ]
    assert other.assessment_id not in "".join(problems)
    with pytest.raises(ArchiveIntegrityError, match="document"):
        export_bag(archive, first.assessment_id, "/nonexistent/never-written", actor="x")


def test_a_changed_signature_is_reported_with_its_signer(archive):
    version = _signed_version(archive)
    _tamper(
        archive.engine,
        "blobs",
        "UPDATE blobs SET content = :bytes WHERE sha256 = :sha",
        bytes=b"forged",
        sha=version.signatures["dpo"],
    )
    assert _problems(archive) == [
        f"{version.assessment_id} v1: the signature 'dpo' was changed: its bytes no longer "
        f"hash to {version.signatures['dpo']}"
    ]


def test_a_signature_swapped_for_another_stored_file_breaks_the_content_hash(archive):
    version = _signed_version(archive)
    _tamper(
        archive.engine,
        "signatures",
        "UPDATE signatures SET blob_sha256 = :other WHERE signer = 'dpo'",
        other=version.signatures["dana"],
    )
    assert _problems(archive) == [
        f"{version.assessment_id} v1: the stored answers, report, signatures or metadata no "
        "longer match the version's content hash"
    ]


def test_edited_answers_break_the_content_hash_of_that_version_only(archive):
    first = _signed_version(archive)
    _signed_version(archive, first.assessment_id, headcount=41)
    _tamper(
        archive.engine,
        "versions",
        "UPDATE versions SET answers_json = replace(answers_json, :was, :now) WHERE number = 1",
        was='"headcount":40',
        now='"headcount":4',
    )
    assert _problems(archive) == [
        f"{first.assessment_id} v1: the stored answers, report, signatures or metadata no "
        "longer match the version's content hash"
    ]


def _added_event(archive, assessment_id, number) -> str:
    """How verify names the version.added event of a version: `audit event #N (... at T)`."""
    with archive.engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT id, actor, at FROM audit_events WHERE action = 'version.added' "
                "AND assessment_id = :a AND version_number = :n"
            ),
            {"a": assessment_id, "n": number},
        ).one()
    return f"audit event #{row.id} (version.added by {row.actor} at {row.at})"


def test_a_rewritten_tip_is_caught_by_the_audit_log(archive):
    version = _signed_version(archive)
    event = _added_event(archive, version.assessment_id, 1)
    forged = sha256_hex(b"a record that was never archived")
    _tamper(
        archive.engine,
        "versions",
        "UPDATE versions SET content_sha256 = :content, chain_hash = :chain",
        content=forged,
        chain=sha256_hex((version.prev_chain_hash + forged).encode()),
    )
    aid = version.assessment_id
    assert _problems(archive) == [
        f"{aid} v1: the stored answers, report, signatures or metadata no longer match the "
        "version's content hash",
        f"{aid} v1: no version.added event in the audit log names this version",
        f"{aid} v1: the version was replaced: {event} recorded content "
        f"{version.content_sha256}, the stored version has {forged}",
    ]


def test_deleted_versions_are_reported_as_missing(archive):
    aid = archive.add_version(answers_for(), REPORT, QUESTIONNAIRE_TEXT, actor="dana").assessment_id
    for headcount in (41, 42, 43):
        archive.add_version(
            answers_for(aid, headcount=headcount), REPORT, QUESTIONNAIRE_TEXT, actor="dana"
        )
    chain = {v.number: v for v in archive.history(aid)}
    events = {n: _added_event(archive, aid, n) for n in (2, 4)}
    _tamper(archive.engine, "versions", "DELETE FROM versions WHERE number IN (2, 4)")
    latest = archive.verify().checkpoint.sequence
    problems = _problems(archive)
    listing = problems.pop(4)
    assert listing.startswith(f"{aid}: the listing shows latest version 4 (the record says 3)")
    assert listing.endswith("; the listing is rebuilt at the next write to it")
    assert problems == [
        f"{aid} v3: version 2 is missing before this one",
        f"{aid} v3: the link to the previous version is broken (prev_chain_hash "
        f"{chain[3].prev_chain_hash} is not the previous chain hash {chain[1].chain_hash})",
        f"{aid} v2: {events[2]} records this version (content {chain[2].content_sha256}), but "
        "the archive no longer holds it: it was deleted",
        f"{aid} v4: {events[4]} records this version (content {chain[4].content_sha256}), but "
        "the archive no longer holds it: it was deleted",
        f"versions: checkpoint #{latest} counts 4 rows, the archive holds 2: 2 deleted",
    ]


def test_the_migrated_schema_is_the_schema_the_code_queries(archive):
    with archive.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    assert upgrade_database(archive.engine) == ("0005", "0005")


def test_a_database_dpia_did_not_create_is_not_migrated(tmp_path):
    engine = archive_engine(f"sqlite:///{tmp_path / 'foreign.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE versions (id INTEGER PRIMARY KEY)"))
    with pytest.raises(ArchiveError, match="did not create"):
        open_archive(f"sqlite:///{tmp_path / 'foreign.sqlite3'}")


def test_unsupported_database_urls_say_what_is_supported(tmp_path):
    with pytest.raises(ArchiveError, match=r"'mysql\+pymysql' is not supported; use sqlite"):
        open_archive("mysql+pymysql://u@localhost/x")
    with pytest.raises(ArchiveError, match="is not a URL"):
        open_archive("var/dpia.sqlite3")


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory):
    yield from opened(f"sqlite:///{tmp_path_factory.mktemp('hypothesis') / 'a.sqlite3'}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=st.dictionaries(st.text(min_size=1), _json_values, max_size=5))
def test_any_json_answers_come_back_exactly_and_keep_the_chain_intact(sqlite_archive, answers):
    given_answers = answers_for()
    given_answers["answers"] = answers
    try:
        version = sqlite_archive.add_version(given_answers, REPORT, "q: 1\n", actor="h")
    except ArchiveError as exc:
        assert "lone surrogate" in str(exc)
        return
    stored = sqlite_archive.version(version.assessment_id)
    assert stored.answers["answers"] == answers
    assert stored.answers_json.encode() == canonical_json(stored.answers)
    assert sqlite_archive.verify().intact


@given(st.dictionaries(st.text(), _json_values, max_size=6))
def test_canonical_json_ignores_key_order(mapping):
    try:
        forward = canonical_json(mapping)
    except ArchiveError:
        return
    assert canonical_json(dict(reversed(list(mapping.items())))) == forward
    assert json.loads(forward) == mapping
    assert canonical_json(json.loads(forward)) == forward


def test_a_database_migrated_by_a_newer_dpia_is_left_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    engine = open_archive(url).engine
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(ArchiveError, match="'0099', which this dpia does not know"):
        open_archive(url)
    with pytest.raises(ArchiveError, match="migrated by a newer dpia"):
        upgrade_database(engine)
