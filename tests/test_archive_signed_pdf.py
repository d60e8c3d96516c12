"""The signed PDF/A kept beside the .docx: frozen under the approval rules, verified, exported.

Everything runs through `dpia` as a user would: render --pdf, sign the .docx and the PDF,
freeze with --pdf, verify the archive, export the bag. The judges are poppler's `pdfsig`,
bagit.py and the bag's own verify_bag.py run by the system Python.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pdf_support import pdfsig
from tamper import tamper
from test_workflow_cli import EXAMPLE, _archived_draft, _run, _sign, _signoff, office

from dpia.archive import open_archive
from dpia.archive._canonical import sha256_hex

__all__ = ["office"]

BAGIT = Path(sys.executable).with_name("bagit.py")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
    pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils is not installed"),
]


def _sign_pdf(capsys, directory: Path, pdf: Path, certificates, role: str) -> None:
    key = directory / "keys" / role / "key.pem"
    code, _, err = _run(capsys, "sign", pdf, "--key", key, "--cert", certificates[role])
    assert code == 0, err


def test_the_signed_pdf_is_frozen_verified_and_exported_beside_the_docx(office, capsys):
    directory, certificates = office
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers["signoff"] = _signoff(certificates)
    assessment_id, path = _archived_draft(capsys, directory, answers)
    document = directory / "dpia-v2.docx"
    code, _, err = _run(capsys, "render", path, "-o", document, "--version", "2", "--pdf")
    assert code == 0, err
    pdf = document.with_suffix(".pdf")
    for role in ("assessor", "dpo", "decision_maker"):
        _sign(capsys, directory, document, certificates, role)
        assert _run(capsys, "trust", "add", certificates[role])[0] == 0
    for role in ("assessor", "dpo"):
        _sign_pdf(capsys, directory, pdf, certificates, role)
    freeze = ["archive", "freeze", assessment_id, "--document", document, "--pdf", pdf]

    code, _, err = _run(capsys, *freeze)
    assert code == 2
    assert "cannot be frozen with this signed PDF; in the PDF:" in err
    assert "no signature yet from Mara Quell (decision-maker)" in err
    assert open_archive().history(assessment_id)[-1].number == 1

    _sign_pdf(capsys, directory, pdf, certificates, "decision_maker")
    code, out, err = _run(capsys, *freeze)
    assert code == 0, err
    signed = pdf.read_bytes()
    assert f"signed PDF     sha256 {sha256_hex(signed)}, kept beside the .docx" in out
    stored = open_archive().version(assessment_id)
    assert (stored.number, stored.status) == (2, "approved")
    assert stored.signed_pdf == signed and stored.document == document.read_bytes()
    frozen = [e for e in open_archive().audit_trail(assessment_id) if e.action == "version.frozen"]
    assert sorted(frozen[0].details["signed_pdf_by"]) == ["assessor", "decision_maker", "dpo"]
    assert frozen[0].details["signed_pdf_by"]["dpo"]["signature"] == "PDF signature 2"
    assert _run(capsys, "archive", "verify")[0] == 0
    code, out, _ = _run(capsys, "archive", "show", assessment_id)
    assert code == 0
    assert f"signed PDF        {len(signed):,} bytes, sha256 {sha256_hex(signed)}" in out
    code, out, _ = _run(capsys, "archive", "show", assessment_id, "--json")
    assert code == 0 and json.loads(out)["signed_pdf_sha256"] == sha256_hex(signed)

    bag = directory / "bag"
    code, _, err = _run(capsys, "archive", "export", assessment_id, "-o", bag)
    assert code == 0, err
    exported = bag / "data" / "document.pdf"
    assert exported.read_bytes() == signed
    validated = subprocess.run(
        [sys.executable, str(BAGIT), "--validate", str(bag)], capture_output=True, text=True
    )
    assert validated.returncode == 0, validated.stderr
    script = subprocess.run(
        ["python3", "-I", str(bag / "verify_bag.py")], capture_output=True, text=True, cwd="/"
    )
    assert script.returncode == 0, script.stdout
    assert "data/document.pdf is the signed_pdf_sha256" in script.stdout
    seen = pdfsig(exported)
    assert [s.validation for s in seen] == ["Signature is Valid."] * 3
    assert seen[-1].whole_document
    assert "pdfsig data/document.pdf" in (bag / "VERIFY.md").read_text(encoding="utf-8")

    tamper(
        open_archive().engine,
        ["blobs"],
        "UPDATE blobs SET content = :changed WHERE sha256 = :sha",
        changed=signed.replace(b"/Type/Page", b"/Type/Pagx", 1),
        sha=sha256_hex(signed),
    )
    code, out, _ = _run(capsys, "archive", "verify")
    assert code == 1
    assert "the signed PDF was changed: its bytes no longer hash to" in out


def test_a_pdf_of_another_version_is_not_kept(office, capsys):
    directory, certificates = office
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers["signoff"] = _signoff(certificates)
    assessment_id, path = _archived_draft(capsys, directory, answers)
    document = directory / "dpia-v2.docx"
    assert _run(capsys, "render", path, "-o", document, "--version", "2")[0] == 0
    other = directory / "dpia-v3.docx"
    assert _run(capsys, "render", path, "-o", other, "--version", "3", "--pdf")[0] == 0
    for role in ("assessor", "dpo", "decision_maker"):
        _sign(capsys, directory, document, certificates, role)
        _sign_pdf(capsys, directory, other.with_suffix(".pdf"), certificates, role)
        assert _run(capsys, "trust", "add", certificates[role])[0] == 0

    code, _, err = _run(
        capsys, "archive", "freeze", assessment_id, "--document", document,
        "--pdf", other.with_suffix(".pdf"),
    )  # fmt: skip
    assert code == 2
    assert "the signed PDF states Version 3 on its title page" in err
    assert "the version being frozen is Version 2" in err
    assert open_archive().history(assessment_id)[-1].number == 1
