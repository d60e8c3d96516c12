"""The PDF/A of an example DPIA, signed by its assessor, DPO and decision-maker as a user would.

Everything runs through the `dpia` command: keygen, trust add, render --pdf (LibreOffice) and
three `dpia sign --visible --tsa-url` against a real RFC 3161 authority on 127.0.0.1. The judges
are poppler's `pdfsig`, pyHanko's validator and its command line, run the way docs/signing.md
tells a third party to, and the PDF/A markers a validator looks for after every signature.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from pdf_support import guide_script, nss_trust_store, pdfsig, pyhanko_verdicts
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from signing_support import PASSPHRASE
from timestamp_authority import local_timestamp_authority

from dpia.cli import main
from dpia.signing import TrustStore

EXAMPLE = Path(__file__).parent.parent / "examples" / "scenario-b-timing-only-opt-in.yaml"
PEOPLE = [
    ("Lena Falkenrath", "lena@quellwerk.example", "assessor"),
    ("Tobias Renner", "dpo@quellwerk.example", "dpo"),
    ("Mara Quell", "mara@quellwerk.example", "decision_maker"),
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
    ),
    pytest.mark.skipif(
        shutil.which("pdfsig") is None, reason="poppler's pdfsig (poppler-utils) is not installed"
    ),
]


@dataclass(frozen=True)
class SignedDpia:
    folder: Path
    pdf: Path
    answers: Path
    trust: TrustStore
    revisions: tuple[bytes, ...]
    sign_output: tuple[str, ...]


def _fingerprint(certificate: Path) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    loaded = x509.load_pem_x509_certificate(certificate.read_bytes())
    digest = hashlib.sha256(loaded.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, 64, 2))


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> SignedDpia:
    folder = tmp_path_factory.mktemp("signed-pdf")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", PASSPHRASE.decode())
    monkeypatch.setenv("DPIA_TRUST_DIR", str(folder / "trust"))
    capture = io.StringIO()
    try:
        certificates = {}
        for name, email, role in PEOPLE:
            out = folder / "keys" / role
            command = ["keygen", "--name", name, "--email", email, "--role", role]
            assert main([*command, "--out", str(out)]) == 0
            certificates[role] = out / "cert.pem"
            assert main(["trust", "add", str(out / "cert.pem")]) == 0
        answers = folder / "answers.yaml"
        answers.write_text(yaml.safe_dump(_with_signoff(certificates)), encoding="utf-8")
        assert main(["render", str(answers), "-o", str(folder / "dpia.docx"), "--pdf"]) == 0
        pdf = folder / "dpia.pdf"
        revisions = [pdf.read_bytes()]
        outputs = []
        with local_timestamp_authority(folder / "tsa") as authority:
            assert main(["trust", "add", str(authority.root_certificate)]) == 0
            for _, _, role in PEOPLE:
                key, cert = folder / "keys" / role / "key.pem", certificates[role]
                command = ["sign", str(pdf), "--key", str(key), "--cert", str(cert)]
                with contextlib.redirect_stdout(capture):
                    assert main([*command, "--visible", "--tsa-url", authority.url]) == 0
                outputs.append(capture.getvalue())
                capture.truncate(0)
                capture.seek(0)
                revisions.append(pdf.read_bytes())
            assert authority.answered >= 3
    finally:
        monkeypatch.undo()
    return SignedDpia(
        folder, pdf, answers, TrustStore(folder / "trust"), tuple(revisions), tuple(outputs)
    )


def _with_signoff(certificates: dict[str, Path]) -> dict:
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers["signoff"] = {
        "assessor": {"name": PEOPLE[0][0], "email": PEOPLE[0][1]},
        "dpo_advice": {
            "name": PEOPLE[1][0],
            "advice": "approve",
            "summary": "The safeguards keep every risk low or medium.",
            "date": "2026-06-20",
        },
        "decision": {
            "name": PEOPLE[2][0],
            "position": "Managing Director",
            "decision": "approve",
            "date": "2026-06-25",
            "dpo_advice_followed": True,
        },
        "signatories": [
            {
                "name": name,
                "email": email,
                "role": role,
                "certificate_sha256": _fingerprint(certificates[role]),
            }
            for name, email, role in PEOPLE
        ],
    }
    return answers


def test_each_signer_prints_what_was_made(signed: SignedDpia):
    first, second, third = signed.sign_output
    assert first.startswith(f"signed {signed.pdf}: signature 1, Lena Falkenrath as Assessor")
    assert "signature 2, Tobias Renner as Data protection officer" in second
    assert "signature 3, Mara Quell as Decision-maker" in third
    for printed in signed.sign_output:
        assert "PAdES-B-LT: time-stamped by Test TSA; certificates and revocation data" in printed
        assert "visible on the signature page" in printed
        assert "not proven" not in printed


def test_every_signature_is_one_incremental_update_that_keeps_the_pdf_a(signed: SignedDpia):
    original = signed.revisions[0]
    before = _pdfa_markers(original)
    assert before.part == "2" and before.conformance == "B" and before.intents == ["/GTS_PDFA1"]
    for count, (previous, current) in enumerate(
        zip(signed.revisions, signed.revisions[1:], strict=False), start=1
    ):
        assert current.startswith(previous), f"signature {count} rewrote earlier bytes"
        reader = PdfFileReader(io.BytesIO(current))
        assert reader.xrefs.total_revisions == count + 1
        assert _pdfa_markers(current) == before, f"PDF/A markers changed by signature {count}"
        assert _fonts_all_embedded(signed.folder, current)
        for widget in _signature_widgets(reader):
            flags = int(widget["/F"])
            assert flags & 4, "a PDF/A annotation must be printable"
            assert not flags & (1 | 2 | 32 | 256), "a PDF/A annotation must not be hidden"
            assert list(widget["/AP"].keys()) == ["/N"]
        assert "/NeedAppearances" not in reader.root["/AcroForm"]


@dataclass(frozen=True)
class _Markers:
    part: str
    conformance: str
    xmp: bytes
    intents: list[str]
    profile: bytes
    info: dict[str, str]


def _pdfa_markers(pdf: bytes) -> _Markers:
    reader = PdfFileReader(io.BytesIO(pdf))
    xmp = reader.root["/Metadata"].data
    text = xmp.decode("utf-8")
    intents = [intent.get_object() for intent in reader.root["/OutputIntents"]]
    return _Markers(
        part=re.search(r"<pdfaid:part>(\d)</pdfaid:part>", text).group(1),
        conformance=re.search(r"<pdfaid:conformance>(\w)</pdfaid:conformance>", text).group(1),
        xmp=xmp,
        intents=[str(intent["/S"]) for intent in intents],
        profile=intents[0]["/DestOutputProfile"].data,
        info={key: str(value) for key, value in reader.trailer_view["/Info"].items()},
    )


def _fonts_all_embedded(folder: Path, pdf: bytes) -> bool:
    path = folder / "check-fonts.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return bool(listing) and all(line.split()[-5] == "yes" for line in listing)


def _signature_widgets(reader: PdfFileReader) -> list:
    return [signature.sig_field for signature in reader.embedded_signatures]


def test_pdfsig_pyhanko_and_dpia_agree_that_all_three_signatures_hold(signed: SignedDpia, capsys):
    seen = pdfsig(signed.pdf)
    assert [s.common_name for s in seen] == [name for name, _, _ in PEOPLE]
    assert [s.validation for s in seen] == ["Signature is Valid."] * 3
    assert [s.whole_document for s in seen] == [False, False, True]
    nss = nss_trust_store(signed.folder, signed.trust, signed.pdf)
    assert [s.certificate for s in pdfsig(signed.pdf, nss)] == ["Certificate is Trusted."] * 3

    judged = pyhanko_verdicts(signed.pdf.read_bytes(), signed.trust)
    assert all(v.intact and v.valid and v.trusted and v.bottom_line for v in judged)
    assert [v.modification for v in judged] == [
        ModificationLevel.FORM_FILLING,
        ModificationLevel.FORM_FILLING,
        ModificationLevel.NONE,
    ]

    command = ["verify", str(signed.pdf), "--trust", str(signed.trust.directory)]
    assert main([*command, "--signoff", str(signed.answers)]) == 0
    out = capsys.readouterr().out
    assert out.count("  VALID ") == 3 and "level:       PAdES-B-LT" in out
    assert "covers:      the document as signed; later updates add only signatures 2, 3" in out
    assert "covers:      the whole document" in out
    assert "all 3 signatories in the sign-off record signed" in out


def test_the_guides_pyhanko_command_judges_every_signature_valid(signed: SignedDpia):
    script = guide_script("**With pyHanko**").replace("var/trust", str(signed.trust.directory))
    script = script.replace("dpia-A-2026-001-v3.pdf", str(signed.pdf))
    pyhanko = Path(shutil.which("pyhanko") or Path(__file__).parent.parent / ".venv/bin/pyhanko")
    script = script.replace("pyhanko sign", f"{pyhanko} sign")
    done = subprocess.run(
        ["bash", "-e", "-c", script], cwd=signed.folder, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("The signature is judged VALID.") == 3
    assert done.stdout.count("The signer's certificate is trusted.") == 3


def test_a_flipped_byte_in_the_signed_pdf_is_caught_by_all_three(signed: SignedDpia, capsys):
    pdf = signed.pdf.read_bytes()
    offset = pdf.index(b"stream", len(pdf) // 3) + 40
    tampered = bytearray(pdf)
    tampered[offset] ^= 0x20
    path = signed.folder / "tampered.pdf"
    path.write_bytes(tampered)

    assert [s.validation for s in pdfsig(path)] == ["Digest Mismatch."] * 3
    assert not any(v.intact for v in pyhanko_verdicts(bytes(tampered), signed.trust))
    assert main(["verify", str(path), "--trust", str(signed.trust.directory)]) == 1
    assert capsys.readouterr().out.count("  INVALID ") == 3


def test_visible_boxes_sit_on_the_signatures_page_and_cover_no_text(signed: SignedDpia):
    reader = PdfFileReader(io.BytesIO(signed.pdf.read_bytes()))
    widgets = _signature_widgets(reader)
    page_numbers = {reader.find_page_for_modification(i)[0].idnum: i for i in range(60)
                    if i < int(reader.root["/Pages"]["/Count"])}  # fmt: skip
    pages = {page_numbers[w.raw_get("/P").idnum] for w in widgets}
    assert len(pages) == 1
    page = pages.pop()
    unsigned = signed.folder / "unsigned.pdf"
    unsigned.write_bytes(signed.revisions[0])
    words = _words(unsigned, page + 1)
    assert "Signatures" in [text for text, _ in words] and "fingerprint" in str(words)
    boxes = [tuple(float(v) for v in w["/Rect"]) for w in widgets]
    height = float(reader.find_page_for_modification(page)[0].get_object()["/MediaBox"][3])
    for box in boxes:
        for _, (x0, top, x1, bottom) in words:
            word = (x0, height - bottom, x1, height - top)
            assert not _overlap(box, word), f"signature box {box} covers a word at {word}"
    assert not _overlap(boxes[0], boxes[1]) and not _overlap(boxes[1], boxes[2])
    assert boxes[0][1] == boxes[1][1] and boxes[2][3] < boxes[0][1]


def _words(pdf: Path, page: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)'
    return [
        (text, (float(a), float(b), float(c), float(d)))
        for a, b, c, d, text in re.findall(pattern, html)
    ]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
