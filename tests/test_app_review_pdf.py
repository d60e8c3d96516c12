"""Sign the PDF on Review & sign-off: the PDF/A signed inside, under the .docx's rules.

Each person signs in with the one role the archive grants them, as in test_app_review. The
judges are poppler's `pdfsig` and pyHanko's validator on the PDF the app keeps and archives,
with a real RFC 3161 authority on 127.0.0.1 time-stamping every signature.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from app_support import archive, archive_url, no_failures, signature_cards
from pdf_support import pdfsig, pyhanko_verdicts
from streamlit.testing.v1 import AppTest
from test_app_review import (
    PASSPHRASE,
    _sign_in_room,
    _signed_off,
    open_as,
    people,
    staff,
    trusted,
)
from test_signing_pdf import _pdfa_markers
from timestamp_authority import local_timestamp_authority

from dpia.signing import SignatureVerdict, load_certificate, verify_pdf

__all__ = ["archive", "archive_url", "people", "staff", "trusted"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
    pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils is not installed"),
]


def sign_pdf_as(app: AppTest, person, role_fingerprint: str) -> AppTest:
    """Sign the PDF on the Review page, uploading the key and certificate as a person would."""
    app.selectbox(key="sign-as").select(role_fingerprint).run()
    app.file_uploader(key="sign-key").set_value(
        ("key.pem", person.key_path.read_bytes(), "text/plain")
    )
    app.file_uploader(key="sign-cert").set_value(
        ("cert.pem", person.certificate_path.read_bytes(), "text/plain")
    )
    app.text_input(key="sign-passphrase").input(PASSPHRASE.decode())
    return app.button(key="sign-pdf-go").click().run(timeout=180)


def _room_pdf() -> Path:
    (pdf,) = Path(os.environ["DPIA_SIGNING_DIR"]).glob("*/*/*.pdf")
    return pdf


def test_each_signatory_signs_the_pdf_and_it_is_frozen_beside_the_docx(
    archive, people, trusted, staff, tmp_path, monkeypatch
):
    assessment_id = archive.save_draft(_signed_off(people), actor="ada@example.org").assessment_id
    _sign_in_room(archive, assessment_id, people, ("assessor", "dpo", "decision_maker"))
    with local_timestamp_authority(tmp_path / "tsa") as authority:
        trusted.add(load_certificate(authority.root_certificate))
        monkeypatch.setenv("DPIA_TSA_URL", authority.url)

        dpo = open_as("dana@example.org", assessment_id)
        no_failures(dpo)
        assert any("Signatories can also sign the PDF/A" in c.value for c in dpo.caption)
        sign_pdf_as(dpo, people["dpo"], people["dpo"].fingerprint)
        no_failures(dpo)
        assert dpo.success[0].value == "Signed the PDF as Dana Officer."
        first = _room_pdf().read_bytes()
        assert [s.validation for s in pdfsig(_room_pdf())] == ["Signature is Valid."]

        assert all(s.key != "sign-as" for s in dpo.selectbox), "nothing left for her to sign"
        assert any("None of the signatures still missing" in c.value for c in dpo.caption)

        decider = open_as("max@example.org", assessment_id)
        no_failures(decider)
        assert any("freezing waits until they are in the PDF too" in i.value for i in decider.info)
        assert not [b for b in decider.button if b.key == "freeze"]
        in_pdf = signature_cards(decider)[3:]  # after the three beside the .docx
        assert [card["Signer"] for card in in_pdf] == ["Dana Officer"]
        sign_pdf_as(decider, people["assessor"], people["decision_maker"].fingerprint)
        assert decider.error[0].value.startswith("That certificate belongs to Ada Assessor")
        assert _room_pdf().read_bytes() == first

        author = open_as("ada@example.org", assessment_id)
        sign_pdf_as(author, people["assessor"], people["assessor"].fingerprint)
        no_failures(author)
        decider = open_as("max@example.org", assessment_id)
        sign_pdf_as(decider, people["decision_maker"], people["decision_maker"].fingerprint)
        no_failures(decider)
        in_pdf = signature_cards(decider)[3:]
        (signed_at,) = {card["Signed at"].split(" (")[1] for card in in_pdf}
        assert signed_at == "time-stamped by Test TSA)"
        assert authority.answered >= 3
        assert "and the signed PDF" in decider.success[-1].value
        decider.button(key="freeze").click().run(timeout=120)
        no_failures(decider)

    signed = _room_pdf().read_bytes()
    assert signed.startswith(first)
    markers = _pdfa_markers(signed)
    assert (markers.part, markers.conformance, markers.intents) == ("2", "B", ["/GTS_PDFA1"])
    assert markers == _pdfa_markers(first), "a later signature changed the PDF/A markers"
    seen = pdfsig(_room_pdf())
    assert [s.common_name for s in seen] == ["Dana Officer", "Ada Assessor", "Max Decider"]
    assert [s.validation for s in seen] == ["Signature is Valid."] * 3
    assert seen[-1].whole_document
    assert all(v.intact and v.valid and v.bottom_line for v in pyhanko_verdicts(signed, trusted))
    reports = verify_pdf(signed, trust=trusted).signatures
    assert [r.verdict for r in reports] == [SignatureVerdict.VALID] * 3
    assert [r.level for r in reports] == ["PAdES-B-LT"] * 3
    assert all(r.timestamp is not None and r.timestamp.trust.trusted for r in reports)

    stored = archive.version(assessment_id)
    assert stored.status == "approved"
    assert stored.signed_pdf == signed
    assert archive.verify().intact

    shelf = decider.switch_page("dpia/app/pages/archive.py").run(timeout=120)
    no_failures(shelf)
    assert any(m.value == "**Signatures inside the archived PDF**" for m in shelf.markdown)
    inside = signature_cards(shelf)[-3:]
    assert [card["Signer"] for card in inside] == ["Dana Officer", "Ada Assessor", "Max Decider"]
    assert all(card["Signature"].startswith("Valid: ") for card in inside)
