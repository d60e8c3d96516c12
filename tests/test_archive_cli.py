"""`dpia archive` and `dpia db` as a DPO uses them, on real files, OpenSSL and bagit.py."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import bagit
import pytest
from archive_support import BACKENDS, FIXTURES, schema_head, temporary_database
from sqlalchemy import text

from dpia.archive import open_archive, sha256_hex
from dpia.cli import main

ANSWERS = """\
questionnaire: mini@1.0
assessment:
  id: {id}
  title: Keystroke capture for the support assistant
  organisation: Example GmbH
  assessor: Dana Assessor
  date: 2026-05-04
answers:
  countries: [de]
  works_council: {works_council}
  headcount: 40
  captured: [keystroke_content, timing]
"""
BAGIT = Path(sys.executable).with_name("bagit.py")


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path, monkeypatch):
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(FIXTURES))
    monkeypatch.setenv("DPIA_ACTOR", "dana@example.org")
    monkeypatch.chdir(tmp_path)
    for url in temporary_database(request.param, tmp_path):
        monkeypatch.setenv("DPIA_DATABASE_URL", url)
        yield url


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _answers(directory: Path, assessment_id: str = "null", works_council: bool = True) -> Path:
    path = directory / "answers.yaml"
    path.write_text(
        ANSWERS.format(id=assessment_id, works_council=str(works_council).lower()),
        encoding="utf-8",
    )
    return path


def _signed_document(directory: Path, answers: Path) -> tuple[Path, Path]:
    """The document rendered from `answers`, and a detached CMS signature over it made by the
    openssl command line."""
    path = directory / "dpia.docx"
    assert main(["render", str(answers), "-o", str(path)]) == 0
    key, cert = directory / "key.pem", directory / "cert.pem"
    new_certificate = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
    subprocess.run(
        [*new_certificate.split(), "-keyout", key, "-out", cert, "-subj", "/CN=Dana", "-days", "9"],
        check=True,
        capture_output=True,
    )
    sign = "openssl cms -sign -binary -outform DER"
    subprocess.run(
        [*sign.split(), "-in", path, "-signer", cert, "-inkey", key, "-out", f"{path}.dana.p7s"],
        check=True,
        capture_output=True,
    )
    return path, cert


def _archived_twice(capsys, tmp_path) -> str:
    first = _answers(tmp_path)
    document, _ = _signed_document(tmp_path, first)
    capsys.readouterr()
    code, out, err = _run(capsys, "archive", "add", str(first), "--document", str(document))
    assert code == 0, err
    assessment_id, version = out.splitlines()[0].split()
    assert version == "v1"
    assert "signature      dana" in out
    assert f"put `id: {assessment_id}` under `assessment:`" in err
    answers = _answers(tmp_path, assessment_id, works_council=False)
    code, out, _ = _run(capsys, "archive", "add", str(answers))
    assert (code, out.splitlines()[0]) == (0, f"{assessment_id} v2")
    return assessment_id


def test_add_list_show_history_status_and_diff(database, capsys, tmp_path):
    aid = _archived_twice(capsys, tmp_path)

    code, out, _ = _run(capsys, "archive", "list")
    assert code == 0
    assert re.search(rf"{aid}\s+2 draft\s+2027-05-04\s+Keystroke capture", out)
    code, out, _ = _run(capsys, "archive", "status", aid, "2", "in_review")
    assert out.strip() == f"{aid} v2: in_review"
    code, out, _ = _run(capsys, "archive", "list", "--status", "in_review", "--json")
    assert [a["id"] for a in json.loads(out)] == [aid]
    code, out, _ = _run(capsys, "archive", "list", "--review-due-before", "2027-01-01")
    assert aid not in out

    code, out, _ = _run(capsys, "archive", "show", aid, "--version", "1")
    assert f"{aid} v1: Keystroke capture for the support assistant" in out
    assert re.search(r"  signature +dana \(sha256 [0-9a-f]{64}\)", out)
    assert re.search(r"\d\d:\d\d:\d\d UTC  draft      by dana@example.org", out)
    code, out, _ = _run(capsys, "archive", "show", aid, "--json")
    shown = json.loads(out)
    assert (shown["number"], shown["status"], shown["document_sha256"]) == (2, "in_review", None)
    assert shown["answers"]["answers"]["works_council"] is False

    code, out, _ = _run(capsys, "archive", "history", aid)
    lines = out.splitlines()
    assert lines[0].startswith("v1") and "draft" in lines[0]
    assert any(line.startswith("v2") and "in_review" in line for line in lines)

    code, out, _ = _run(capsys, "archive", "diff", aid, "1", "2")
    assert "works_council: Is there a works council?\n      Yes → No" in out
    code, out, _ = _run(capsys, "archive", "diff", aid, "1", "2", "--json")
    changes = json.loads(out)
    assert [(a["question_id"], a["old"], a["new"]) for a in changes["answers"]] == [
        ("works_council", True, False)
    ]

    code, out, _ = _run(capsys, "archive", "verify")
    lines = out.splitlines()
    assert (code, lines[0]) == (0, "OK: 1 assessment, 2 versions, every chain intact")
    assert re.fullmatch(
        r"  checkpoint     #\d+ of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, signed by the archive key "
        r"sha256 [0-9a-f]{64}",
        lines[1],
    )
    assert lines[2].startswith("  copied to      ") and lines[2].endswith(".json")


def test_mistakes_get_one_clear_message(database, capsys, tmp_path):
    code, _, err = _run(capsys, "archive", "show", "A-NOPE")
    assert (code, err.strip()) == (2, "dpia: no assessment 'A-NOPE' in the archive")
    code, _, err = _run(capsys, "archive", "add", str(_answers(tmp_path, "A-NOPE")))
    assert (code, err.strip()) == (2, "dpia: no assessment 'A-NOPE' in the archive")
    aid = _archived_twice(capsys, tmp_path)
    code, _, err = _run(capsys, "archive", "status", aid, "1", "approved")
    assert code == 2
    assert err.strip() == (
        "dpia: approved is not set by hand: it comes only from freezing a signed version, "
        f"which checks the signatures the decision needs: dpia archive freeze {aid} "
        "--document DOC.docx"
    )
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    code, _, err = _run(capsys, "archive", "export", aid, "-o", str(tmp_path / "full"))
    assert "already exists and is not an empty directory" in err


def test_verify_exits_1_and_names_the_version_whose_document_changed(database, capsys, tmp_path):
    aid = _archived_twice(capsys, tmp_path)
    archive = open_archive(database)
    document_sha = archive.version(aid, 1).document_sha256
    with archive.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE blobs DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER blobs_append_only_update"))
        connection.execute(
            text("UPDATE blobs SET content = :c WHERE sha256 = :s"), {"c": b"x", "s": document_sha}
        )
    archive.engine.dispose()
    code, out, err = _run(capsys, "archive", "verify")
    assert code == 1
    assert out.splitlines()[0] == (
        f"{aid} v1: the document was changed: its bytes no longer hash to {document_sha}"
    )
    assert all(line.startswith("  ") for line in out.splitlines()[1:])
    assert "BROKEN: 1 problem in 2 versions" in err
    code, out, err = _run(capsys, "archive", "show", aid, "--version", "1")
    assert (code, out) == (1, "")
    assert err.strip() == (
        f"dpia: {aid} v1 is damaged: the document (sha256 {document_sha}) is changed. "
        "Run `dpia archive verify`"
    )
    code, _, err = _run(capsys, "archive", "export", aid, "--version", "1", "-o", "bag")
    assert code == 1 and "is damaged: the document" in err
    assert not Path("bag").exists()


def test_export_is_a_valid_bag_whose_checks_pass_with_standard_tools(database, capsys, tmp_path):
    aid = _archived_twice(capsys, tmp_path)
    cert = tmp_path / "cert.pem"
    bag = tmp_path / "export" / "bag"
    code, _, err = _run(
        capsys, "archive", "export", aid, "--version", "1", "-o", str(bag), "--no-pdf"
    )
    assert code == 0, err
    assert "no document.pdf: not asked for" in err
    payload = sorted(str(p.relative_to(bag / "data")) for p in (bag / "data").rglob("*.*"))
    assert payload == [
        "answers.json",
        "archive-key.pub.pem",
        "audit.jsonl",
        "chain.json",
        "checkpoint.json",
        "checkpoint.json.sig",
        "document.docx",
        "questionnaire.yaml",
        "report.json",
        "signatures/document.docx.dana.p7s",
        "status.jsonl",
        "version.json",
    ]
    assert (bag / "data" / "questionnaire.yaml").read_bytes() == (
        FIXTURES / "mini.yaml"
    ).read_bytes()
    assert [p.name for p in bag.parent.iterdir()] == ["bag"]
    assert _bagit(bag).returncode == 0

    verify = (bag / "VERIFY.md").read_text(encoding="utf-8")
    archived = open_archive(database).version(aid, 1)
    command = next(line.strip() for line in verify.splitlines() if "openssl cms" in line)
    checked = subprocess.run(
        command.replace("CERT", str(cert)), shell=True, cwd=bag, capture_output=True, text=True
    )
    assert "CMS Verification successful" in checked.stderr + checked.stdout
    assert sha256_hex((bag / "data" / "version.json").read_bytes()) == archived.content_sha256
    assert f"must print `{archived.content_sha256}`" in verify
    chain_line = next(line for line in verify.splitlines() if "printf" in line)
    printed = subprocess.run(chain_line.strip(), shell=True, capture_output=True, text=True)
    assert printed.stdout.split()[0] == archived.chain_hash
    signed = _shell_block(verify, "openssl dgst")
    checkpoint = subprocess.run(signed, shell=True, cwd=bag, capture_output=True, text=True)
    assert checkpoint.stdout.strip() == "Verified OK", checkpoint.stderr
    fingerprint = _shell_block(verify, "openssl pkey")
    key = subprocess.run(fingerprint, shell=True, cwd=bag, capture_output=True, text=True)
    assert f"must print `{key.stdout.split()[0]}`" in verify

    script = _verify_bag(bag)
    assert script.returncode == 0, script.stdout
    assert script.stdout.splitlines()[-1].startswith(f"every check passed: {aid} v1, content")
    assert "MISMATCH" not in script.stdout

    (bag / "data" / "document.docx").write_bytes(b"changed after export")
    assert _bagit(bag).returncode != 0


def test_a_bag_whose_manifests_were_redone_still_fails_its_own_check(database, capsys, tmp_path):
    """A forger who edits a file and recomputes the bag's manifests passes bagit.py, but not
    the comparison of each hash with the recorded one."""
    aid = _archived_twice(capsys, tmp_path)
    bag = tmp_path / "bag"
    code, _, err = _run(capsys, "archive", "export", aid, "-o", str(bag), "--no-pdf")
    assert code == 0, err
    answers = bag / "data" / "answers.json"
    answers.write_text(answers.read_text().replace('"headcount":40', '"headcount":4'))
    bagit.Bag(str(bag)).save(manifests=True)
    assert _bagit(bag).returncode == 0
    script = _verify_bag(bag)
    assert script.returncode == 1
    assert "MISMATCH  data/answers.json is the answers_sha256" in script.stdout.splitlines()
    assert script.stdout.splitlines()[-1] == "FAILED: 1 check(s) did not match"


def _bagit(bag: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BAGIT), "--validate", str(bag)], capture_output=True, text=True
    )


def _verify_bag(bag: Path) -> subprocess.CompletedProcess[str]:
    """The third party's run: the system Python, isolated from dpia and its packages."""
    return subprocess.run(
        ["python3", "-I", str(bag / "verify_bag.py")], capture_output=True, text=True, cwd="/"
    )


