"""Sign-off and signatures over the final document that anyone can check with OpenSSL.

The order is fixed: record the DPO's advice and the decision in the sign-off record, render the
final document (its signature page lists the signatories and their certificate fingerprints),
then each signatory signs those exact bytes with a detached CMS signature. The PDF/A copy is
signed inside the file instead (PAdES), so that any PDF reader shows who signed it, in which
role and when. See docs/signing.md.

The PDF names are imported from their modules when first used (`dpia._on_demand`): the .docx
commands never load pyHanko, pdfminer or the fonts the PDF stamp needs.
"""

import typing

from .. import _on_demand
from .._signoff import (
    SIGNATORY_ROLES,
    Decision,
    DpoAdvice,
    Person,
    Signatory,
    SignatoryRole,
    SignOff,
    WorkersRepresentativesOpinion,
    normalise_fingerprint,
)
from ._certificates import (
    SignerIdentity,
    certificate_fingerprint,
    certificate_request,
    identity_of,
    load_certificate,
    read_certificate,
    self_signed_certificate,
)
from ._cms import FileKeySigner
from ._keys import (
    KEY_ALGORITHMS,
    PASSPHRASE_VARIABLE,
    NewIdentity,
    create_identity,
    load_private_key,
    read_passphrase,
    read_private_key,
)
from ._protocols import RawSigner, Signer, Timestamper
from ._sign import (
    read_signatures,
    sign_bytes,
    sign_document,
    signature_files,
    signature_label,
)
from ._signatories import compare_with_signoff
from ._timestamp import HttpTimestamper, TimestampCheck, configured_timestamper
from ._trust import (
    TRUST_DIR_VARIABLE,
    TrustStore,
    TrustVerdict,
    archive_trust_store,
    default_trust_dir,
    trust_verdict,
)
from ._verdict import DocumentVerification, SignatureReport, SignatureVerdict
from ._verify import verify_document, verify_signatures

if typing.TYPE_CHECKING:
    from ._pades import sign_pdf
    from ._pdf_verify import Coverage, PdfSignatureReport, PdfVerification, verify_pdf

__all__ = [
    "KEY_ALGORITHMS",
    "PASSPHRASE_VARIABLE",
    "SIGNATORY_ROLES",
    "TRUST_DIR_VARIABLE",
    "Coverage",
    "Decision",
    "DocumentVerification",
    "DpoAdvice",
    "FileKeySigner",
    "HttpTimestamper",
    "NewIdentity",
    "PdfSignatureReport",
    "PdfVerification",
    "Person",
    "RawSigner",
    "SignOff",
    "Signatory",
    "SignatoryRole",
    "SignatureReport",
    "SignatureVerdict",
    "Signer",
    "SignerIdentity",
    "TimestampCheck",
    "Timestamper",
    "TrustStore",
    "TrustVerdict",
    "WorkersRepresentativesOpinion",
    "archive_trust_store",
    "certificate_fingerprint",
    "certificate_request",
    "compare_with_signoff",
    "configured_timestamper",
    "create_identity",
    "default_trust_dir",
    "identity_of",
    "load_certificate",
    "load_private_key",
    "normalise_fingerprint",
    "read_certificate",
    "read_passphrase",
    "read_private_key",
    "read_signatures",
    "self_signed_certificate",
    "sign_bytes",
    "sign_document",
    "sign_pdf",
    "signature_files",
    "signature_label",
    "trust_verdict",
    "verify_document",
    "verify_pdf",
    "verify_signatures",
]

__getattr__, __dir__ = _on_demand.exports(
    __name__,
    {
        "._pades": ("sign_pdf",),
        "._pdf_verify": ("Coverage", "PdfSignatureReport", "PdfVerification", "verify_pdf"),
    },
)
