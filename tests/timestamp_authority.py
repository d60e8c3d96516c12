"""A real RFC 3161 time-stamp authority on 127.0.0.1, for every test that needs trusted time.

It is OpenSSL's own authority (`openssl ts -reply`) behind a small HTTP handler: a root CA, a
time-stamping certificate issued by it (`extendedKeyUsage = critical, timeStamping`), and a
server that answers `POST application/timestamp-query` with `application/timestamp-reply`. Any
client that speaks RFC 3161 over HTTP (dpia's `HttpTimestamper`, pyHanko, `curl`) can use it, so
signing tests exercise the whole path offline, with nothing imitated.

    with local_timestamp_authority(tmp_path / "tsa") as authority:
        HttpTimestamper(authority.url)
        TrustStore(...).add(load_certificate(authority.root_certificate))
        authority.answered  # how many queries were stamped so far
"""

from __future__ import annotations

import datetime as dt
import http.server
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["LocalAuthority", "local_timestamp_authority"]

_MAX_QUERY_BYTES = 64 * 1024
_CONFIG = """\
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = {serial}
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@dataclass
class LocalAuthority:
    """Where the running authority listens, the certificates a verifier needs, and its tally."""

    url: str
    root_certificate: Path
    certificate: Path
    answered: int = field(default=0)


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _certificates(directory: Path) -> None:
    """A root CA and the time-stamping certificate it issues, valid for a month from now."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Time Root")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tsa = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(root_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
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
    (directory / "ts.cnf").write_text(_CONFIG.format(serial=directory / "serial"))


@contextmanager
def local_timestamp_authority(directory: Path) -> Iterator[LocalAuthority]:
    """Run the authority until the block ends; `directory` holds its keys and working files."""
    directory.mkdir(parents=True, exist_ok=True)
    _certificates(directory)
    authority = LocalAuthority("", directory / "root.pem", directory / "tsa.pem")
    lock = threading.Lock()

    def reply_to(query: bytes) -> tuple[int, bytes]:
        """OpenSSL's answer, or HTTP 500 with its complaint; one query at a time (one serial)."""
        with lock:
            (directory / "query.tsq").write_bytes(query)
            stamped = subprocess.run(
                [
                    "openssl", "ts", "-reply", "-config", str(directory / "ts.cnf"),
                    "-queryfile", str(directory / "query.tsq"),
                    "-signer", str(directory / "tsa.pem"),
                    "-inkey", str(directory / "tsa.key"),
                    "-out", str(directory / "reply.tsr"),
                ],
                capture_output=True,
                check=False,
            )  # fmt: skip
            if stamped.returncode != 0:
                return 500, stamped.stderr
            authority.answered += 1
            return 200, (directory / "reply.tsr").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            kind = self.headers.get("Content-Type", "")
            if kind != "application/timestamp-query" or not 0 < length <= _MAX_QUERY_BYTES:
                status, body = 400, b"expected an application/timestamp-query body"
            else:
                status, body = reply_to(self.rfile.read(length))
            self.send_response(status)
            self.send_header(
                "Content-Type", "application/timestamp-reply" if status == 200 else "text/plain"
            )
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    authority.url = f"http://127.0.0.1:{server.server_port}/tsa"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield authority
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