def _shell_block(verify: str, starts: str) -> str:
    """A command of VERIFY.md, joined across its continuation lines."""
    lines = verify.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().startswith(starts))
    command = []
    for line in lines[first:]:
        command.append(line.strip().removesuffix("\\").strip())
        if not line.rstrip().endswith("\\"):
            break
    return " ".join(command)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_export_adds_a_pdf_rendition_when_libreoffice_is_there(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(FIXTURES))
    monkeypatch.setenv("DPIA_DATABASE_URL", f"sqlite:///{tmp_path / 'a.sqlite3'}")
    aid = _archived_twice(capsys, tmp_path)
    code, _, err = _run(
        capsys, "archive", "export", aid, "--version", "1", "-o", str(tmp_path / "b")
    )
    assert code == 0, err
    assert (tmp_path / "b" / "data" / "document.pdf").read_bytes().startswith(b"%PDF")
    validated = subprocess.run(
        [sys.executable, str(BAGIT), "--validate", str(tmp_path / "b")],
        capture_output=True,
        text=True,
    )
    assert validated.returncode == 0, validated.stderr


def test_db_upgrade_creates_the_schema_once(database, capsys):
    code, out, _ = _run(capsys, "db", "upgrade")
    head = schema_head()
    assert (code, out.strip()) == (
        0,
        f"the archive schema was upgraded from empty to revision {head}",
    )
    code, out, _ = _run(capsys, "db", "upgrade")
    assert (code, out.strip()) == (0, f"the archive schema is up to date (revision {head})")


