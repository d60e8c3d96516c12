"""From an example's answers to a Word DPIA signed by its assessor, DPO and executive.

Everything runs through the `dpia` command as a user would; OpenSSL is the independent judge.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from signing_support import PASSPHRASE, openssl_verify

from dpia.cli import main
from dpia.document import read_embedded

EXAMPLE = Path(__file__).parent.parent / "examples" / "scenario-b-timing-only-opt-in.yaml"
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


@pytest.fixture
def signed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", PASSPHRASE.decode())
    certificates = {}
    for name, email, role in PEOPLE:
        out = tmp_path / "keys" / role
        args = ["keygen", "--name", name, "--email", email, "--role", role, "--out", str(out)]
        assert main(args) == 0
        certificates[role] = out / "cert.pem"
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers["signoff"] = {
        "assessor": {"name": PEOPLE[0][0], "email": PEOPLE[0][1]},
        "dpo_advice": {
            "name": PEOPLE[1][0],
            "advice": "approve",
            "summary": "The safeguards keep every risk low or medium.",
            "date": "2026-06-20",
        },
        "decision": {
            "name": PEOPLE[2][0],
            "position": "Managing Director",
            "decision": "approve",
            "date": "2026-06-25",
            "dpo_advice_followed": True,
        },
        "signatories": [
            {"name": n, "email": e, "role": r, "certificate_sha256": _fingerprint(certificates[r])}
            for n, e, r in PEOPLE
        ],
    }
    answers_path = tmp_path / "answers.yaml"
    answers_path.write_text(yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
    document = tmp_path / "dpia-b.docx"
    assert main(["render", str(answers_path), "-o", str(document)]) == 0
    signatures = {}
    for _, _, role in PEOPLE:
        key = tmp_path / "keys" / role / "key.pem"
        capsys.readouterr()
        assert (
            main(["sign", str(document), "--key", str(key), "--cert", str(certificates[role])]) == 0
        )
        signatures[role] = Path(capsys.readouterr().out.strip().splitlines()[-1])
    trust = tmp_path / "trust"
    for cert in certificates.values():
        assert main(["trust", "add", str(cert), "--store", str(trust)]) == 0
    capsys.readouterr()
    return document, answers_path, certificates, signatures, trust


def test_three_signatures_verify_with_openssl_and_dpia(signed, capsys):
    document, answers_path, certificates, signatures, trust = signed
    for role, signature in signatures.items():
        result = openssl_verify(signature, document, certificates[role])
        assert result.returncode == 0, result.stderr
        assert "Verification successful" in result.stderr
    args = ["verify", str(document), "--trust", str(trust), "--signoff", str(answers_path)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.count("VALID") == 3
    assert "all 3 signatories in the sign-off record signed" in out
    embedded = read_embedded(document.read_bytes())
    assert [s.role for s in embedded.signoff.signatories] == ["assessor", "dpo", "decision_maker"]


def test_one_flipped_byte_fails_openssl_and_dpia(signed, capsys):
    document, _, certificates, signatures, trust = signed
    content = bytearray(document.read_bytes())
    content[len(content) // 2] ^= 0x01
    document.write_bytes(bytes(content))
    for role, signature in signatures.items():
        assert openssl_verify(signature, document, certificates[role]).returncode != 0
    assert main(["verify", str(document), "--trust", str(trust)]) == 1
    assert capsys.readouterr().out.count("INVALID") == 3
