"""The archive key: the EC P-256 key that signs every checkpoint, kept outside the database.

The private key is a PKCS#8 file encrypted under a passphrase that comes from
`DPIA_ARCHIVE_KEY_PASSPHRASE`; its public half sits beside it as `*.pub.pem`, which is all that
`verify` (and a third party with `openssl dgst -verify`) needs. Neither the key nor its
passphrase ever enters the database: whoever can only run SQL cannot sign a checkpoint.

So that an archive on the embedded SQLite default works with nothing typed, a SQLite archive
whose passphrase is not set gets a generated one, kept in `<key>.passphrase` beside the key.
That key is encrypted in name only: it stops someone who can run SQL against the database, not
someone who can read the key's folder (docs/archive.md says what each set-up protects). A
PostgreSQL archive is shared, so it is never given that shortcut: writing to one needs the
passphrase from the environment.

Opening a key costs a deliberately slow key derivation, so an opened key is kept for the life
of the process, keyed by the file's identity and the passphrase.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._config import ARCHIVE_KEY_PASSPHRASE
from .._errors import ArchiveError

__all__ = ["ArchiveKey", "KeyLocation", "open_archive_key", "public_key", "verify_signature"]

_OPENED: dict[tuple[str, int, int, str], ArchiveKey] = {}
_MAX_KEY_BYTES = 64 * 1024


@dataclass(frozen=True)
class KeyLocation:
    """Where the archive key is, and how its passphrase is found."""

    path: Path
    passphrase: str
    may_keep_passphrase: bool

    @property
    def public_path(self) -> Path:
        return self.path.with_name(self.path.name.removesuffix(".pem") + ".pub.pem")

    @property
    def passphrase_path(self) -> Path:
        return self.path.with_name(self.path.name + ".passphrase")


class ArchiveKey:
    """An opened archive key: signs checkpoint bodies."""

    def __init__(self, private_key: Any):
        self._key = private_key
        self.public_pem = _public_pem(private_key.public_key())
        self.fingerprint = fingerprint(private_key.public_key())

    def __repr__(self) -> str:
        return f"ArchiveKey(sha256 {self.fingerprint[:16]}…)"

    def sign(self, body: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        return self._key.sign(body, ec.ECDSA(hashes.SHA256()))


def fingerprint(key: Any) -> str:
    """SHA-256 of the DER SubjectPublicKeyInfo, as `openssl pkey -pubin -outform DER | sha256sum`
    prints it."""
    from cryptography.hazmat.primitives import serialization

    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def public_key(location: KeyLocation) -> Any | None:
    """The archive's public key from `*.pub.pem`, or None when there is none yet."""
    from cryptography.hazmat.primitives import serialization

    try:
        raw = location.public_path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ArchiveError(f"{location.public_path}: cannot read: {exc.strerror or exc}") from None
    try:
        return serialization.load_pem_public_key(raw)
    except ValueError:
        raise ArchiveError(f"{location.public_path} is not a PEM public key") from None


def verify_signature(key: Any, body: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        key.verify(signature, body, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def open_archive_key(location: KeyLocation, *, may_create: bool) -> ArchiveKey:
    """The archive key, created on the archive's first checkpoint when there is none yet."""
    if not location.path.exists():
        if not may_create:
            raise ArchiveError(
                f"no archive key at {location.path}, but this archive's checkpoints were "
                "signed with one: restore the key file (and its .pub.pem) or point "
                "DPIA_ARCHIVE_KEY at it; a new key cannot continue an anchored archive"
            )
        _create(location)
    passphrase = _passphrase(location, creating=False)
    return _open(location.path, passphrase)


def _passphrase(location: KeyLocation, *, creating: bool) -> bytes:
    if location.passphrase:
        return location.passphrase.encode("utf-8")
    if not location.may_keep_passphrase:
        raise ArchiveError(
            f"writing to this archive signs a checkpoint with the archive key, which needs its "
            f"passphrase in {ARCHIVE_KEY_PASSPHRASE.variable} (a PostgreSQL archive never keeps "
            "it beside the key; see docs/archive.md)"
        )
    kept = location.passphrase_path
    if creating:
        generated = secrets.token_urlsafe(32).encode("ascii")
        with contextlib.suppress(FileExistsError):
            _write_new(kept, generated + b"\n", 0o600)
    try:
        return kept.read_bytes().strip()
    except FileNotFoundError:
        raise ArchiveError(
            f"the archive key {location.path} needs its passphrase: set "
            f"{ARCHIVE_KEY_PASSPHRASE.variable} (no {kept.name} beside the key)"
        ) from None
    except OSError as exc:
        raise ArchiveError(f"{kept}: cannot read: {exc.strerror or exc}") from None


def _create(location: KeyLocation) -> None:
    """Write a new key without ever replacing one: a replaced key orphans every checkpoint."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from ..signing._keys import encrypt_private_key

    try:
        location.path.parent.mkdir(parents=True, exist_ok=True)
        passphrase = _passphrase(location, creating=True)
        key = ec.generate_private_key(ec.SECP256R1())
        if location.passphrase:
            encrypted = encrypt_private_key(key, passphrase)
        else:
            # A generated passphrase has 256 bits of entropy: a slow derivation adds nothing.
            encrypted = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(passphrase),
            )
        _write_new(location.path, encrypted, 0o600)
        _write_public(location.public_path, key.public_key())
    except FileExistsError:
        return
    except OSError as exc:
        raise ArchiveError(
            f"cannot create the archive key {location.path}: {exc.strerror or exc}"
        ) from None


def _open(path: Path, passphrase: bytes) -> ArchiveKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        status = path.stat()
        if status.st_size > _MAX_KEY_BYTES:
            raise ArchiveError(f"{path}: over {_MAX_KEY_BYTES:,} bytes; not an archive key")
        cache_key = (
            str(path.resolve()),
            status.st_mtime_ns,
            status.st_size,
            hashlib.sha256(passphrase).hexdigest(),
        )
        if cache_key in _OPENED:
            return _OPENED[cache_key]
        raw = path.read_bytes()
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot read the archive key: {exc.strerror or exc}") from None
    if b"BEGIN ENCRYPTED PRIVATE KEY" not in raw:
        raise ArchiveError(
            f"{path} is not an encrypted PEM private key; the archive key is only ever kept "
            "encrypted"
        )
    try:
        private_key = serialization.load_pem_private_key(raw, password=passphrase)
    except (ValueError, TypeError):
        raise ArchiveError(
            f"wrong passphrase for the archive key {path} ({ARCHIVE_KEY_PASSPHRASE.variable})"
        ) from None
    if not isinstance(private_key, ec.EllipticCurvePrivateKey):
        raise ArchiveError(f"{path}: the archive key must be an EC P-256 key")
    opened = ArchiveKey(private_key)
    public = path.with_name(path.name.removesuffix(".pem") + ".pub.pem")
    if not public.exists():
        _write_public(public, private_key.public_key())
    _OPENED[cache_key] = opened
    return opened


def _public_pem(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _write_public(path: Path, key: Any) -> None:
    staging = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    staging.write_bytes(_public_pem(key))
    os.replace(staging, path)


def _write_new(path: Path, content: bytes, mode: int) -> None:
    """Create `path` whole or not at all, and never over an existing file."""
    staging = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(staging, path)
    finally:
        staging.unlink(missing_ok=True)
