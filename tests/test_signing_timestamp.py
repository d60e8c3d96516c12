"""RFC 3161 time-stamps from a local OpenSSL authority, embedded in and checked with signatures."""

from __future__ import annotations

import http.server
import re
import subprocess
import threading
from pathlib import Path

import pytest
from asn1crypto import cms
from signing_support import PASSPHRASE, make_docx, make_person, openssl_verify
from timestamp_authority import local_timestamp_authority

from dpia import SigningError
from dpia.cli import main
from dpia.signing import (
    FileKeySigner,
    HttpTimestamper,
    TrustStore,
    load_certificate,
    sign_document,
    verify_document,
)

GUIDE = Path(__file__).parent.parent / "docs" / "signing.md"


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    with local_timestamp_authority(tmp_path_factory.mktemp("tsa")) as running:
        yield running


@pytest.fixture(scope="module")
def person(tmp_path_factory):
    return make_person(tmp_path_factory.mktemp("ada"), "Ada Assessor", "assessor")


@pytest.fixture(scope="module")
def rsa_person(tmp_path_factory):
    return make_person(tmp_path_factory.mktemp("dora"), "Dora Dpo", "dpo", algorithm="rsa3072")


@pytest.fixture
def document(tmp_path: Path) -> Path:
    return make_docx(tmp_path / "dpia.docx", "Final text.")


@pytest.fixture
def store(tmp_path, person, authority) -> TrustStore:
    trust = TrustStore(tmp_path / "trust")
    trust.add(_certificate(person.cert))
    trust.add(_certificate(authority.root_certificate))
    return trust


def _certificate(path: Path):
    return load_certificate(path)


def test_cli_signs_with_a_timestamp_and_verify_checks_it(
    authority, person, document, store, monkeypatch, capsys
):
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", PASSPHRASE.decode())
    arguments = ["sign", str(document), "--key", str(person.key), "--cert", str(person.cert)]
    assert main([*arguments, "--tsa-url", authority.url]) == 0
    signature = Path(capsys.readouterr().out.strip())

    assert openssl_verify(signature, document, person.cert).returncode == 0
    assert main(["verify", str(document), "--trust", str(store.directory)]) == 0
    out = capsys.readouterr().out
    assert "time-stamp:" in out and "by Test TSA (trusted)" in out
    (report,) = verify_document(document, trust=store).signatures
    assert report.timestamp is not None and not report.timestamp.problems
    assert abs((report.timestamp.time - report.signing_time).total_seconds()) < 3600


def test_untrusted_authority_is_a_note_not_a_proof(authority, person, document, tmp_path):
    signer = FileKeySigner.from_files(person.key, person.cert, PASSPHRASE)
    sign_document(document, signer, timestamper=HttpTimestamper(authority.url))
    only_signer = TrustStore(tmp_path / "only-signer")
    only_signer.add(_certificate(person.cert))

    (report,) = verify_document(document, trust=only_signer).signatures
    assert report.intact and report.trust.trusted
    assert "the time-stamp authority is not trusted" in report.notes[0]


def test_timestamp_of_another_signature_is_caught(authority, person, document, tmp_path):
    signer = FileKeySigner.from_files(person.key, person.cert, PASSPHRASE)
    other = make_docx(tmp_path / "other.docx", "Another text.")
    stamped = sign_document(other, signer, timestamper=HttpTimestamper(authority.url))
    plain = sign_document(document, signer)
    token = cms.ContentInfo.load(stamped.read_bytes())["content"]["signer_infos"][0][
        "unsigned_attrs"
    ][0]["values"][0]
    info = cms.ContentInfo.load(plain.read_bytes())
    info["content"]["signer_infos"][0]["unsigned_attrs"] = cms.CMSAttributes(
        [cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]})]
    )
    plain.write_bytes(info.dump())

    assert openssl_verify(plain, document, person.cert).returncode == 0
    (report,) = verify_document(document).signatures
    assert not report.intact
    assert "the time-stamp is for another signature" in report.problems


class _Refusing(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(503)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


def test_unavailable_authority_is_a_clear_error_and_nothing_is_written(person, document):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    signer = FileKeySigner.from_files(person.key, person.cert, PASSPHRASE)
    url = f"http://127.0.0.1:{server.server_port}/tsa"
    try:
        with pytest.raises(SigningError, match=f"time-stamp authority {url} answered HTTP 503"):
            sign_document(document, signer, timestamper=HttpTimestamper(url))
    finally:
        server.shutdown()
        server.server_close()
    assert not list(document.parent.glob("dpia.docx.*.p7s"))
    with pytest.raises(SigningError, match="must start with http"):
        HttpTimestamper("ftp://tsa.example.org")


@pytest.mark.parametrize("who", ["person", "rsa_person"], ids=["ec-p256", "rsa3072"])
def test_third_party_timestamp_check_in_the_guide_works(authority, document, who, request):
    signer_files = request.getfixturevalue(who)
    signer = FileKeySigner.from_files(signer_files.key, signer_files.cert, PASSPHRASE)
    signature = sign_document(document, signer, timestamper=HttpTimestamper(authority.url))
    guide = GUIDE.read_text()
    script = re.search(r"\*\*A time-stamp\*\*.*?```sh\n(.*?)```", guide, re.DOTALL).group(1)
    script = script.replace("dpia-A-2026-001-v3.docx.dora-dpo-dpo.p7s", signature.name)
    script = script.replace("tsa-root.pem", str(authority.root_certificate))

    result = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=document.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Verification: OK" in result.stdout
    assert "Time stamp:" in result.stdout
