"""The seams of signing: who holds the key, and who vouches for the time.

They are small protocols so that an organisation can swap the implementation without touching
the rest: a key in a file today, a hardware token or a cloud KMS tomorrow; an internal RFC 3161
authority, a qualified trust service, or a local OpenSSL authority in tests. Like an HTTP
transport, an implementation only moves bytes; checking them stays in one place.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cryptography import x509

__all__ = ["RawSigner", "Signer", "Timestamper"]


@runtime_checkable
class Signer(Protocol):
    """Makes a detached CMS signature over exact bytes.

    Contract: `sign(content)` returns a DER `ContentInfo` holding `SignedData` without the
    content, with one `SignerInfo` for `certificate`, SHA-256 digests, and the signed attributes
    content-type, message-digest and signing-time; `certificate` is embedded. The content is
    hashed as given (no line-ending conversion), so `openssl cms -verify -binary` agrees.
    """

    @property
    def certificate(self) -> x509.Certificate: ...

    def sign(self, content: bytes) -> bytes: ...


@runtime_checkable
class RawSigner(Protocol):
    """Makes a bare signature value for a container that builds its own CMS (a PDF signature).

    Contract: `sign_raw(data, digest_algorithm)` hashes `data` with `digest_algorithm`
    ("sha256", "sha384" or "sha512") and signs it with the key of `certificate`: ECDSA as a DER
    `Ecdsa-Sig-Value`, RSA as PKCS#1 v1.5. A hardware token or a KMS signs a digest the same
    way, so it can take the place of a key file here too.
    """

    @property
    def certificate(self) -> x509.Certificate: ...

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes: ...


@runtime_checkable
class Timestamper(Protocol):
    """Carries an RFC 3161 time-stamp query to an authority and brings back its answer.

    Contract: `respond(query)` takes a DER `TimeStampReq` and returns the DER `TimeStampResp`
    exactly as the authority sent it, or raises SigningError when it cannot reach the authority.
    The caller checks status, message imprint, nonce and signature.
    """

    def respond(self, query: bytes) -> bytes: ...
