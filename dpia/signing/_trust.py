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
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from .._config import TRUST_DIR, settings
from .._errors import SigningError
from ._certificates import certificate_fingerprint, identity_of, load_certificate

__all__ = [
    "TRUST_DIR_VARIABLE",
    "TrustStore",
    "TrustVerdict",
    "archive_trust_store",
    "default_trust_dir",
    "trust_verdict",
]

TRUST_DIR_VARIABLE = TRUST_DIR.variable
_MAX_CHAIN = 5


def default_trust_dir() -> Path:
    """`$DPIA_TRUST_DIR`, else `var/trust` under the working directory."""
    return settings().trust_dir


def archive_trust_store() -> TrustStore:
    """The store the archive judges signatures by: the one `dpia trust add` writes to."""
    return TrustStore(default_trust_dir())


@dataclass(frozen=True)
class TrustVerdict:
    """Whether a certificate's holder is proven to be who it names; `reason` says why (not)."""

    trusted: bool
    reason: str


def trust_verdict(
    store: TrustStore | None,
    certificate: x509.Certificate,
    intermediates: list[x509.Certificate],
    at: dt.datetime,
) -> TrustVerdict:
    """The verdict on a signer's certificate; with no store, nothing is proven.

    A certificate that claims to have issued itself but whose own signature does not verify was
    changed after it was made (its name, email or role relabelled): it is never trusted, and the
    reason says so, because the name it shows is exactly what cannot be believed.
    """
    if store is None:
        verdict = TrustVerdict(
            False, "no trust store was given, so nothing proves who holds this key"
        )
    else:
        verdict = store.verdict(certificate, intermediates, at)
    if not verdict.trusted and _altered_self_signed(certificate):
        return TrustVerdict(
            False,
            "the certificate was altered after it was made (its own signature does not verify), "
            f"so the name and role in it prove nothing; {verdict.reason}",
        )
    return verdict


def _altered_self_signed(certificate: x509.Certificate) -> bool:
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except InvalidSignature:
        return True
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return False


class TrustStore:
    """A directory of trusted certificates; a missing directory is an empty store."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"TrustStore({str(self.directory)!r})"

    def add(self, certificate: x509.Certificate) -> Path:
        """Store `certificate`; adding one already there changes nothing.

        A certificate whose key dpia cannot load (an unknown key type or curve) is refused: no
        signature made with it could ever be checked, so trusting it would only mislead.
        """
        try:
            certificate.public_key()
        except (UnsupportedAlgorithm, ValueError) as exc:
            raise SigningError(
                f"the certificate's key is of a type or curve dpia cannot check ({exc}); the "
                "signer needs an EC P-256/P-384/P-521 or RSA key (dpia keygen makes one)"
            ) from None
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
            return TrustVerdict(
                False,
                f"the trust store {self.directory} holds no certificate, so nothing proves who "
                "holds this key",
            )
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
