"""The anchor outside the database: every write signs a checkpoint, the copy outside catches a
rolled-back database, a bag's checkpoint catches a rollback of both, a forged checkpoint fails
its signature, and the archive key is found, made and refused as docs/archive.md says."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from archive_support import (
    BACKENDS,
    POSTGRES_URL,
    QUESTIONNAIRE_TEXT,
    REPORT,
    answers_for,
    needs_postgres,
    opened,
    postgres_schema_url,
    temporary_database,
)
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import text
from tamper import tamper
from timestamp_authority import local_timestamp_authority

from dpia import ArchiveError, ArchiveIntegrityError
from dpia.archive import export_bag, open_archive
from dpia.archive._checkpoint import CheckpointCopies


@pytest.fixture(params=BACKENDS)
def archive(request, tmp_path):
    for url in temporary_database(request.param, tmp_path):
        yield from opened(url)


def _add(archive, assessment_id=None, **changes):
    return archive.add_version(
        answers_for(assessment_id, **changes), REPORT, QUESTIONNAIRE_TEXT, actor="dana"
    )


def _problems(archive, **options) -> list[str]:
    return [str(b) for b in archive.verify(**options).breaks]


def _copy_path(archive) -> Path:
    return Path(archive.verify().checkpoint.copied_to)


_WITH_IDS = ("checkpoints", "audit_events", "version_statuses", "signatures", "versions")


def _backup(archive) -> dict:
    """What a database backup keeps, to put the database back later as restoring it would."""
    with archive.engine.connect() as connection:
        return {
            "ids": {
                table: connection.execute(text(f"SELECT max(id) FROM {table}")).scalar_one() or 0
                for table in _WITH_IDS
            },
            "blobs": set(connection.execute(text("SELECT sha256 FROM blobs")).scalars()),
            "assessments": set(connection.execute(text("SELECT id FROM assessments")).scalars()),
            "listing": [
                r._asdict() for r in connection.execute(text("SELECT * FROM assessment_listing"))
            ],
        }


def _restore(archive, backup: dict) -> None:
    for table in _WITH_IDS:
        tamper(
            archive.engine, [table], f"DELETE FROM {table} WHERE id > :id", id=backup["ids"][table]
        )
    with archive.engine.connect() as connection:
        blobs = set(connection.execute(text("SELECT sha256 FROM blobs")).scalars())
        ids = set(connection.execute(text("SELECT id FROM assessments")).scalars())
    for sha in blobs - backup["blobs"]:
        tamper(archive.engine, ["blobs"], "DELETE FROM blobs WHERE sha256 = :s", s=sha)
    tamper(archive.engine, [], "DELETE FROM assessment_listing")
    for aid in ids - backup["assessments"]:
        tamper(archive.engine, ["assessments"], "DELETE FROM assessments WHERE id = :a", a=aid)
    for row in backup["listing"]:
        columns = ", ".join(row)
        tamper(
            archive.engine,
            [],
            f"INSERT INTO assessment_listing ({columns}) VALUES "
            f"({', '.join(':' + c for c in row)})",
            **row,
        )


def test_every_write_signs_a_checkpoint_that_openssl_verifies(archive, tmp_path):
    first = _add(archive)
    _add(archive, first.assessment_id, headcount=41)
    report = archive.verify()
    assert report.intact, report.breaks
    copy = CheckpointCopies(_copy_path(archive).parent).read(_copy_path(archive).stem)
    assert copy.sequence == report.checkpoint.sequence == 2
    assert copy.tables["versions"].count == 2
    (tmp_path / "checkpoint.json").write_bytes(copy.body)
    (tmp_path / "checkpoint.json.sig").write_bytes(copy.signature)
    public = _public_key_path()
    checked = subprocess.run(
        ["openssl", "dgst", "-sha256", "-verify", str(public), "-signature",
         str(tmp_path / "checkpoint.json.sig"), str(tmp_path / "checkpoint.json")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert checked.stdout.strip() == "Verified OK"


def _public_key_path() -> Path:
    import os

    key = Path(os.environ["DPIA_ARCHIVE_KEY"])
    return key.with_name(key.name.removesuffix(".pem") + ".pub.pem")


def test_a_database_rolled_back_behind_its_checkpoint_copy_is_caught(archive):
    first = _add(archive)
    backup = _backup(archive)
    _add(archive, first.assessment_id, headcount=41)
    _restore(archive, backup)
    assert archive.verify().versions == 1
    copy = _copy_path(archive)
    assert _problems(archive) == [
        f"the copy at {copy} is checkpoint #2 "
        f"({CheckpointCopies(copy.parent).read(copy.stem).at}), but the database ends at #1: "
        "the database was rolled back"
    ]
    with pytest.raises(ArchiveIntegrityError, match="the database was rolled back"):
        _add(archive, first.assessment_id, headcount=42)


def test_a_rollback_of_database_and_copy_together_is_caught_only_by_a_bag(archive, tmp_path):
    first = _add(archive)
    backup = _backup(archive)
    copy = _copy_path(archive)
    before_export = copy.read_bytes()
    exported = export_bag(archive, first.assessment_id, tmp_path / "bag", actor="legal", pdf=False)
    assert archive.verify(against=[tmp_path / "bag"]).intact
    _restore(archive, backup)
    copy.write_bytes(before_export)
    rows = archive.verify().checkpoint
    assert archive.verify().intact
    assert _problems(archive, against=[tmp_path / "bag"]) == [
        f"the checkpoint kept in {tmp_path / 'bag'} (#{exported.checkpoint_sequence}, "
        f"{json.loads((tmp_path / 'bag' / 'data' / 'checkpoint.json').read_text())['at']}) is "
        f"later than anything in the archive (which ends at #{rows.sequence}): the archive was "
        "rolled back"
    ]


def _stored_checkpoint(archive, sequence):
    with archive.engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT body_json, signature, timestamp_token FROM checkpoints WHERE sequence = :s"
            ),
            {"s": sequence},
        ).one()
    return row.body_json.encode(), bytes(row.signature), row.timestamp_token


def test_a_checkpoint_forged_to_cover_added_rows_fails_its_signature(archive):
    first = _add(archive)
    body, _, _ = _stored_checkpoint(archive, 1)
    forged = json.loads(body)
    forged["sequence"] = 2
    forged["previous_sha256"] = __import__("hashlib").sha256(body).hexdigest()
    forged_body = json.dumps(forged, sort_keys=True, separators=(",", ":")).encode()
    own_key = ec.generate_private_key(ec.SECP256R1())
    tamper(
        archive.engine,
        ["checkpoints"],
        "INSERT INTO checkpoints (sequence, body_json, signature) VALUES (2, :body, :signature)",
        body=forged_body.decode(),
        signature=own_key.sign(forged_body, ec.ECDSA(hashes.SHA256())),
    )
    problems = _problems(archive)
    assert "the signature of checkpoint #2 does not verify: dpia did not sign it" in problems
    with pytest.raises(ArchiveIntegrityError, match="does not verify"):
        _add(archive, first.assessment_id)


def test_a_copy_with_the_same_checkpoint_but_another_signature_fails_its_own_check(archive):
    _add(archive)
    copy = _copy_path(archive)
    envelope = json.loads(copy.read_text())
    own_key = ec.generate_private_key(ec.SECP256R1())
    body = envelope["checkpoint"].encode()
    envelope["signature"] = own_key.sign(body, ec.ECDSA(hashes.SHA256())).hex()
    copy.write_text(json.dumps(envelope))
    assert _problems(archive) == [
        f"the signature of the copy of checkpoint #1 at {copy} does not verify: dpia did not "
        "sign it"
    ]


def test_a_write_stopped_before_its_copy_leaves_a_note_and_the_next_write_copies(
    archive, monkeypatch
):
    first = _add(archive)
    monkeypatch.setattr(CheckpointCopies, "write", _disk_full)
    with pytest.warns(RuntimeWarning, match="checkpoint #2 was committed but not copied"):
        _add(archive, first.assessment_id, headcount=41)
    report = archive.verify()
    assert report.intact
    assert any("#2 is signed in the database but was not copied yet" in n for n in report.notes)
    monkeypatch.undo()
    _add(archive, first.assessment_id, headcount=42)
    assert not any("not copied yet" in n for n in archive.verify().notes)


def _disk_full(self, checkpoint):
    raise OSError(28, "No space left on device")


def test_a_lost_copy_stops_writes_until_dpia_archive_checkpoint_writes_it_again(archive):
    first = _add(archive)
    copy = _copy_path(archive)
    copy.unlink()
    assert _problems(archive)[0].startswith(f"no copy of the checkpoints at {copy}")
    with pytest.raises(ArchiveIntegrityError, match="`dpia archive checkpoint` writes the copy"):
        _add(archive, first.assessment_id)
    signed = archive.checkpoint()
    assert signed.sequence == 2 and copy.is_file()
    assert archive.verify().intact
    assert _add(archive, first.assessment_id).number == 2


def test_an_anchored_archive_refuses_a_missing_or_another_key(archive, tmp_path, monkeypatch):
    first = _add(archive)
    monkeypatch.setenv("DPIA_ARCHIVE_KEY", str(tmp_path / "elsewhere" / "archive-key.pem"))
    with pytest.raises(ArchiveError, match="no archive public key at"):
        _add(archive, first.assessment_id)
    assert "cannot check the signature of checkpoint #1" in _problems(archive)[0]
    assert [v.number for v in archive.history(first.assessment_id)] == [1]


def test_the_embedded_default_keeps_key_passphrase_and_copies_beside_the_database(
    tmp_path, monkeypatch
):
    for variable in ("DPIA_ARCHIVE_KEY", "DPIA_ARCHIVE_KEY_PASSPHRASE", "DPIA_CHECKPOINT_DIR"):
        monkeypatch.delenv(variable)
    archive = open_archive(f"sqlite:///{tmp_path / 'store' / 'a.sqlite3'}")
    _add(archive)
    store = tmp_path / "store"
    assert sorted(p.name for p in store.iterdir() if not p.name.startswith("a.sqlite3")) == [
        "archive-key.pem",
        "archive-key.pem.passphrase",
        "archive-key.pub.pem",
        "checkpoints",
    ]
    key = serialization.load_pem_private_key(
        (store / "archive-key.pem").read_bytes(),
        (store / "archive-key.pem.passphrase").read_bytes().strip(),
    )
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    with pytest.raises(TypeError):
        serialization.load_pem_private_key((store / "archive-key.pem").read_bytes(), None)
    report = archive.verify()
    assert report.intact
    assert report.notes[0].startswith("the archive key's passphrase is kept beside it")
    archive.engine.dispose()


@needs_postgres
@pytest.mark.postgres
def test_a_postgresql_archive_writes_only_with_the_passphrase_from_the_environment(
    monkeypatch, tmp_path
):
    assert POSTGRES_URL
    monkeypatch.delenv("DPIA_ARCHIVE_KEY_PASSPHRASE")
    monkeypatch.setenv("DPIA_ARCHIVE_KEY", str(tmp_path / "archive-key.pem"))
    for url in postgres_schema_url():
        archive = open_archive(url)
        with pytest.raises(
            ArchiveError, match="needs its passphrase in DPIA_ARCHIVE_KEY_PASSPHRASE"
        ):
            _add(archive)
        assert archive.assessments() == []
        assert not (tmp_path / "archive-key.pem").exists()
        monkeypatch.setenv("DPIA_ARCHIVE_KEY_PASSPHRASE", "a passphrase from the vault")
        _add(archive)
        assert not (tmp_path / "archive-key.pem.passphrase").exists()
        assert archive.verify().intact
        archive.engine.dispose()


def test_checkpoints_are_time_stamped_and_the_bag_carries_the_token(archive, tmp_path, monkeypatch):
    with local_timestamp_authority(tmp_path / "tsa") as authority:
        monkeypatch.setenv("DPIA_TSA_URL", authority.url)
        first = _add(archive)
        export_bag(archive, first.assessment_id, tmp_path / "bag", actor="legal", pdf=False)
    report = archive.verify()
    assert report.intact
    assert report.checkpoint.timestamp.startswith("time-stamped ")
    assert report.checkpoint.timestamp.endswith("by Test TSA (authority not trusted)")
    trust = tmp_path / "trust"
    trust.mkdir()
    shutil.copy(authority.root_certificate, trust / "tsa-root.pem")
    monkeypatch.setenv("DPIA_TRUST_DIR", str(trust))
    assert archive.verify().checkpoint.timestamp.endswith("by Test TSA (trusted)")
    data = tmp_path / "bag" / "data"
    checked = subprocess.run(
        ["openssl", "ts", "-verify", "-token_in", "-in", str(data / "checkpoint.json.tsr"),
         "-data", str(data / "checkpoint.json.sig"), "-CAfile", str(authority.root_certificate),
         "-untrusted", str(authority.certificate)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert "Verification: OK" in checked.stdout, checked.stderr
    assert "openssl ts -verify -token_in" in (tmp_path / "bag" / "VERIFY.md").read_text()


def test_an_unreachable_time_stamp_authority_refuses_the_write(archive, monkeypatch):
    monkeypatch.setenv("DPIA_TSA_URL", "http://127.0.0.1:9/tsa")
    with pytest.raises(ArchiveError, match="cannot time-stamp the archive checkpoint"):
        _add(archive)
    monkeypatch.delenv("DPIA_TSA_URL")
    assert archive.assessments() == []
    assert archive.verify().intact
