"""PAdES signing and verifying rules, on small PDFs: trust, roles, refusals, bad files, tampering.

The PDF/A rendition itself (LibreOffice) and the visible boxes are in test_signing_pdf.py; here
every rule that holds for any PDF is checked quickly, with pdfsig and pyHanko as the judges.
"""

from __future__ import annotations

import datetime as dt
import http.server
import io
import re
import shutil
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pdf_support import pdfsig, pyhanko_verdicts, small_pdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from signing_support import PASSPHRASE, Person, make_person
from timestamp_authority import local_timestamp_authority

from dpia import SigningError
from dpia.cli import main
from dpia.signing import (
    Coverage,
    FileKeySigner,
    HttpTimestamper,
    SignatureVerdict,
    TrustStore,
    load_certificate,
    sign_pdf,
    verify_pdf,
)

needs_pdfsig = pytest.mark.skipif(
    shutil.which("pdfsig") is None, reason="poppler's pdfsig (Debian poppler-utils) is missing"
)


@pytest.fixture(autouse=True)
def default_trust_store(tmp_path, monkeypatch):
    """Keep the checkout's `var/trust` out of these tests."""
    monkeypatch.setenv("DPIA_TRUST_DIR", str(tmp_path / "default-trust"))
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", PASSPHRASE.decode())


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Person]:
    root = tmp_path_factory.mktemp("people")
    return {
        "assessor": make_person(root / "assessor", "Ada Assessor", "assessor"),
        "dpo": make_person(root / "dpo", "Dora Dpo", "dpo", algorithm="rsa3072"),
        "decision_maker": make_person(root / "exec", "Eve Executive", "decision_maker"),
    }


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    with local_timestamp_authority(tmp_path_factory.mktemp("tsa")) as running:
        yield running


def _signer(person: Person) -> FileKeySigner:
    return FileKeySigner.from_files(person.key, person.cert, PASSPHRASE)


def _store(path: Path, *certificates: Path) -> TrustStore:
    store = TrustStore(path)
    for certificate in certificates:
        store.add(load_certificate(certificate))
    return store


def _signed_by_all(people: dict[str, Person], **options) -> bytes:
    pdf = small_pdf()
    for person in people.values():
        pdf = sign_pdf(pdf, _signer(person), **options)
    return pdf


def test_three_signers_are_valid_only_with_their_certificates_trusted(people, tmp_path):
    pdf = _signed_by_all(people)
    everyone = _store(tmp_path / "trust", *(p.cert for p in people.values()))

    result = verify_pdf(pdf, trust=everyone)
    assert [r.verdict for r in result.signatures] == [SignatureVerdict.VALID] * 3
    assert [r.role for r in result.signatures] == ["assessor", "dpo", "decision_maker"]
    assert [r.coverage for r in result.signatures] == [
        Coverage.LATER_SIGNATURES,
        Coverage.LATER_SIGNATURES,
        Coverage.WHOLE_DOCUMENT,
    ]
    assert result.signatures[0].later == "later updates add only signatures 2, 3"
    assert result.signatures[0].reason == "Prepared this assessment"
    assert result.all_valid
    judged = pyhanko_verdicts(pdf, everyone)
    assert all(v.intact and v.valid and v.trusted and v.bottom_line for v in judged)

    only_two = _store(tmp_path / "two", people["assessor"].cert, people["dpo"].cert)
    verdicts = [r.verdict for r in verify_pdf(pdf, trust=only_two).signatures]
    assert verdicts == ["valid", "valid", "intact"]
    assert not verify_pdf(pdf, trust=only_two).all_valid


def test_without_a_trust_anchor_every_signature_is_intact_and_none_valid(people, tmp_path, capsys):
    document = tmp_path / "dpia.pdf"
    document.write_bytes(_signed_by_all(people))

    assert main(["verify", str(document)]) == 3
    out = capsys.readouterr().out
    assert "VALID " not in out
    assert out.count("  INTACT ") == 3
    assert "holds no certificate" in out and "the signer is not proven" in out
    assert "3 intact but not proven" in out

    trust = _store(tmp_path / "trust", *(p.cert for p in people.values()))
    assert main(["verify", str(document), "--trust", str(trust.directory)]) == 0
    assert capsys.readouterr().out.count("  VALID ") == 3


