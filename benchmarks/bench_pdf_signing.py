"""PAdES on the PDF/A: signing and verifying a 40-page DPIA per signer, against pyHanko alone.

The PDF is the largest example rendered by LibreOffice, padded with plain pages at the end to
40 pages when it is shorter (the padding is made before the PDF export, so the file is still
LibreOffice's PDF/A). Signer k signs the PDF that signers 1 to k-1 signed, visibly, as `dpia sign
--visible` does; verifying after signer k checks all k signatures with their later updates.

The baselines are pyHanko's own work on the same file: a visible signature with its
SimpleSigner and default stamp in a fixed box (no role, no layout of the page, no embedded font),
and its validator on the same signatures without dpia's trust and time-stamp checks. dpia's
signing adds a fixed cost of about a third of a second, mostly the layout analysis of the
signature page (pdfminer interprets the whole page) and the embedded stamp font, so it should
stay within about five times pyHanko's; verifying should stay within about 1.5 times, since the
difference analysis of the later updates, which grows with every signature, is pyHanko's in both.
"""

from __future__ import annotations

import atexit
import datetime as dt
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import docx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from docx.enum.text import WD_BREAK
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from benchmarks._harness import Baseline, Case, Target
from dpia import load_answers
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia.document import render_docx
from dpia.document._pdf import export_pdf, soffice_path
from dpia.risk import assess
from dpia.signing import (
    FileKeySigner,
    TrustStore,
    self_signed_certificate,
    sign_pdf,
    verify_pdf,
)
from dpia.signing._pades import asn1_certificate

ROOT = Path(__file__).resolve().parent.parent
PAGES = 40
SIGNERS = (
    ("Lena Falkenrath", "lena@quellwerk.example", "assessor"),
    ("Tobias Renner", "dpo@quellwerk.example", "dpo"),
    ("Mara Quell", "mara@quellwerk.example", "decision_maker"),
)


def _page_count(pdf: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def _padded(blob: bytes, pages: int) -> bytes:
    document = docx.Document(io.BytesIO(blob))
    for number in range(1, pages + 1):
        paragraph = document.add_paragraph()
        paragraph.add_run().add_break(WD_BREAK.PAGE)
        paragraph.add_run(f"Page added for the benchmark ({number} of {pages}).")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _forty_page_pdf() -> bytes:
    path = max((ROOT / "examples").glob("*.yaml"), key=lambda p: p.stat().st_size)
    questionnaire = questionnaire_for(questionnaire_ref_of(path))
    subject = load_answers(path, questionnaire).assessment
    blob = render_docx(
        questionnaire, subject, assess(questionnaire, subject, as_of=subject.meta.date)
    )
    pdf = export_pdf(blob)
    if _page_count(pdf) < PAGES:
        pdf = export_pdf(_padded(blob, PAGES - _page_count(pdf)))
    return pdf


def _pyhanko_signer(signer: FileKeySigner, key: ec.EllipticCurvePrivateKey) -> signers.Signer:
    from asn1crypto import keys

    certificate = asn1_certificate(signer.certificate)
    private = keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return signers.SimpleSigner(
        certificate, private, SimpleCertificateStore.from_certs([certificate])
    )


def _pyhanko_sign(pdf: bytes, signer: signers.Signer, number: int) -> Callable[[], bytes]:
    """pyHanko's visible signature with its default stamp, in a fixed box on the last page."""
    field = f"Baseline {number}"
    box = (72, 72 + 70 * number, 290, 130 + 70 * number)

    def sign() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        metadata = signers.PdfSignatureMetadata(
            field_name=field, subfilter=fields.SigSeedSubFilter.PADES
        )
        spec = fields.SigFieldSpec(sig_field_name=field, on_page=-1, box=box)
        return signers.PdfSigner(metadata, signer, new_field_spec=spec).sign_pdf(writer).getvalue()

    return sign


def _pyhanko_validate(pdf: bytes, store: TrustStore) -> Callable[[], list[bool]]:
    def validate() -> list[bool]:
        reader = PdfFileReader(io.BytesIO(pdf))
        roots = [asn1_certificate(c) for c in store.certificates()]
        return [
            validate_pdf_signature(s, ValidationContext(trust_roots=roots)).bottom_line
            for s in reader.embedded_signatures
        ]

    return validate


SIGN_TARGET = Target(
    ratio=5,
    source="sign: within five times pyHanko's own visible signature, set with this figure "
    "(issue 15 asks for the figure, not a ratio); dpia adds the page layout and the stamp font",
)
VERIFY_TARGET = Target(
    ratio=1.5,
    source="verify: within 1.5 times pyHanko's validator, set with this figure (issue 15 asks "
    "for the figure); the analysis of later updates is pyHanko's on both sides",
)


def cases() -> list[Case]:
    if not soffice_path():
        return []
    pdf = _forty_page_pdf()
    pages = _page_count(pdf)
    keys = [ec.generate_private_key(ec.SECP256R1()) for _ in SIGNERS]
    people = [
        FileKeySigner(
            key,
            self_signed_certificate(key, name=name, email=email, role=role, days=30),
        )
        for key, (name, email, role) in zip(keys, SIGNERS, strict=True)
    ]
    folder = tempfile.TemporaryDirectory(prefix="dpia-bench-trust-")
    atexit.register(folder.cleanup)
    store = TrustStore(Path(folder.name))
    for person in people:
        store.add(person.certificate)
    found: list[Case] = []
    signed = pdf
    for number, (person, key) in enumerate(zip(people, keys, strict=True), start=1):
        before = signed
        role = SIGNERS[number - 1][2]

        def sign(before: bytes = before, person: FileKeySigner = person) -> bytes:
            return sign_pdf(before, person, visible=True, trust=store)

        signed = sign()
        after = signed

        def verify(after: bytes = after) -> bool:
            return verify_pdf(after, trust=store, now=dt.datetime.now(dt.UTC)).all_valid

        plain = _pyhanko_signer(person, key)
        found += [
            Case(
                f"sign the {pages}-page PDF/A as signer {number} ({role}, visible)",
                sign,
                5,
                Baseline(
                    "pyHanko alone: a visible signature with its default stamp",
                    _pyhanko_sign(before, plain, number),
                ),
                SIGN_TARGET,
            ),
            Case(
                f"verify the {pages}-page PDF/A after signer {number} "
                f"({number} signature{'s' if number > 1 else ''})",
                verify,
                5,
                Baseline(
                    f"pyHanko's validator on the same {number} signature"
                    f"{'s' if number > 1 else ''}",
                    _pyhanko_validate(after, store),
                ),
                VERIFY_TARGET,
            ),
        ]
    return found