def test_the_default_archive_is_a_sqlite_file_under_var(tmp_path, monkeypatch):
    """Nothing set, as on a fresh machine: the archive key, its generated passphrase and the
    checkpoint copies appear beside the database, and the archive verifies."""
    for variable in (
        "DPIA_DATABASE_URL",
        "DPIA_ARCHIVE_KEY",
        "DPIA_ARCHIVE_KEY_PASSPHRASE",
        "DPIA_CHECKPOINT_DIR",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(FIXTURES))
    _answers(tmp_path)
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("dpia")),
            "archive",
            "add",
            "answers.yaml",
            "--actor",
            "dana",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    var = tmp_path / "var"
    assert (var / "dpia.sqlite3").is_file()
    assert (var / "archive-key.pem").read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY")
    assert (var / "archive-key.pem.passphrase").stat().st_mode & 0o777 == 0o600
    assert len(list((var / "checkpoints").glob("*.json"))) == 1
    verified = subprocess.run(
        [str(Path(sys.executable).with_name("dpia")), "archive", "verify"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "note: the archive key's passphrase is kept beside it" in verified.stdout


def test_import_archives_a_rendered_dpia_from_the_answers_inside_it(database, capsys, tmp_path):
    rendered = tmp_path / "dpia.docx"
    code, _, err = _run(capsys, "render", str(_answers(tmp_path)), "-o", str(rendered))
    assert code == 0, err
    code, out, err = _run(capsys, "archive", "import", str(rendered))
    assert code == 0, err
    aid, number = out.splitlines()[0].split()
    assert number == "v1"
    stored = open_archive(database).version(aid)
    assert stored.document == rendered.read_bytes()
    assert stored.answers["answers"]["captured"] == ["keystroke_content", "timing"]

    code, _, err = _run(capsys, "archive", "import", str(rendered))
    assert (code, err.strip()) == (2, f"dpia: {rendered} is already archived as {aid} v1")

    again = tmp_path / "again"
    again.mkdir()
    code, _, _ = _run(capsys, "render", str(_answers(again, aid, False)), "-o", str(rendered))
    code, out, _ = _run(capsys, "archive", "import", str(rendered))
    assert (code, out.splitlines()[0]) == (0, f"{aid} v2")

    code, _, _ = _run(capsys, "render", str(_answers(again, "A-ELSEWHERE")), "-o", str(rendered))
    code, _, err = _run(capsys, "archive", "import", str(rendered))
    assert code == 2
    assert "no assessment 'A-ELSEWHERE' in the archive" in err and "--as-new" in err
    code, out, _ = _run(capsys, "archive", "import", str(rendered), "--as-new")
    assert code == 0 and not out.startswith(aid)


def test_the_same_answers_are_not_archived_twice_and_the_diff_shows_the_record(
    database, capsys, tmp_path
):
    aid = _archived_twice(capsys, tmp_path)
    again = _answers(tmp_path, aid, works_council=False)
    code, out, err = _run(capsys, "archive", "add", str(again))
    assert code != 0 and out == ""
    assert f"version 2 of {aid} already holds exactly these answers" in err
    assert len(open_archive().history(aid)) == 2

    code, out, _ = _run(capsys, "archive", "diff", aid, "1", "2")
    assert "Record changed (2)" in out
    assert re.search(r"  document \(SHA-256\): [0-9a-f]{64} → —", out)
    assert re.search(r"  signature dana \(SHA-256\): [0-9a-f]{64} → —", out)
