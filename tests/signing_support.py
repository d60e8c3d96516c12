"""Real keys, certificates, documents and a local RFC 3161 authority for the signing tests.

Nothing here imitates a part under test: documents are real .docx files, certificates are made
with `cryptography`, OpenSSL is run as the independent verifier, and the time-stamp authority
is `openssl ts -reply` behind a small HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import http.server
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import docx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from dpia.signing import create_identity

PASSPHRASE = b"correct horse battery"


@dataclass(frozen=True)
class Person:
    key: Path
    cert: Path


def make_person(directory: Path, name: str, role: str, algorithm: str = "ec-p256") -> Person:
    email = name.lower().replace(" ", ".") + "@example.org"
    made = create_identity(
        directory, name=name, email=email, role=role, passphrase=PASSPHRASE, algorithm=algorithm
    )
    return Person(made.key_path, made.certificate_path)


def make_docx(path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_heading("Data Protection Impact Assessment", 0)
    document.add_paragraph(text)
    document.save(path)
    return path


def openssl_verify(signature: Path, document: Path, *trusted: Path) -> subprocess.CompletedProcess:
    """The third party's check, exactly as docs/signing.md tells them to run it."""
    bundle = signature.parent / f"{signature.name}.trusted.pem"
    bundle.write_bytes(b"".join(path.read_bytes() for path in trusted))
    return subprocess.run(
        [
            "openssl", "cms", "-verify", "-binary", "-inform", "DER",
            "-in", str(signature), "-content", str(document),
            "-CAfile", str(bundle), "-purpose", "any", "-out", "/dev/null",
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def raw_cms_signature(content: bytes, certificate: x509.Certificate, key: object) -> bytes:
    """A CMS signature made without dpia's checks, to forge what dpia's signer refuses to make."""
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(certificate, key, hashes.SHA256())  # type: ignore[arg-type]
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )


def certificate_between(
    key: ec.EllipticCurvePrivateKey, name: str, start: dt.datetime, end: dt.datetime
) -> x509.Certificate:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.TITLE, "dpo"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )


@dataclass(frozen=True)
class LocalAuthority:
    url: str
    root_certificate: Path
    certificate: Path


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@contextmanager
def local_timestamp_authority(directory: Path) -> Iterator[LocalAuthority]:
    """An RFC 3161 authority: a root CA, a time-stamping certificate, and `openssl ts -reply`."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Time Root")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tsa = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(root_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    (directory / "root.pem").write_bytes(_pem(root))
    (directory / "tsa.pem").write_bytes(_pem(tsa))
    (directory / "tsa.key").write_bytes(
        tsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (directory / "serial").write_text("01\n")
    (directory / "ts.cnf").write_text(
        "[ tsa ]\ndefault_tsa = tsa_config\n[ tsa_config ]\n"
        f"serial = {directory / 'serial'}\nsigner_digest = sha256\n"
        "default_policy = 1.2.3.4.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\n"
        "ordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n"
    )
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                (directory / "query.tsq").write_bytes(query)
                subprocess.run(
                    [
                        "openssl", "ts", "-reply", "-config", str(directory / "ts.cnf"),
                        "-queryfile", str(directory / "query.tsq"),
                        "-signer", str(directory / "tsa.pem"),
                        "-inkey", str(directory / "tsa.key"),
                        "-out", str(directory / "reply.tsr"),
                    ],
                    capture_output=True,
                    check=True,
                )  # fmt: skip
                reply = (directory / "reply.tsr").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalAuthority(
            f"http://127.0.0.1:{server.server_port}/tsa",
            directory / "root.pem",
            directory / "tsa.pem",
        )
    finally:
        server.shutdown()
        server.server_close()
