"""`dpia keygen` and key safety: keys are encrypted on disk, passphrases never shown."""

from __future__ import annotations

import os
import pty
import select
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from signing_support import PASSPHRASE, make_docx, make_person

from dpia import SigningError
from dpia.cli import main
from dpia.signing import FileKeySigner, load_certificate, load_private_key

SECRET = "tr0ub4dor&3-keygen"


@pytest.fixture
def passphrase(monkeypatch):
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", SECRET)
    return SECRET


def _keygen(out: Path, *extra: str) -> int:
    arguments = ["keygen", "--name", "Dora Dpo", "--email", "dora@example.org"]
    return main([*arguments, "--role", "dpo", "--out", str(out), *extra])


def test_keygen_writes_an_encrypted_key_and_a_certificate(tmp_path, passphrase, capsys):
    assert _keygen(tmp_path / "dora", "--days", "90") == 0
    out, err = capsys.readouterr()

    key_file = tmp_path / "dora" / "key.pem"
    raw = key_file.read_bytes()
    assert raw.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with pytest.raises(TypeError, match="encrypted"):
        serialization.load_pem_private_key(raw, password=None)
    key = load_private_key(key_file, passphrase.encode())
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"

    certificate = load_certificate(tmp_path / "dora" / "cert.pem")
    assert certificate.subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "dpo"
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Dora Dpo"
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert lifetime.days == 90
    openssl = subprocess.run(
        ["openssl", "x509", "-in", str(tmp_path / "dora" / "cert.pem"), "-noout", "-subject",
         "-fingerprint", "-sha256"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    fingerprint = openssl.stdout.split("Fingerprint=")[1].strip()
    assert f"certificate SHA-256 fingerprint: {fingerprint}" in out
    assert "title = dpo" in openssl.stdout
    assert passphrase not in out + err


def test_openssl_opens_the_key_only_with_the_passphrase(tmp_path, passphrase):
    _keygen(tmp_path / "dora")
    key_file = str(tmp_path / "dora" / "key.pem")
    check = ["openssl", "pkey", "-in", key_file, "-noout", "-passin"]

    assert subprocess.run([*check, f"pass:{passphrase}"], capture_output=True).returncode == 0
    assert subprocess.run([*check, "pass:guess-guess"], capture_output=True).returncode != 0


def test_rsa3072_option(tmp_path, passphrase):
    assert _keygen(tmp_path / "dora", "--algorithm", "rsa3072") == 0
    key = load_private_key(tmp_path / "dora" / "key.pem", passphrase.encode())
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 3072


def test_csr_instead_of_certificate(tmp_path, passphrase, capsys):
    assert _keygen(tmp_path / "dora", "--csr") == 0
    assert "send it to your organisation's CA" in capsys.readouterr().out
    assert not (tmp_path / "dora" / "cert.pem").exists()
    request = x509.load_pem_x509_csr((tmp_path / "dora" / "csr.pem").read_bytes())
    assert request.is_signature_valid
    assert request.subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "dpo"
    openssl = ["openssl", "req", "-in", str(tmp_path / "dora" / "csr.pem"), "-verify", "-noout"]
    assert subprocess.run(openssl, capture_output=True).returncode == 0


def test_keygen_never_overwrites_a_key(tmp_path, passphrase, capsys):
    _keygen(tmp_path / "dora")
    before = (tmp_path / "dora" / "key.pem").read_bytes()
    assert _keygen(tmp_path / "dora") == 2
    assert "key.pem already exists; refusing to overwrite it" in capsys.readouterr().err
    assert (tmp_path / "dora" / "key.pem").read_bytes() == before


def test_short_passphrase_and_bad_input_are_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", "short")
    assert _keygen(tmp_path / "dora") == 2
    assert "use at least 8" in capsys.readouterr().err
    assert not (tmp_path / "dora").exists()
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", SECRET)
    code = main(["keygen", "--name", "X", "--email", "not-an-email", "--role", "dpo", "--out",
                 str(tmp_path / "x")])  # fmt: skip
    assert code == 2
    assert "'not-an-email' is not an email address" in capsys.readouterr().err


def test_wrong_passphrase_is_a_clear_error(tmp_path, monkeypatch, capsys):
    person = make_person(tmp_path / "ada", "Ada Assessor", "assessor")
    document = make_docx(tmp_path / "dpia.docx", "final")
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", "not the passphrase")

    code = main(["sign", str(document), "--key", str(person.key), "--cert", str(person.cert)])
    assert code == 2
    assert capsys.readouterr().err == f"dpia: wrong passphrase for {person.key}\n"
    assert not list(tmp_path.glob("dpia.docx.*.p7s"))


def test_unencrypted_key_is_refused_with_the_fix(tmp_path):
    person = make_person(tmp_path / "ada", "Ada Assessor", "assessor")
    plain = tmp_path / "plain.pem"
    plain.write_bytes(
        load_private_key(person.key, PASSPHRASE).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(SigningError, match=r"is not encrypted.*openssl pkcs8 -topk8"):
        FileKeySigner.from_files(plain, person.cert, PASSPHRASE)
    with pytest.raises(SigningError, match="this is a private key, not a certificate"):
        FileKeySigner.from_files(person.key, plain, PASSPHRASE)


def test_signer_repr_shows_no_key_material(tmp_path):
    person = make_person(tmp_path / "ada", "Ada Assessor", "assessor")
    signer = FileKeySigner.from_files(person.key, person.cert, PASSPHRASE)
    assert repr(signer) == "FileKeySigner(Ada Assessor <ada.assessor@example.org>, role assessor)"


def _run_in_terminal(arguments: list[str], typed: bytes, cwd: Path) -> bytes:
    """Run the CLI with a real terminal, type at its prompt, and return everything it showed."""
    environment = {k: v for k, v in os.environ.items() if k != "DPIA_KEY_PASSPHRASE"}
    pid, terminal = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execve(sys.executable, [sys.executable, "-m", "dpia", *arguments], environment)
    shown = b""
    answered = False
    while True:
        ready, _, _ = select.select([terminal], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(terminal, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
        if not answered and b"Passphrase for" in shown:
            os.write(terminal, typed + b"\n")
            answered = True
    os.waitpid(pid, 0)
    return shown


def test_prompted_passphrase_is_not_echoed(tmp_path):
    person = make_person(tmp_path / "ada", "Ada Assessor", "assessor")
    document = make_docx(tmp_path / "dpia.docx", "final")

    shown = _run_in_terminal(
        ["sign", "dpia.docx", "--key", str(person.key), "--cert", str(person.cert)],
        PASSPHRASE,
        tmp_path,
    )
    assert b"Passphrase for" in shown
    assert PASSPHRASE not in shown
    assert b"dpia.docx.ada-assessor-assessor.p7s" in shown
    assert document.with_name("dpia.docx.ada-assessor-assessor.p7s").exists()


def test_no_terminal_and_no_variable_is_a_clear_error(tmp_path):
    person = make_person(tmp_path / "ada", "Ada Assessor", "assessor")
    make_docx(tmp_path / "dpia.docx", "final")
    environment = {k: v for k, v in os.environ.items() if k != "DPIA_KEY_PASSPHRASE"}
    result = subprocess.run(
        [sys.executable, "-m", "dpia", "sign", "dpia.docx", "--key", str(person.key),
         "--cert", str(person.cert)],
        cwd=tmp_path, env=environment, stdin=subprocess.DEVNULL, capture_output=True,
        text=True, start_new_session=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "no passphrase given: type it at the prompt or set DPIA_KEY_PASSPHRASE" in result.stderr