@needs_pdfsig
def test_a_flipped_byte_is_caught_by_pdfsig_pyhanko_and_dpia(people, tmp_path, capsys):
    pdf = sign_pdf(small_pdf(), _signer(people["dpo"]))
    trust = _store(tmp_path / "trust", people["dpo"].cert)
    start = pdf.index(b"stream", pdf.index(b"/Contents")) + 20
    tampered = bytearray(pdf)
    tampered[start] ^= 0x01
    document = tmp_path / "tampered.pdf"
    document.write_bytes(tampered)
    (tmp_path / "intact.pdf").write_bytes(pdf)

    assert [s.validation for s in pdfsig(tmp_path / "intact.pdf")] == ["Signature is Valid."]
    assert [s.validation for s in pdfsig(document)] == ["Digest Mismatch."]
    assert [v.intact for v in pyhanko_verdicts(bytes(tampered), trust)] == [False]
    assert main(["verify", str(document), "--trust", str(trust.directory)]) == 1
    out = capsys.readouterr().out
    assert "INVALID" in out and "the signed bytes were changed after signing" in out


@needs_pdfsig
def test_a_signature_that_cannot_be_parsed_is_unreadable_and_the_others_still_count(
    people, tmp_path, capsys
):
    pdf = _signed_by_all(people)
    contents = list(re.finditer(rb"/Contents <([0-9a-fA-F]+)>", pdf))
    assert len(contents) == 3
    last = contents[-1]
    damaged = bytearray(pdf)
    damaged[last.start(1) : last.end(1)] = b"0" * (last.end(1) - last.start(1))
    document = tmp_path / "damaged.pdf"
    document.write_bytes(damaged)
    trust = _store(tmp_path / "trust", *(p.cert for p in people.values()))

    seen = pdfsig(document)
    assert [s.validation for s in seen[:2]] == ["Signature is Valid."] * 2
    assert len(seen) < 3 or seen[2].validation != "Signature is Valid."
    result = verify_pdf(bytes(damaged), trust=trust)
    assert [r.verdict for r in result.signatures] == ["valid", "valid", "unreadable"]
    assert "not a readable CMS structure" in result.signatures[2].unreadable
    assert main(["verify", str(document), "--trust", str(trust.directory)]) == 1
    out = capsys.readouterr().out
    assert "  UNREADABLE 3. " in out and out.count("  VALID ") == 2
    assert "2 valid; 1 unreadable" in out


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(min_value=0, max_value=1, exclude_max=True), bit=st.integers(0, 7))
@example(position=0.9285636362161677, bit=0)  # a number in the field dictionary read as '.'
def test_no_changed_byte_in_the_signed_range_leaves_the_signature_valid(
    people, tmp_path, position, bit
):
    pdf = sign_pdf(small_pdf(1), _signer(people["assessor"]))
    trust = _store(tmp_path / "trust", people["assessor"].cert)
    first, length, second, tail = _byte_range(pdf)
    signed = [*range(first, first + length), *range(second, second + tail)]
    offset = signed[int(position * len(signed))]
    tampered = bytearray(pdf)
    tampered[offset] ^= 1 << bit
    try:
        result = verify_pdf(bytes(tampered), trust=trust)
    except SigningError:
        return
    assert not any(r.verdict is SignatureVerdict.VALID for r in result.signatures)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(min_value=0), byte=st.integers(0, 255))
def test_a_damaged_pdf_is_signed_or_refused_with_a_message_never_a_crash(people, offset, byte):
    damaged = bytearray(small_pdf(1))
    damaged[offset % len(damaged)] = byte
    try:
        signed = sign_pdf(bytes(damaged), _signer(people["decision_maker"]))
    except SigningError:
        return
    assert signed.startswith(bytes(damaged))


def _byte_range(pdf: bytes) -> tuple[int, int, int, int]:
    reader = PdfFileReader(io.BytesIO(pdf))
    (signature,) = reader.embedded_signatures
    first, length, second, tail = (int(v) for v in signature.sig_object["/ByteRange"])
    return first, length, second, tail


@needs_pdfsig
def test_a_change_after_signing_leaves_the_signature_intact_but_not_valid(people, tmp_path, capsys):
    pdf = sign_pdf(small_pdf(), _signer(people["assessor"]))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    changed = io.BytesIO()
    writer.write(changed)
    trust = _store(tmp_path / "trust", people["assessor"].cert)

    (report,) = verify_pdf(changed.getvalue(), trust=trust).signatures
    assert report.intact and report.trust.trusted
    assert report.coverage is Coverage.CHANGED_AFTER
    assert report.verdict is SignatureVerdict.INTACT
    assert any("changed afterwards" in reservation for reservation in report.reservations)
    document = tmp_path / "changed.pdf"
    document.write_bytes(changed.getvalue())
    (tmp_path / "signed.pdf").write_bytes(pdf)
    (seen,) = pdfsig(document)
    assert seen.validation == "Signature is Valid." and not seen.whole_document
    assert [s.whole_document for s in pdfsig(tmp_path / "signed.pdf")] == [True]
    (judged,) = pyhanko_verdicts(changed.getvalue(), trust)
    assert judged.intact and not judged.bottom_line

    assert main(["verify", str(document), "--trust", str(trust.directory)]) == 3
    out = capsys.readouterr().out
    assert "  INTACT " in out and "trusted:     yes" in out
    assert "covers:      the document as signed, but it was changed afterwards; objects it " in out
    assert "1 intact but followed by changes to the file" in out


