"""Real PDFs and the independent PDF verifiers for the PAdES tests.

The verifiers are the ones a third party would use: poppler's `pdfsig` (with an NSS trust store
built exactly as docs/signing.md says) and pyHanko's own validator with the trust store's
certificates as its only roots. dpia's verdicts are held up to theirs.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from dpia.signing import TrustStore
from dpia.signing._pades import asn1_certificate

GUIDE = Path(__file__).parent.parent / "docs" / "signing.md"


def small_pdf(pages: int = 2) -> bytes:
    """A plain PDF (matplotlib's writer) for the rules that do not need the PDF/A rendition."""
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"CreationDate": None}) as document:
        for number in range(1, pages + 1):
            figure = Figure(figsize=(8.27, 11.69))
            figure.text(0.1, 0.9, f"Data Protection Impact Assessment, page {number}")
            document.savefig(figure)
    return buffer.getvalue()


@dataclass(frozen=True)
class PdfsigSignature:
    field: str
    common_name: str
    validation: str
    certificate: str
    whole_document: bool


def pdfsig(path: Path, nss: Path | None = None) -> list[PdfsigSignature]:
    """Poppler's reading of every signature in `path`."""
    command = ["pdfsig", *(["-nssdir", f"sql:{nss}"] if nss else []), str(path)]
    out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    found = []
    for block in re.split(r"^Signature #\d+:\n", out, flags=re.M)[1:]:
        fields = dict(re.findall(r"^  - ([^:\n]+): (.*)$", block, flags=re.M))
        found.append(
            PdfsigSignature(
                field=fields.get("Signature Field Name", ""),
                common_name=fields.get("Signer Certificate Common Name", ""),
                validation=fields.get("Signature Validation", ""),
                certificate=fields.get("Certificate Validation", ""),
                whole_document="  - Total document signed" in block,
            )
        )
    return found


def guide_script(heading: str) -> str:
    """The first shell block after `heading` in docs/signing.md, as a third party copies it."""
    guide = GUIDE.read_text()
    match = re.search(rf"{re.escape(heading)}.*?```sh\n(.*?)```", guide, re.DOTALL)
    assert match, f"no shell block after {heading!r} in docs/signing.md"
    return match.group(1)


def nss_trust_store(folder: Path, trust: TrustStore, document: Path) -> Path:
    """Run the guide's certutil recipe for `trust`; return the NSS database it made."""
    script = guide_script("give it one made from the DPO's trust store").replace(
        "var/trust", str(trust.directory)
    )
    script = script.replace("dpia-A-2026-001-v3.pdf", str(document))
    subprocess.run(["bash", "-e", "-c", script], cwd=folder, capture_output=True, check=True)
    return folder / "nss"


@dataclass(frozen=True)
class PyhankoVerdict:
    intact: bool
    valid: bool
    trusted: bool
    bottom_line: bool
    modification: ModificationLevel | None
    docmdp_ok: bool | None


def pyhanko_verdicts(pdf: bytes, trust: TrustStore) -> list[PyhankoVerdict]:
    """pyHanko's validator, with the trust store's certificates as its only trust roots."""
    reader = PdfFileReader(io.BytesIO(pdf))
    verdicts = []
    for signature in reader.embedded_signatures:
        context = ValidationContext(
            trust_roots=[asn1_certificate(c) for c in trust.certificates()],
            allow_fetching=False,
        )
        status = validate_pdf_signature(signature, context)
        verdicts.append(
            PyhankoVerdict(
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                bottom_line=status.bottom_line,
                modification=status.modification_level,
                docmdp_ok=status.docmdp_ok,
            )
        )
    return verdicts
