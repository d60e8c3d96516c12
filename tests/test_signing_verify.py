"""Signatures over the final document: OpenSSL and `dpia verify` must agree on every verdict."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from signing_support import (
    PASSPHRASE,
    Person,
    certificate_between,
    make_docx,
    make_person,
    openssl_verify,
    raw_cms_signature,
)

from dpia import SigningError
from dpia.cli import main
from dpia.signing import (
    FileKeySigner,
    SignatureVerdict,
    TrustStore,
    certificate_fingerprint,
    load_certificate,
    load_private_key,
    sign_document,
    verify_document,
)

GUIDE = Path(__file__).parent.parent / "docs" / "signing.md"


@pytest.fixture(autouse=True)
def default_trust_store(tmp_path, monkeypatch):
    """Keep the default store (`var/trust`) of the checkout out of these tests."""
    monkeypatch.setenv("DPIA_TRUST_DIR", str(tmp_path / "default-trust"))


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Person]:
    root = tmp_path_factory.mktemp("people")
    return {
        "assessor": make_person(root / "assessor", "Ada Assessor", "assessor"),
        "dpo": make_person(root / "dpo", "Dora Dpo", "dpo", algorithm="rsa3072"),
        "decision_maker": make_person(root / "exec", "Eve Executive", "decision_maker"),
    }


def _signer(person: Person) -> FileKeySigner:
    return FileKeySigner.from_files(person.key, person.cert, PASSPHRASE)


@pytest.fixture
def document(tmp_path: Path) -> Path:
    return make_docx(tmp_path / "dpia.docx", "Keystroke telemetry for agent training, v3.")


@pytest.mark.parametrize("role", ["assessor", "dpo"], ids=["ec-p256", "rsa3072"])
def test_openssl_verifies_our_signature(people, document, role):
    signature = sign_document(document, _signer(people[role]))

    slug = "ada-assessor-assessor" if role == "assessor" else "dora-dpo-dpo"
    assert signature.name == f"dpia.docx.{slug}.p7s"
    result = openssl_verify(signature, document, people[role].cert)
    assert result.returncode == 0, result.stderr
    assert "Verification successful" in result.stderr
    report = verify_document(document, trust=TrustStore(document.parent / "none"))
    assert [s.intact for s in report.signatures] == [True]


def test_one_flipped_byte_fails_openssl_and_dpia(people, document, capsys):
    signature = sign_document(document, _signer(people["assessor"]))
    content = bytearray(document.read_bytes())
    content[len(content) // 2] ^= 0x01
    document.write_bytes(bytes(content))

    assert openssl_verify(signature, document, people["assessor"].cert).returncode != 0
    assert main(["verify", str(document)]) == 1
    out = capsys.readouterr().out
    assert "INVALID" in out
    assert "does not match the signed digest" in out


def test_signature_over_another_document_is_invalid(people, document, tmp_path):
    other = make_docx(tmp_path / "other.docx", "A different assessment.")
    moved = document.with_name("dpia.docx.ada-assessor-assessor.p7s")
    shutil.move(sign_document(other, _signer(people["assessor"])), moved)

    assert openssl_verify(moved, document, people["assessor"].cert).returncode != 0
    (report,) = verify_document(document).signatures
    assert not report.intact
    assert "belongs to another document" in report.problems[0]


def test_key_of_another_certificate_is_caught(people, document):
    key = load_private_key(people["decision_maker"].key, PASSPHRASE)
    certificate = load_certificate(people["assessor"].cert)
    with pytest.raises(SigningError, match="does not belong to the certificate"):
        FileKeySigner(key, certificate)
    forged = document.with_name("dpia.docx.forged.p7s")
    forged.write_bytes(raw_cms_signature(document.read_bytes(), certificate, key))

    assert openssl_verify(forged, document, people["assessor"].cert).returncode != 0
    (report,) = verify_document(document).signatures
    assert not report.intact
    assert "does not verify with the certificate's public key" in report.problems[0]
    assert report.signer is not None and report.signer.name == "Ada Assessor"


def test_without_a_trust_anchor_a_signature_is_intact_never_valid(people, document, capsys):
    sign_document(document, _signer(people["assessor"]))
    capsys.readouterr()

    assert main(["verify", str(document)]) == 3
    out = capsys.readouterr().out
    assert not re.search(r"^ +VALID ", out, re.MULTILINE)
    assert "INTACT      dpia.docx.ada-assessor-assessor.p7s" in out
    assert "no trust anchor" in out
    assert "Ada Assessor <ada.assessor@example.org>, role assessor (as the certificate" in out
    assert "INTACT means the bytes are exactly those signed, but nothing proves who signed" in out


def test_untrusted_signer_is_intact_and_a_trusted_one_valid(people, document, tmp_path, capsys):
    sign_document(document, _signer(people["assessor"]))
    store = tmp_path / "trust"
    assert main(["trust", "add", str(people["dpo"].cert), "--store", str(store)]) == 0
    capsys.readouterr()

    assert main(["verify", str(document), "--trust", str(store)]) == 3
    out = capsys.readouterr().out
    assert "INTACT      dpia.docx.ada-assessor-assessor.p7s" in out
    assert "trusted:     no: neither it nor an issuer of it is in the trust store" in out
    assert main(["trust", "add", str(people["assessor"].cert), "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["verify", str(document), "--trust", str(store)]) == 0
    assert "VALID       dpia.docx.ada-assessor-assessor.p7s" in capsys.readouterr().out
    signature = document.with_name("dpia.docx.ada-assessor-assessor.p7s")
    assert openssl_verify(signature, document, people["dpo"].cert).returncode != 0


def test_certificate_expired_at_signing_time(document):
    key = ec.generate_private_key(ec.SECP256R1())
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    certificate = certificate_between(key, "Old Officer", start, start + dt.timedelta(days=30))
    with pytest.raises(SigningError, match="expired on 2024-01-31"):
        FileKeySigner(key, certificate).sign(b"anything")
    signature = document.with_name("dpia.docx.old-officer-dpo.p7s")
    signature.write_bytes(raw_cms_signature(document.read_bytes(), certificate, key))
    pem = document.with_name("old.pem")
    pem.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))

    result = openssl_verify(signature, document, pem)
    assert result.returncode != 0
    assert "expired" in result.stderr
    (report,) = verify_document(document).signatures
    assert not report.intact
    assert "expired on 2024-01-31 00:00 UTC, before the signing time" in report.problems[0]
    assert "signer's own clock" in report.problems[0]


def test_certificate_expired_since_signing_is_reported_not_failed(people, document):
    sign_document(document, _signer(people["assessor"]))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3 * 365)

    (report,) = verify_document(document, now=later).signatures
    assert report.intact
    assert "has expired since signing" in report.notes[0]
    assert "only a time-stamp would prove it" in report.notes[0]


def test_two_and_three_signers_all_verify(people, document, tmp_path, capsys):
    store = tmp_path / "trust"
    for role in ("assessor", "dpo", "decision_maker"):
        main(["trust", "add", str(people[role].cert), "--store", str(store)])
    sign_document(document, _signer(people["assessor"]))
    sign_document(document, _signer(people["dpo"]))
    capsys.readouterr()
    assert main(["verify", str(document), "--trust", str(store)]) == 0
    assert "2 signatures" in capsys.readouterr().out

    sign_document(document, _signer(people["decision_maker"]))
    assert main(["verify", str(document), "--trust", str(store)]) == 0
    out = capsys.readouterr().out
    assert "3 signatures" in out
    assert out.count("  VALID       ") == 3 and "INVALID" not in out
    for line in ("role assessor", "role dpo", "role decision_maker", "trusted:     yes"):
        assert line in out
    everyone = [people[role].cert for role in people]
    for signature in sorted(document.parent.glob("dpia.docx.*.p7s")):
        assert openssl_verify(signature, document, *everyone).returncode == 0


def test_same_signer_cannot_silently_replace_a_signature(people, document):
    sign_document(document, _signer(people["assessor"]))
    with pytest.raises(SigningError, match="already exists: Ada Assessor has signed"):
        sign_document(document, _signer(people["assessor"]))


def test_no_signature_and_damaged_signature_fail(document, capsys):
    assert main(["verify", str(document)]) == 1
    assert "no signatures found (looked for dpia.docx.*.p7s)" in capsys.readouterr().out
    document.with_name("dpia.docx.someone.p7s").write_bytes(b"not a signature at all")
    assert main(["verify", str(document)]) == 1
    assert "not a DER CMS signature" in capsys.readouterr().out


def test_sign_prints_the_signature_path(people, document, monkeypatch, capsys):
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", PASSPHRASE.decode())
    person = people["decision_maker"]
    code = main(["sign", str(document), "--key", str(person.key), "--cert", str(person.cert)])
    assert code == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed == document.with_name("dpia.docx.eve-executive-decision-maker.p7s")
    assert openssl_verify(printed, document, person.cert).returncode == 0


def _guide_block(after: str) -> str:
    text = GUIDE.read_text()
    return re.search(re.escape(after) + r".*?```sh\n(.*?)```", text, re.DOTALL).group(1)


def test_third_party_commands_in_the_guide_work(people, document):
    sign_document(document, _signer(people["dpo"]))
    (document.parent / "trusted.pem").write_bytes(people["dpo"].cert.read_bytes())
    names = {
        "dpia-A-2026-001-v3.docx.dora-dpo-dpo.p7s": "dpia.docx.dora-dpo-dpo.p7s",
        "dpia-A-2026-001-v3.docx": "dpia.docx",
    }
    for heading, expected in [
        ("**Each signature**", "CMS Verification successful"),
        ("**Who signed, with which certificate:**", "title=dpo"),
    ]:
        script = _guide_block(heading)
        for old, new in names.items():
            script = script.replace(old, new)
        result = subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=document.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout + result.stderr
    fingerprint = verify_document(document).signatures[0].signer.fingerprint
    assert f"sha256 Fingerprint={fingerprint}" in result.stdout


_ONCE = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_ONCE
@given(st.data())
def test_any_changed_byte_anywhere_invalidates(people, document, data):
    signature = document.with_name("dpia.docx.ada-assessor-assessor.p7s")
    if not signature.exists():
        sign_document(document, _signer(people["assessor"]))
    original = document.read_bytes()
    position = data.draw(st.integers(0, len(original) - 1))
    flip = data.draw(st.integers(1, 255))
    changed = bytearray(original)
    changed[position] ^= flip
    document.write_bytes(bytes(changed))
    try:
        (report,) = verify_document(document).signatures
    finally:
        document.write_bytes(original)
    assert not report.intact


@_ONCE
@given(garbage=st.binary(max_size=2000), cut=st.integers(0, 2000))
def test_damaged_signature_files_are_reported_never_crash(people, document, garbage, cut):
    signature = document.with_name("dpia.docx.ada-assessor-assessor.p7s")
    if not signature.exists():
        sign_document(document, _signer(people["assessor"]))
    good = signature.read_bytes()
    broken = document.with_name("dpia.docx.broken.p7s")
    broken.write_bytes(good[:cut] + garbage)
    reports = {r.name: r for r in verify_document(document).signatures}
    assert reports["dpia.docx.ada-assessor-assessor.p7s"].intact
    assert not reports["dpia.docx.broken.p7s"].intact or garbage == good[cut:]


def _answers_with_signatories(path: Path, people: dict[str, Person], roles: list[str]) -> Path:
    lines = [
        "questionnaire: mini@1.0",
        "assessment: {title: T, organisation: O, assessor: Ada, date: 2026-05-04}",
        "signoff:",
        "  assessor: {name: Ada Assessor, email: ada@example.org}",
        "  signatories:",
    ]
    for role in roles:
        fingerprint = certificate_fingerprint(load_certificate(people[role].cert))
        lines.append(
            f"    - {{name: {role} person, email: {role}@example.org, role: {role}, "
            f'certificate_sha256: "{fingerprint}"}}'
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def test_signatures_are_held_up_to_the_signoff_record(
    people, document, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(Path(__file__).parent / "fixtures"))
    answers = _answers_with_signatories(
        document.with_name("answers.yaml"), people, ["assessor", "dpo"]
    )
    store = TrustStore(tmp_path / "trust")
    for role in people:
        store.add(load_certificate(people[role].cert))
    trusted = ["--trust", str(store.directory), "--signoff", str(answers)]
    sign_document(document, _signer(people["assessor"]))
    capsys.readouterr()

    assert main(["verify", str(document), *trusted]) == 1
    out = capsys.readouterr().out
    assert "no intact signature from dpo person (DPO)" in out

    sign_document(document, _signer(people["dpo"]))
    assert main(["verify", str(document), *trusted]) == 0
    assert "all 2 signatories in the sign-off record signed" in capsys.readouterr().out

    sign_document(document, _signer(people["decision_maker"]))
    assert main(["verify", str(document), *trusted]) == 1
    out = capsys.readouterr().out
    assert "Eve Executive <eve.executive@example.org>, role decision_maker signed" in out
    assert "is not a signatory in the sign-off record" in out


def test_signatory_listed_under_another_role_is_caught(people, document, monkeypatch, capsys):
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(Path(__file__).parent / "fixtures"))
    answers = _answers_with_signatories(document.with_name("answers.yaml"), people, ["dpo"])
    answers.write_text(answers.read_text().replace("role: dpo", "role: decision_maker"))
    sign_document(document, _signer(people["dpo"]))

    assert main(["verify", str(document), "--signoff", str(answers)]) == 1
    assert (
        "signed with a certificate for the role DPO, but the record lists them as decision-maker"
        in capsys.readouterr().out
    )


def _relabelled(signature: Path, name: str, email: str, role: str) -> None:
    """Rewrite the certificate inside a signature to name someone else, in another role, as an
    attacker with a text editor for ASN.1 would: the signature over the document still holds."""
    info = cms.ContentInfo.load(signature.read_bytes())
    signed_data = info["content"]
    certificate = signed_data["certificates"][0].chosen
    other = asn1_x509.Name.build({"common_name": name, "email_address": email, "title": role})
    certificate["tbs_certificate"]["subject"] = other
    certificate["tbs_certificate"]["issuer"] = other
    signed_data["signer_infos"][0]["sid"].chosen["issuer"] = other
    signature.write_bytes(info.dump(force=True))


def test_a_relabelled_certificate_is_shown_as_what_it_is(people, document, tmp_path, capsys):
    signature = sign_document(document, _signer(people["dpo"]))
    _relabelled(signature, "Eve Executive", "eve.executive@example.org", "decision_maker")
    store = tmp_path / "trust"
    for role in people:
        assert main(["trust", "add", str(people[role].cert), "--store", str(store)]) == 0
    capsys.readouterr()

    for trust in ([], ["--trust", str(store)]):
        assert main(["verify", str(document), *trust]) == 3
        out = capsys.readouterr().out
        assert not re.search(r"^ +VALID ", out, re.MULTILINE)
        assert "role decision_maker (as the certificate claims; not proven)" in out
        assert "the certificate was altered after it was made" in out
    (report,) = verify_document(document, trust=TrustStore(store)).signatures
    assert report.verdict is SignatureVerdict.INTACT and not report.trust.trusted


def test_an_unreadable_signature_gets_its_verdict_and_the_others_are_still_checked(
    people, document, tmp_path, capsys
):
    """A certificate on a curve `cryptography` cannot load (here secp112r1, made by OpenSSL)."""
    sign_document(document, _signer(people["assessor"]))
    key, certificate = tmp_path / "odd.key", tmp_path / "odd.pem"
    signature = f"{document}.odd-curve-dpo.p7s"
    for command in (
        ["ecparam", "-name", "secp112r1", "-genkey", "-noout", "-out", key],
        ["req", "-new", "-x509", "-key", key, "-subj", "/CN=Odd Curve/title=dpo", "-days", "30",
         "-out", certificate],
        ["cms", "-sign", "-binary", "-in", document, "-signer", certificate, "-inkey", key,
         "-outform", "DER", "-out", signature],
    ):  # fmt: skip
        subprocess.run(["openssl", *command], check=True, capture_output=True)
    store = tmp_path / "trust"
    assert main(["trust", "add", str(people["assessor"].cert), "--store", str(store)]) == 0
    capsys.readouterr()

    assert main(["verify", str(document), "--trust", str(store)]) == 1
    out = capsys.readouterr().out
    assert "VALID       dpia.docx.ada-assessor-assessor.p7s" in out
    assert "UNREADABLE  dpia.docx.odd-curve-dpo.p7s" in out
    assert "a key type or curve dpia cannot check" in out
    verdicts = {
        r.name: r.verdict for r in verify_document(document, trust=TrustStore(store)).signatures
    }
    assert verdicts == {
        "dpia.docx.ada-assessor-assessor.p7s": SignatureVerdict.VALID,
        "dpia.docx.odd-curve-dpo.p7s": SignatureVerdict.UNREADABLE,
    }