def test_role_comes_from_the_certificate_and_a_contradiction_is_refused(people):
    with pytest.raises(SigningError, match="names the role dpo, not assessor"):
        sign_pdf(small_pdf(), _signer(people["dpo"]), role="assessor")
    with pytest.raises(SigningError, match="unknown role 'boss'"):
        sign_pdf(small_pdf(), _signer(people["dpo"]), role="boss")


def test_a_certificate_without_role_needs_one_and_it_is_reported_as_claimed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Nora Norole")])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    signer = FileKeySigner(key, certificate)
    with pytest.raises(SigningError, match=r"names no role.*--role"):
        sign_pdf(small_pdf(), signer)

    pdf = sign_pdf(small_pdf(), signer, role="dpo", reason="Advice: approve with conditions")
    trust = TrustStore(tmp_path / "trust")
    trust.add(certificate)
    (report,) = verify_pdf(pdf, trust=trust).signatures
    assert (report.role, report.role_claimed) == ("dpo", True)
    assert report.verdict is SignatureVerdict.VALID
    assert report.reason == "Advice: approve with conditions"


def test_a_person_signs_once_and_the_file_is_left_alone(people, tmp_path, capsys):
    document = tmp_path / "dpia.pdf"
    document.write_bytes(sign_pdf(small_pdf(), _signer(people["dpo"])))
    before = document.read_bytes()
    arguments = ["sign", str(document), "--key", str(people["dpo"].key)]
    assert main([*arguments, "--cert", str(people["dpo"].cert)]) == 2
    assert "Dora Dpo has already signed this PDF (signature 1)" in capsys.readouterr().err
    assert document.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 a zip, not a PDF", "not a PDF"),
        (small_pdf()[:-900], "not a readable PDF"),
        (b"%PDF-1.7\nnothing else", "not a readable PDF"),
    ],
    ids=["not-a-pdf", "truncated", "header-only"],
)
def test_a_bad_file_gets_a_message_and_stays_as_it_was(people, tmp_path, capsys, content, message):
    document = tmp_path / "dpia.pdf"
    document.write_bytes(content)
    person = people["assessor"]
    command = ["sign", str(document), "--key", str(person.key), "--cert", str(person.cert)]
    assert main(command) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert document.read_bytes() == content
    assert main(["verify", str(document)]) == 2
    assert message in capsys.readouterr().err


def test_an_encrypted_pdf_is_refused(people, tmp_path):
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(small_pdf())))
    writer.encrypt("owner-secret", "reader-secret")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(SigningError, match="the PDF is encrypted"):
        sign_pdf(locked.getvalue(), _signer(people["assessor"]))


def test_visible_needs_the_signature_page_of_a_rendered_dpia(people):
    with pytest.raises(SigningError, match=r'no "Signatures" heading.*without --visible'):
        sign_pdf(small_pdf(), _signer(people["assessor"]), visible=True)


