"""The sign-off workflow from a terminal: render, sign, verify, freeze, under the app's rules.

Every step runs through `dpia` as a user would; OpenSSL judges the archived signatures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
import yaml
from signing_support import PASSPHRASE, openssl_verify

from dpia.archive import AuditAction, grant_role, open_archive
from dpia.cli import main
from dpia.document import read_record

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "scenario-b-timing-only-opt-in.yaml"
SCENARIO_A = ROOT / "examples" / "scenario-a-keystroke-content.yaml"
PEOPLE = [
    ("Lena Falkenrath", "lena@quellwerk.example", "assessor"),
    ("Tobias Renner", "dpo@quellwerk.example", "dpo"),
    ("Mara Quell", "mara@quellwerk.example", "decision_maker"),
]


def _fingerprint(cert: Path) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    der = x509.load_pem_x509_certificate(cert.read_bytes()).public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, 64, 2))


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def office(tmp_path, monkeypatch, capsys):
    """Keys for the three signatories, an empty trust store and a fresh archive."""
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", PASSPHRASE.decode())
    monkeypatch.setenv("DPIA_DATABASE_URL", f"sqlite:///{tmp_path}/archive.sqlite3")
    monkeypatch.setenv("DPIA_TRUST_DIR", str(tmp_path / "trust"))
    monkeypatch.setenv("DPIA_ACTOR", "mara@quellwerk.example")
    certificates = {}
    for name, email, role in PEOPLE:
        out = tmp_path / "keys" / role
        assert (
            _run(capsys, "keygen", "--name", name, "--email", email, "--role", role, "--out", out)[
                0
            ]
            == 0
        )
        certificates[role] = out / "cert.pem"
    capsys.readouterr()
    return tmp_path, certificates


def _signoff(certificates, signatories=("assessor", "dpo", "decision_maker")) -> dict:
    return {
        "assessor": {"name": PEOPLE[0][0], "email": PEOPLE[0][1]},
        "dpo_advice": {
            "name": PEOPLE[1][0],
            "advice": "approve_with_conditions",
            "summary": "Timing only, opt-in; keep it so.",
            "conditions": ["No content capture is ever added"],
            "date": "2026-06-20",
        },
        "decision": {
            "name": PEOPLE[2][0],
            "position": "Managing Director",
            "decision": "conditionally_approve",
            "conditions": ["No content capture is ever added"],
            "date": "2026-06-25",
            "dpo_advice_followed": True,
        },
        "signatories": [
            {"name": n, "email": e, "role": r, "certificate_sha256": _fingerprint(certificates[r])}
            for n, e, r in PEOPLE
            if r in signatories
        ],
    }


def _archived_draft(capsys, directory: Path, answers: dict) -> tuple[str, Path]:
    """Version 1 archived from the answers; the answers file then names the assessment."""
    path = directory / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
    code, out, err = _run(capsys, "archive", "add", path)
    assert code == 0, err
    assessment_id = out.split()[0]
    answers["assessment"]["id"] = assessment_id
    path.write_text(yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
    return assessment_id, path


def _sign(capsys, directory: Path, document: Path, certificates, role: str) -> Path:
    key = directory / "keys" / role / "key.pem"
    code, out, err = _run(capsys, "sign", document, "--key", key, "--cert", certificates[role])
    assert code == 0, err
    return Path(out.strip())


def test_render_sign_verify_and_freeze_under_the_approval_rules(office, capsys):
    directory, certificates = office
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers["signoff"] = _signoff(certificates)
    assessment_id, path = _archived_draft(capsys, directory, answers)
    document = directory / "dpia-b-v2.docx"
    code, _, err = _run(capsys, "render", path, "-o", document, "--version", "2")
    assert code == 0, err
    assert read_record(document.read_bytes()).status == "approved"

    for role in ("assessor", "dpo"):
        _sign(capsys, directory, document, certificates, role)
    code, _, err = _run(capsys, "archive", "freeze", assessment_id, "--document", document)
    assert code == 2
    assert f"dpia: {assessment_id} v2 cannot be frozen yet:" in err
    assert "no signature yet from Mara Quell (decision-maker), who decided 'Approve with " in err

    signature = _sign(capsys, directory, document, certificates, "decision_maker")
    code, out, _ = _run(capsys, "verify", document)
    assert code == 3 and "INTACT" in out and "no trust anchor" in out
    for role in ("assessor", "dpo"):
        assert _run(capsys, "trust", "add", certificates[role])[0] == 0
    code, _, err = _run(capsys, "archive", "freeze", assessment_id, "--document", document)
    assert code == 2
    assert "Mara Quell (decision-maker), who decided" in err
    assert "the signature is intact, but it does not count yet" in err
    assert "`dpia trust add cert.pem`" in err
    assert open_archive().history(assessment_id)[-1].number == 1

    assert _run(capsys, "trust", "add", certificates["decision_maker"])[0] == 0
    code, out, _ = _run(capsys, "verify", document)
    assert code == 0 and out.count("  VALID       ") == 3
    code, out, err = _run(capsys, "archive", "freeze", assessment_id, "--document", document)
    assert code == 0, err
    assert out.splitlines()[0] == (
        f"{assessment_id} v2 frozen: Approved (decision: Approve with conditions)"
    )
    stored = open_archive().version(assessment_id)
    assert (stored.number, stored.status) == (2, "approved")
    assert stored.document == document.read_bytes()
    assert sorted(stored.signature_files) == [
        "lena-falkenrath-assessor",
        "mara-quell-decision-maker",
        "tobias-renner-dpo",
    ]
    for label, content in stored.signature_files.items():
        archived = directory / f"archived.{label}.p7s"
        archived.write_bytes(content)
        role = next(r for _, _, r in PEOPLE if label.endswith(r.replace("_", "-")))
        assert openssl_verify(archived, document, certificates[role]).returncode == 0
    frozen = [e for e in open_archive().audit_trail(assessment_id) if e.action == "version.frozen"]
    assert frozen[0].actor == "mara@quellwerk.example"
    signed_by = frozen[0].details["signed_by"]
    assert signed_by["decision_maker"]["certificate_sha256"] == _fingerprint(
        certificates["decision_maker"]
    )
    assert signature.exists()
    code, out, _ = _run(capsys, "archive", "verify")
    assert code == 0


def test_an_author_listing_only_themselves_cannot_freeze(office, capsys):
    directory, certificates = office
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers["signoff"] = _signoff(certificates, signatories=("assessor",))
    assessment_id, path = _archived_draft(capsys, directory, answers)
    document = directory / "dpia.docx"
    assert _run(capsys, "render", path, "-o", document, "--version", "2")[0] == 0
    _sign(capsys, directory, document, certificates, "assessor")
    assert _run(capsys, "trust", "add", certificates["assessor"])[0] == 0

    code, _, err = _run(capsys, "archive", "freeze", assessment_id, "--document", document)
    assert code == 2
    assert "Tobias Renner (DPO), who gave the advice 'Proceed with conditions' on 20 June " in err
    assert "Mara Quell (decision-maker), who decided" in err
    assert err.count("is not listed as a signatory with a certificate") == 2
    code, _, err = _run(capsys, "archive", "status", assessment_id, "1", "approved")
    assert code == 2 and "comes only from freezing a signed version" in err
    assert open_archive().version(assessment_id).status == "draft"


def test_only_the_decision_maker_freezes_once_roles_are_given(office, capsys):
    directory, certificates = office
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers["signoff"] = _signoff(certificates)
    assessment_id, path = _archived_draft(capsys, directory, answers)
    document = directory / "dpia.docx"
    assert _run(capsys, "render", path, "-o", document, "--version", "2")[0] == 0
    for role in ("assessor", "dpo", "decision_maker"):
        _sign(capsys, directory, document, certificates, role)
        assert _run(capsys, "trust", "add", certificates[role])[0] == 0
    archive = open_archive()
    grant_role(archive, "lena@quellwerk.example", "author", actor="admin")
    grant_role(archive, "mara@quellwerk.example", "decision_maker", actor="admin")

    freeze = ["archive", "freeze", assessment_id, "--document", document]
    code, _, err = _run(capsys, *freeze, "--actor", "lena@quellwerk.example")
    assert code == 2
    assert err.strip() == (
        "dpia: only the decision-maker freezes a signed version; you hold: Author"
    )
    code, _, err = _run(capsys, *freeze, "--actor", "mara@quellwerk.example")
    assert code == 0, err
    trail = archive.audit_trail(assessment_id)
    assert [e.actor for e in trail if e.action is AuditAction.VERSION_FROZEN] == [
        "mara@quellwerk.example"
    ]


def test_a_document_for_another_version_or_status_is_not_frozen(office, capsys):
    directory, certificates = office
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers["signoff"] = _signoff(certificates)
    assessment_id, path = _archived_draft(capsys, directory, answers)
    document = directory / "dpia.docx"
    assert _run(capsys, "render", path, "-o", document)[0] == 0
    code, _, err = _run(capsys, "archive", "freeze", assessment_id, "--document", document)
    assert code == 2
    assert "the document says it is version 1, but it would be archived as version 2" in err
    assert (
        _run(capsys, "render", path, "-o", document, "--version", "2", "--status", "draft")[0] == 0
    )
    code, _, err = _run(capsys, "archive", "freeze", assessment_id, "--document", document)
    assert code == 2 and "render it again with --status approved" in err
    code, _, err = _run(capsys, "archive", "freeze", "A-ELSEWHERE", "--document", document)
    assert code == 2 and f"is the document of {assessment_id}, not of A-ELSEWHERE" in err


def test_the_archived_report_is_the_report_of_the_archived_document(office, capsys):
    """Scenario A rated once, under the law of its own date, on every path."""
    directory, _ = office
    answers = yaml.safe_load(SCENARIO_A.read_text(encoding="utf-8"))
    assessed = answers["assessment"]["date"]
    assessed = assessed if isinstance(assessed, dt.date) else dt.date.fromisoformat(assessed)
    document = directory / "scenario-a.docx"
    assert _run(capsys, "render", SCENARIO_A, "-o", document)[0] == 0
    printed = read_record(document.read_bytes())
    assert printed.as_of == assessed

    code, out, _ = _run(capsys, "score", SCENARIO_A, "--json")
    scored = json.loads(out)
    assert scored["as_of"] == assessed.isoformat()
    code, out, err = _run(capsys, "archive", "add", SCENARIO_A, "--document", document)
    assert code == 0, err
    archived = open_archive().version(out.split()[0]).report
    assert archived == scored
    gaps = [o for place in archived["legal_exposure"] for o in place["obligations"]]
    assert gaps == [o for place in scored["legal_exposure"] for o in place["obligations"]]

    later = (assessed + dt.timedelta(days=400)).isoformat()
    code, _, err = _run(
        capsys, "archive", "add", SCENARIO_A, "--document", document, "--as-of", later
    )
    assert code == 2
    assert f"the document was rendered under the law in force on {assessed}" in err
    other = directory / "other.yaml"
    other.write_text(
        SCENARIO_A.read_text(encoding="utf-8").replace("title:", "title: Changed", 1),
        encoding="utf-8",
    )
    code, _, err = _run(capsys, "archive", "add", other, "--document", document)
    assert code == 2 and "the document was rendered from other answers" in err
