"""Checking one CMS signer: digest of the content, then the signature over the signed attributes.

`cryptography` has no public CMS verification, so this follows RFC 5652 §5.4 and §5.6 directly:
the `message-digest` attribute must equal the hash of the exact content, the `content-type`
attribute must match, and the signer's public key must verify the DER of the signed attributes
(re-tagged as a SET). Only SHA-2 digests and RSA (PKCS#1 v1.5, PSS) or ECDSA are accepted. The
same check serves document signatures and the RFC 3161 tokens inside them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from asn1crypto import algos, cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

__all__ = ["DIGESTS", "SignerCheck", "check_signer", "embedded_certificates"]

DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@dataclass
class SignerCheck:
    """What one SignerInfo proves; any entry in `problems` makes it invalid."""

    certificate: x509.Certificate | None = None
    signing_time: dt.datetime | None = None
    problems: list[str] = field(default_factory=list)


def embedded_certificates(signed_data: cms.SignedData) -> list[x509.Certificate]:
    found = []
    for choice in signed_data["certificates"] or []:
        if choice.name == "certificate":
            found.append(x509.load_der_x509_certificate(choice.chosen.dump()))
    return found


def _signer_certificate(
    signer_info: cms.SignerInfo, certificates: list[x509.Certificate]
) -> x509.Certificate | None:
    sid = signer_info["sid"]
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                certificate.serial_number == wanted["serial_number"].native
                and certificate.issuer.public_bytes() == wanted["issuer"].dump()
            ):
                return certificate
        else:
            try:
                key_id = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
            except x509.ExtensionNotFound:
                continue
            if key_id.value.digest == sid.chosen.native:
                return certificate
    return None


def _attribute(attributes: cms.CMSAttributes, name: str) -> list[object] | None:
    values = [a["values"] for a in attributes if a["type"].native == name]
    if not values:
        return None
    return [v.native for v in values[0]] if len(values) == 1 else []


def check_signer(
    signed_data: cms.SignedData, signer_info: cms.SignerInfo, content: bytes
) -> SignerCheck:
    """Check `signer_info` against `content`; never raises for a bad signature, only reports."""
    check = SignerCheck()
    check.certificate = _signer_certificate(signer_info, embedded_certificates(signed_data))
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    digest = DIGESTS.get(digest_name)
    if digest is None:
        check.problems.append(
            f"digest algorithm {digest_name!r} is not accepted (allowed: {', '.join(DIGESTS)})"
        )
        return check
    attributes = signer_info["signed_attrs"]
    if not attributes:
        check.problems.append("no signed attributes: the signing time and digest are unprotected")
        return check
    signing_times = _attribute(attributes, "signing_time")
    if signing_times:
        moment = signing_times[0]
        if isinstance(moment, dt.datetime):
            check.signing_time = moment.astimezone(dt.UTC)
    content_types = _attribute(attributes, "content_type")
    expected_type = signed_data["encap_content_info"]["content_type"].native
    if content_types != [expected_type]:
        check.problems.append(f"content-type attribute is {content_types}, not {expected_type!r}")
    digests = _attribute(attributes, "message_digest")
    if not digests or len(digests) != 1:
        check.problems.append("the message-digest attribute is missing or repeated")
    elif digests[0] != hashlib.new(digest_name, content).digest():
        check.problems.append(
            "the content does not match the signed digest: it was changed after signing, "
            "or the signature belongs to another document"
        )
    if check.certificate is None:
        check.problems.append("the signer's certificate is not inside the signature")
        return check
    signed_bytes = b"\x31" + attributes.dump()[1:]
    problem = _verify(
        check.certificate,
        signer_info["signature_algorithm"],
        digest(),
        signed_bytes,
        signer_info["signature"].native,
    )
    if problem:
        check.problems.append(problem)
    return check


def _verify(
    certificate: x509.Certificate,
    algorithm: algos.SignedDigestAlgorithm,
    digest: hashes.HashAlgorithm,
    signed_bytes: bytes,
    signature: bytes,
) -> str | None:
    public_key = certificate.public_key()
    kind = algorithm.signature_algo
    named = _hash_of(algorithm, digest)
    if named is None:
        return f"signature algorithm {algorithm['algorithm'].native!r} is not accepted (SHA-2 only)"
    try:
        if kind == "ecdsa" and isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, signed_bytes, ec.ECDSA(named))
        elif kind == "rsassa_pkcs1v15" and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, signed_bytes, padding.PKCS1v15(), named)
        elif kind == "rsassa_pss" and isinstance(public_key, rsa.RSAPublicKey):
            parameters = algorithm["parameters"]
            pss_hash = DIGESTS.get(parameters["hash_algorithm"]["algorithm"].native)
            if pss_hash is None:
                return "RSA-PSS with a digest other than SHA-2 is not accepted"
            pss = padding.PSS(padding.MGF1(pss_hash()), parameters["salt_length"].native)
            public_key.verify(signature, signed_bytes, pss, pss_hash())
        else:
            return (
                f"signature algorithm {kind!r} does not fit the certificate's "
                f"{type(public_key).__name__.removeprefix('_')}"
            )
    except InvalidSignature:
        return (
            "the signature does not verify with the certificate's public key: the signed "
            "attributes were altered, or the key and certificate do not belong together"
        )
    return None


def _hash_of(
    algorithm: algos.SignedDigestAlgorithm, digest: hashes.HashAlgorithm
) -> hashes.HashAlgorithm | None:
    """The hash named by the signature algorithm (`sha256_ecdsa`), else the SignerInfo digest.

    None when the algorithm names a hash outside SHA-2, such as SHA-1.
    """
    try:
        named = algorithm.hash_algo
    except ValueError:
        return digest
    accepted = DIGESTS.get(named)
    return accepted() if accepted else None