def test_pdf_options_are_refused_for_a_docx_and_output_never_overwrites(people, tmp_path, capsys):
    person = people["assessor"]
    keys = ["--key", str(person.key), "--cert", str(person.cert)]
    docx = tmp_path / "dpia.docx"
    docx.write_bytes(b"PK")
    assert main(["sign", str(docx), *keys, "--visible", "--reason", "x"]) == 2
    assert "--visible, --reason: only for PDF documents" in capsys.readouterr().err

    document, other = tmp_path / "dpia.pdf", tmp_path / "other.pdf"
    document.write_bytes(small_pdf())
    other.write_bytes(b"keep me")
    assert main(["sign", str(document), *keys, "--output", str(other)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert other.read_bytes() == b"keep me"
    signed = tmp_path / "signed.pdf"
    assert main(["sign", str(document), *keys, "--output", str(signed)]) == 0
    assert document.read_bytes() == small_pdf()
    assert signed.read_bytes().startswith(small_pdf())


def test_timestamped_signatures_are_b_t_and_b_lt_when_the_store_vouches(
    people, authority, tmp_path
):
    stamper = HttpTimestamper(authority.url)
    signer_only = _store(tmp_path / "signer", people["assessor"].cert)
    before = authority.answered
    b_t = sign_pdf(small_pdf(), _signer(people["assessor"]), timestamper=stamper, trust=signer_only)
    assert authority.answered > before
    (report,) = verify_pdf(b_t, trust=signer_only).signatures
    assert report.level == "PAdES-B-T" and report.verdict is SignatureVerdict.VALID
    assert report.timestamp is not None and report.timestamp.authority == "Test TSA"
    assert "the time-stamp authority is not trusted" in report.notes[0]

    everyone = _store(tmp_path / "all", people["assessor"].cert, authority.root_certificate)
    b_lt = sign_pdf(small_pdf(), _signer(people["assessor"]), timestamper=stamper, trust=everyone)
    (report,) = verify_pdf(b_lt, trust=everyone).signatures
    assert (report.level, report.notes) == ("PAdES-B-LT", ())
    assert report.verdict is SignatureVerdict.VALID
    assert report.timestamp is not None and report.timestamp.trust.trusted
    assert report.coverage is Coverage.WHOLE_DOCUMENT
    assert abs(report.timestamp.time - report.signing_time) < dt.timedelta(minutes=5)
    assert all(v.bottom_line for v in pyhanko_verdicts(b_lt, everyone))


class _Refusing(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(503)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


def test_an_unreachable_authority_is_a_clear_error_and_the_pdf_is_unchanged(
    people, tmp_path, capsys
):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    document = tmp_path / "dpia.pdf"
    document.write_bytes(small_pdf())
    person = people["dpo"]
    url = f"http://127.0.0.1:{server.server_port}/tsa"
    try:
        command = ["sign", str(document), "--key", str(person.key), "--cert", str(person.cert)]
        assert main([*command, "--tsa-url", url]) == 2
    finally:
        server.shutdown()
        server.server_close()
    assert f"time-stamp authority {url} answered HTTP 503" in capsys.readouterr().err
    assert document.read_bytes() == small_pdf()


def test_an_organisation_ca_in_the_store_vouches_for_the_certificates_it_issued(tmp_path):
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example Org CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Eve Executive"),
            x509.NameAttribute(NameOID.TITLE, "decision_maker"),
        ]
    )
    issued = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    trust = TrustStore(tmp_path / "trust")
    trust.add(ca)
    pdf = sign_pdf(small_pdf(), FileKeySigner(key, issued), trust=trust)

    (report,) = verify_pdf(pdf, trust=trust).signatures
    assert report.verdict is SignatureVerdict.VALID
    assert report.trust.reason.startswith("issued by Example Org CA")
    assert all(v.trusted for v in pyhanko_verdicts(pdf, trust))


class _Crl(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/pkix-crl")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        return


def _ca_with_crl(url: str, *, revoke: bool):
    """An organisation CA, a DPO certificate naming `url` as its CRL, and that CRL."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example Org CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Dora Dpo"),
            x509.NameAttribute(NameOID.TITLE, "dpo"),
        ]
    )
    point = x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)
    issued = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.CRLDistributionPoints([point]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_name)
        .last_update(now)
        .next_update(now + dt.timedelta(days=7))
    )
    if revoke:
        crl = crl.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(issued.serial_number)
            .revocation_date(now)
            .build()
        )
    der = crl.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    return ca, FileKeySigner(key, issued), der


@pytest.mark.parametrize("revoke", [False, True], ids=["published", "revoked"])
def test_the_crl_a_ca_publishes_goes_into_the_pdf_and_a_revoked_certificate_cannot_sign(
    tmp_path, revoke
):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Crl)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ca, signer, crl = _ca_with_crl(
            f"http://127.0.0.1:{server.server_port}/ca.crl", revoke=revoke
        )
        _Crl.body = crl
        trust = TrustStore(tmp_path / "trust")
        trust.add(ca)
        if revoke:
            with pytest.raises(SigningError, match=r"does not hold up .* revoked"):
                sign_pdf(small_pdf(), signer, trust=trust)
            return
        pdf = sign_pdf(small_pdf(), signer, trust=trust)
    finally:
        server.shutdown()
        server.server_close()
    dss = PdfFileReader(io.BytesIO(pdf)).root["/DSS"]
    assert len(dss["/CRLs"]) == 1 and dss["/CRLs"][0].get_object().data == crl
    (report,) = verify_pdf(pdf, trust=trust).signatures
    assert report.verdict is SignatureVerdict.VALID
    assert report.trust.reason.startswith("issued by Example Org CA")
