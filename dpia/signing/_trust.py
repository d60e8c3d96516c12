"""The trust store: the certificates whose holders an organisation accepts as signers.

A valid signature only proves that whoever held the key signed; the trust store says which keys
count. It is a plain directory of PEM files named by fingerprint, so that it can be reviewed,
versioned and handed to a third party, who passes the same files to `openssl -CAfile`.
Self-signed signer certificates are trusted one by one; an organisation's CA placed in the store
vouches for every certificate it issued (directly or through intermediates in the signature).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from .._config import TRUST_DIR, settings
from .._errors import SigningError
from ._certificates import certificate_fingerprint, identity_of, load_certificate

__all__ = ["TRUST_DIR_VARIABLE", "TrustStore", "TrustVerdict", "default_trust_dir"]

TRUST_DIR_VARIABLE = TRUST_DIR.variable
_MAX_CHAIN = 5


def default_trust_dir() -> Path:
    """`$DPIA_TRUST_DIR`, else `var/trust` under the working directory."""
    return settings().trust_dir


@dataclass(frozen=True)
class TrustVerdict:
    trusted: bool
    reason: str


class TrustStore:
    """A directory of trusted certificates; a missing directory is an empty store."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"TrustStore({str(self.directory)!r})"

    def add(self, certificate: x509.Certificate) -> Path:
        """Store `certificate`; adding one already there changes nothing."""
        name = certificate_fingerprint(certificate).replace(":", "").lower() + ".pem"
        path = self.directory / name
        if path.exists():
            return path
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        except OSError as exc:
            raise SigningError(f"cannot write to {self.directory}: {exc.strerror or exc}") from None
        return path

    def certificates(self) -> list[x509.Certificate]:
        if not self.directory.is_dir():
            return []
        return [load_certificate(path) for path in sorted(self.directory.glob("*.pem"))]

    def verdict(
        self,
        certificate: x509.Certificate,
        intermediates: list[x509.Certificate],
        at: dt.datetime,
    ) -> TrustVerdict:
        """Whether `certificate` is in the store or chains to a CA in it, as of `at`."""
        anchors = self.certificates()
        if not anchors:
            return TrustVerdict(False, f"no trusted certificates in {self.directory}")
        fingerprints = {certificate_fingerprint(anchor) for anchor in anchors}
        if certificate_fingerprint(certificate) in fingerprints:
            return TrustVerdict(True, f"in the trust store {self.directory}")
        current = certificate
        for _ in range(_MAX_CHAIN):
            anchor = _issuer_among(current, anchors, at)
            if anchor is not None:
                return TrustVerdict(
                    True,
                    f"issued by {identity_of(anchor).name}, in the trust store {self.directory}",
                )
            parent = _issuer_among(current, intermediates, at)
            if parent is None or parent == current:
                break
            current = parent
        return TrustVerdict(
            False, f"neither it nor an issuer of it is in the trust store {self.directory}"
        )


def _issuer_among(
    certificate: x509.Certificate, candidates: list[x509.Certificate], at: dt.datetime
) -> x509.Certificate | None:
    for candidate in candidates:
        if candidate.subject != certificate.issuer or candidate == certificate:
            continue
        try:
            constraints = candidate.extensions.get_extension_for_class(x509.BasicConstraints)
        except x509.ExtensionNotFound:
            continue
        if not constraints.value.ca:
            continue
        if not candidate.not_valid_before_utc <= at <= candidate.not_valid_after_utc:
            continue
        try:
            certificate.verify_directly_issued_by(candidate)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return candidate
    return None
