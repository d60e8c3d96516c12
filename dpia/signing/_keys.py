"""Private keys: made, stored and opened only in encrypted form.

A signing key is the signer's word in the record, so it never touches the disk unencrypted:
`keygen` writes PKCS#8 wrapped with AES-256 under a slow key derivation, refuses to
overwrite an existing key, and opening a key that is not encrypted is refused with the OpenSSL
command that fixes it. Passphrases come from `DPIA_KEY_PASSPHRASE` (for unattended use) or a
prompt that does not echo; they are never printed or stored.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import algos, keys, pem
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from .._config import KEY_PASSPHRASE, settings
from .._errors import SigningError
from ._certificates import (
    SigningKey,
    certificate_fingerprint,
    certificate_request,
    self_signed_certificate,
)

__all__ = [
    "KEY_ALGORITHMS",
    "MIN_PASSPHRASE_LENGTH",
    "PASSPHRASE_VARIABLE",
    "NewIdentity",
    "create_identity",
    "encrypt_private_key",
    "load_private_key",
    "read_passphrase",
    "read_private_key",
]

PASSPHRASE_VARIABLE = KEY_PASSPHRASE.variable
MIN_PASSPHRASE_LENGTH = 8
PBKDF2_ROUNDS = 600_000
KEY_ALGORITHMS: dict[str, Callable[[], SigningKey]] = {
    "ec-p256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "rsa3072": lambda: rsa.generate_private_key(public_exponent=65537, key_size=3072),
}
_MAX_KEY_BYTES = 64 * 1024


def read_passphrase(prompt: str, *, confirm: bool = False) -> bytes:
    """The passphrase from the environment, or typed at a prompt that does not echo it."""
    from_environment = settings().key_passphrase
    if from_environment:
        return from_environment.encode()
    try:
        typed = getpass.getpass(prompt)
        if confirm and getpass.getpass("Repeat the passphrase: ") != typed:
            raise SigningError("the two passphrases differ; nothing was written")
    except EOFError:
        raise SigningError(
            f"no passphrase given: type it at the prompt or set {PASSPHRASE_VARIABLE}"
        ) from None
    if not typed:
        raise SigningError("the passphrase is empty")
    return typed.encode()


@dataclass(frozen=True)
class NewIdentity:
    """Where keygen put the key and the certificate (or request), and the fingerprint."""

    key_path: Path
    certificate_path: Path
    fingerprint: str | None


def create_identity(
    out_dir: str | Path,
    *,
    name: str,
    email: str,
    role: str,
    passphrase: bytes,
    algorithm: str = "ec-p256",
    days: int = 730,
    request_only: bool = False,
) -> NewIdentity:
    """Write `key.pem` (encrypted) and `cert.pem`, or `csr.pem` for an organisation's CA.

    Nothing is overwritten: replacing a key would orphan every signature made with it.
    """
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise SigningError(
            f"the passphrase has {len(passphrase)} characters; use at least {MIN_PASSPHRASE_LENGTH}"
        )
    if algorithm not in KEY_ALGORITHMS:
        raise SigningError(
            f"unknown key algorithm {algorithm!r}; allowed: {', '.join(KEY_ALGORITHMS)}"
        )
    out = Path(out_dir)
    key_path = out / "key.pem"
    certificate_path = out / ("csr.pem" if request_only else "cert.pem")
    for path in (key_path, certificate_path):
        if path.exists():
            raise SigningError(f"{path} already exists; refusing to overwrite it")
    key = KEY_ALGORITHMS[algorithm]()
    if request_only:
        request = certificate_request(key, name=name, email=email, role=role)
        public_pem = request.public_bytes(serialization.Encoding.PEM)
        fingerprint = None
    else:
        certificate = self_signed_certificate(key, name=name, email=email, role=role, days=days)
        public_pem = certificate.public_bytes(serialization.Encoding.PEM)
        fingerprint = certificate_fingerprint(certificate)
    encrypted = encrypt_private_key(key, passphrase)
    try:
        out.mkdir(parents=True, exist_ok=True)
        _write_new(key_path, encrypted, 0o600)
        _write_new(certificate_path, public_pem, 0o644)
    except OSError as exc:
        raise SigningError(f"cannot write to {out}: {exc.strerror or exc}") from None
    return NewIdentity(key_path, certificate_path, fingerprint)


def encrypt_private_key(key: SigningKey, passphrase: bytes) -> bytes:
    """PEM PKCS#8 under PBES2: PBKDF2-HMAC-SHA256 (600,000 rounds) and AES-256-CBC.

    `cryptography`'s own PKCS#8 encryption uses 2,048 rounds, cheap to guess against if a key
    file is stolen; this writes the same standard structure with a far costlier derivation, and
    OpenSSL, `cryptography` and every PKCS#8 reader open it as usual.
    """
    salt, iv = os.urandom(16), os.urandom(16)
    wrapping_key = PBKDF2HMAC(hashes.SHA256(), 32, salt, PBKDF2_ROUNDS).derive(passphrase)
    padder = padding.PKCS7(128).padder()
    plain = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(wrapping_key), modes.CBC(iv)).encryptor()
    wrapped = keys.EncryptedPrivateKeyInfo(
        {
            "encryption_algorithm": {
                "algorithm": "pbes2",
                "parameters": {
                    "key_derivation_func": {
                        "algorithm": "pbkdf2",
                        "parameters": {
                            "salt": algos.Pbkdf2Salt(name="specified", value=salt),
                            "iteration_count": PBKDF2_ROUNDS,
                            "prf": {"algorithm": "sha256"},
                        },
                    },
                    "encryption_scheme": {"algorithm": "aes256_cbc", "parameters": iv},
                },
            },
            "encrypted_data": encryptor.update(padded) + encryptor.finalize(),
        }
    )
    return pem.armor("ENCRYPTED PRIVATE KEY", wrapped.dump())


def _write_new(path: Path, content: bytes, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def load_private_key(path: str | Path, passphrase: bytes) -> SigningKey:
    """Open an encrypted PEM key file; a wrong passphrase is a SigningError naming the file."""
    path = Path(path)
    try:
        if path.stat().st_size > _MAX_KEY_BYTES:
            raise SigningError(f"{path}: over {_MAX_KEY_BYTES:,} bytes; not a private key")
        raw = path.read_bytes()
    except OSError as exc:
        raise SigningError(f"{path}: cannot read key: {exc.strerror or exc}") from None
    return read_private_key(raw, passphrase, str(path))


def read_private_key(raw: bytes, passphrase: bytes, source: str = "the key") -> SigningKey:
    """Open an encrypted PEM key held in memory (an upload), never writing it anywhere."""
    if len(raw) > _MAX_KEY_BYTES:
        raise SigningError(f"{source}: over {_MAX_KEY_BYTES:,} bytes; not a private key")
    encrypted = b"BEGIN ENCRYPTED PRIVATE KEY" in raw or b"Proc-Type: 4,ENCRYPTED" in raw
    if not encrypted:
        if b"PRIVATE KEY-----" in raw:
            raise SigningError(
                f"{source} is not encrypted, and dpia only signs with encrypted keys; encrypt it "
                "with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-encrypted.pem"
            )
        raise SigningError(
            f"{source}: not a PEM private key; give the key.pem that dpia keygen wrote, "
            "which starts with -----BEGIN ENCRYPTED PRIVATE KEY-----"
        )
    try:
        key = serialization.load_pem_private_key(raw, password=passphrase)
    except ValueError as exc:
        if "password" in str(exc).lower() or "decrypt" in str(exc).lower():
            raise SigningError(f"wrong passphrase for {source}") from None
        raise SigningError(f"{source}: not a readable private key") from None
    except UnsupportedAlgorithm:
        raise SigningError(
            f"{source}: a key type dpia cannot sign with; use an EC P-256 or RSA key "
            "(dpia keygen makes one)"
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise SigningError(
            f"{source}: {type(key).__name__.removeprefix('_')} keys cannot make CMS signatures "
            "here; use an EC P-256 or RSA key (dpia keygen makes one)"
        )
    return key
