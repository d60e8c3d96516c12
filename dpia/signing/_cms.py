"""Detached CMS signatures made with a key file, and the CMS plumbing both sides share.

`cryptography` makes the signature (it sets signing time and message digest itself); we only
reopen the result with `asn1crypto` to attach an RFC 3161 token as an unsigned attribute, which
leaves the signed bytes untouched, as RFC 3161 appendix A intends.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.serialization import pkcs7

from .._errors import SigningError
from ._certificates import SigningKey, identity_of, load_certificate, read_certificate
from ._cms_check import DIGESTS
from ._keys import load_private_key, read_private_key

__all__ = ["FileKeySigner", "parse_signed_data", "with_timestamp_token"]


class FileKeySigner:
    """A `Signer` over a private key held in memory, opened from an encrypted PEM file or upload."""

    def __init__(self, key: SigningKey, certificate: x509.Certificate):
        own = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        named = certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if own != named:
            raise SigningError(
                "the key does not belong to the certificate (their public keys differ); "
                "use the cert.pem made together with this key.pem"
            )
        self._key = key
        self._certificate = certificate

    @classmethod
    def from_files(
        cls, key_path: str | Path, certificate_path: str | Path, passphrase: bytes
    ) -> FileKeySigner:
        certificate = load_certificate(certificate_path)
        try:
            return cls(load_private_key(key_path, passphrase), certificate)
        except SigningError as exc:
            if "does not belong" in str(exc):
                raise SigningError(f"{key_path} and {certificate_path}: {exc}") from None
            raise

    @classmethod
    def from_pem(cls, key: bytes, certificate: bytes, passphrase: bytes) -> FileKeySigner:
        """From an uploaded key and certificate, held in memory only: nothing touches the disk."""
        return cls(
            read_private_key(key, passphrase, "the uploaded key"),
            read_certificate(certificate, "the uploaded certificate"),
        )

    def __repr__(self) -> str:
        return f"FileKeySigner({identity_of(self._certificate).describe()})"

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    def sign(self, content: bytes) -> bytes:
        """Refuses an expired or not-yet-valid certificate: no verifier would accept the result."""
        certificate = self._certificate
        _refuse_outside_validity(certificate)
        return (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(content)
            .add_signer(certificate, self._key, hashes.SHA256())
            .sign(
                serialization.Encoding.DER,
                [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
            )
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """The bare signature value over `data`, for containers that build their own signed
        attributes (a PDF signature): ECDSA in DER, or RSA PKCS#1 v1.5. Same refusals as `sign`."""
        _refuse_outside_validity(self._certificate)
        digest = DIGESTS.get(digest_algorithm)
        if digest is None:
            raise SigningError(
                f"cannot sign with digest {digest_algorithm!r}; allowed: {', '.join(DIGESTS)}"
            )
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(digest()))
        return self._key.sign(data, padding.PKCS1v15(), digest())


def _refuse_outside_validity(certificate: x509.Certificate) -> None:
    now = dt.datetime.now(dt.UTC)
    if now > certificate.not_valid_after_utc:
        raise SigningError(
            f"the certificate expired on {certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC;"
            " make a new key and certificate (dpia keygen) and have it trusted"
        )
    if now < certificate.not_valid_before_utc:
        raise SigningError(
            f"the certificate is valid only from "
            f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC"
        )


def parse_signed_data(raw: bytes) -> cms.SignedData:
    """The SignedData of a DER CMS file, or a SigningError saying why it is not one."""
    try:
        content_info = cms.ContentInfo.load(raw, strict=True)
        kind = content_info["content_type"].native
        if kind != "signed_data":
            raise SigningError(f"a CMS {kind!r}, not a signature")
        signed_data = content_info["content"]
        for signer_info in signed_data["signer_infos"]:
            signer_info["signed_attrs"].contents  # noqa: B018 - parse now, so damage shows here
    except SigningError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise SigningError(f"not a DER CMS signature ({exc})") from None
    return signed_data


def with_timestamp_token(signature: bytes, token: cms.ContentInfo) -> bytes:
    """The signature with `token` added as the RFC 3161 unsigned attribute of its signer."""
    content_info = cms.ContentInfo.load(signature)
    signer_info = content_info["content"]["signer_infos"][0]
    attributes = list(signer_info["unsigned_attrs"]) if signer_info["unsigned_attrs"] else []
    attributes.append(cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]}))
    signer_info["unsigned_attrs"] = cms.CMSAttributes(attributes)
    return content_info.dump()
