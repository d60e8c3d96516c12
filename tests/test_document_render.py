"""What a reader of the Word DPIA sees: structure, headline ratings, STOP, register, sign-off."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile

import docx
import pytest
from document_support import (
    CALM_ANSWERS,
    STOP_ANSWERS,
    all_text,
    assessment,
    catalogue,
    headings,
    open_docx,
    planned,
    questionnaire,
    render,
    rows,
    styled,
    table_after,
)
from docx.shared import Pt

from dpia import RenderError
from dpia._signoff import Decision, DpoAdvice, Person, Signatory, SignOff
from dpia.document import DEFAULT_HOUSE_STYLE, REQUIRED_STYLES, Revision
from dpia.document._dossier import first_sentence
from dpia.document._house_style import build_house_style

__all__ = ["catalogue", "questionnaire"]

FINGERPRINT = ":".join(["AB"] * 16 + ["CD"] * 16)


@pytest.fixture(scope="module")
def stop_document(questionnaire, catalogue):
    return open_docx(render(questionnaire, catalogue, assessment(STOP_ANSWERS, plan=planned())))


@pytest.fixture(scope="module")
def calm_document(questionnaire, catalogue):
    return open_docx(render(questionnaire, catalogue, assessment(CALM_ANSWERS)))


def test_parts_follow_the_edpb_template_and_art_35_7(stop_document):
    top = headings(stop_document, 1)
    assert top == [
        "Document control",
        "Executive summary",
        "0. Foundational information",
        "1. Systematic description of the processing",
        "2. Necessity, proportionality and compliance measures",
        "3. Risks to the rights and freedoms of data subjects",
        "4. Measures envisaged and residual risk",
        "5. DPO advice and views of data subjects",
        "6. Conclusion and decision",
        "Annex A. Prior consultation of the supervisory authority",
        "Annex B. Answers to the questionnaire",
        "Annex C. Methodology",
    ]
    second = headings(stop_document, 2)
    for name in (
        "Is a DPIA required?",
        "Systematic description of the processing",
        "Lawfulness",
        "Necessity and proportionality",
        "Rights and transparency",
        "Security, processors and transfers",
        "Risk register",
        "Risk map",
        "Legal exposure by jurisdiction",
        "Action plan",
        "Advice of the data protection officer",
        "Views of the people concerned and their representatives",
        "Sign-off and decision",
        "Review plan",
        "Signatures",
    ):
        assert name in second


def test_cover_names_the_assessment(stop_document):
    cover = styled(stop_document, "Cover Detail")
    assert "Assessment ID: A-2026-001" in cover
    assert "Version: 1" in cover
    assert "Status: Draft" in cover
    assert "Date: 4 May 2026" in cover
    assert styled(stop_document, "Cover Subtitle") == ["Keystroke capture for agent training"]
    assert styled(stop_document, "Cover Organisation") == ["Example Works GmbH"]


def test_executive_summary_starts_with_the_three_headline_ratings(stop_document):
    table = table_after(stop_document, "Executive summary")
    assert [row[:2] for row in rows(table)] == [
        ["Headline", "Rating"],
        ["Chilling effect", "High"],
        ["Consent gap", "High"],
        ["Legal exposure", "High"],
    ]
    assert "Consent (Consent) is rarely free at work." in rows(table)[2][2]
    text = all_text(stop_document)
    assert "High before measures → High after measures" in text
    assert "DPIA | Required:" in text


def test_stop_report_carries_a_visible_banner(stop_document, calm_document):
    banners = styled(stop_document, "Banner Stop")
    assert banners and all(b.startswith("STOP: do not proceed") for b in banners)
    assert len(banners) == 2
    reasons = styled(stop_document, "Banner Stop Text")
    assert any("Consent cannot be the only basis for employees." in r for r in reasons)
    assert styled(calm_document, "Banner Stop") == []


def test_prior_consultation_annex_only_when_required(stop_document, calm_document):
    assert "Annex A. Prior consultation of the supervisory authority" in headings(stop_document, 1)
    calm = headings(calm_document, 1)
    assert not any("Prior consultation" in h for h in calm)
    assert calm[-2:] == ["Annex A. Answers to the questionnaire", "Annex B. Methodology"]


def test_risk_register_rows_and_explanations(stop_document):
    table = table_after(stop_document, "Risk register")
    assert rows(table)[0] == [
        "No.",
        "Risk",
        "Before measures",
        "Measures in place or planned",
        "After measures",
    ]
    chilling = rows(table)[1]
    assert chilling[0] == "R1"
    assert chilling[1].startswith("Chilling effect")
    assert chilling[2] == "High\nL4 × S3"
    assert chilling[3].startswith("Voluntary opt-in")
    assert chilling[4] == "High\nL3 × S3"
    assert "R1 Chilling effect" in headings(stop_document, 3)
    text = all_text(stop_document)
    assert "Everything typed is recorded (Keystroke content; Screenshots)." in text
    assert "Answers this rests on: “What is captured?” Keystroke content; Screenshots" in text


def test_action_plan_lists_owner_due_and_status(stop_document):
    table = rows(table_after(stop_document, "Action plan"))
    assert table[0] == ["Measure", "Risks", "Owner", "Due", "Status"]
    opt_in = next(row for row in table if row[0].startswith("Voluntary opt-in"))
    assert opt_in[1:] == [
        "R1, R2",
        "Works council liaison",
        "30 Sep 2026",
        "Planned",
    ]


def test_legal_exposure_shows_statutory_maxima_not_predictions(stop_document):
    text = all_text(stop_document)
    assert "EUR 20,000,000 statutory maximum" in text
    assert "USD 798,900 statutory maximum" in text
    assert "It is a ceiling, not a prediction" in text
    assert "California" in headings(stop_document, 3)


def test_labels_everywhere_never_ids(stop_document):
    text = all_text(stop_document)
    for raw in (
        "keystroke_content",
        "us_ca",
        "legitimate_interests",
        "do_not_proceed",
        "chilling_effect",
        "consent_gap",
        "not_applicable",
        "gdpr_83_5",
        "no_content",
        "opt_in",
    ):
        assert raw not in text, raw
    annex = rows(table_after(stop_document, "Scope"))
    assert ["Where do the people monitored work?", "Germany; California"] in annex


def test_without_a_record_nothing_invites_filling_in_the_signed_file(calm_document):
    table = rows(table_after(calm_document, "Sign-off and decision"))
    assert table[0][0] == "Measures approved by"
    assert all(row[1].strip() for row in table), "an empty cell reads as a place to write"
    assert [row[1] for row in table].count("Not recorded yet") >= 5
    text = all_text(calm_document)
    assert not any(box in text for box in ("☐", "☒", "☑"))
    assert "No decision is recorded yet. It is recorded in dpia" in text
    assert text.count("Text typed into this document in Word never reaches that record") == 1
    assert "No signatories are recorded yet." in text
    names = {p.style.name for p in calm_document.paragraphs if p.style is not None}
    assert "Fill In" not in names


def test_sign_off_record_fills_the_table_and_signature_page(questionnaire, catalogue):
    record = SignOff(
        assessor=Person(name="Jana Doe", email="jana@example.org"),
        dpo_advice=DpoAdvice(
            name="Marek Lind",
            advice="do_not_proceed",
            summary="Consent is not a valid basis here.",
            date=dt.date(2026, 5, 10),
        ),
        decision=Decision(
            name="Ola Berg",
            position="Chief Operating Officer",
            decision="reject",
            date=dt.date(2026, 5, 12),
            dpo_advice_followed=True,
        ),
        signatories=(
            Signatory(
                name="Ola Berg",
                email="ola@example.org",
                role="decision_maker",
                certificate_sha256=FINGERPRINT,
            ),
        ),
    )
    subject = assessment(STOP_ANSWERS, signoff=record)
    document = open_docx(render(questionnaire, catalogue, subject))
    table = dict((row[0], row[1]) for row in rows(table_after(document, "Sign-off and decision")))
    by = "Ola Berg, Chief Operating Officer, 12 May 2026"
    rejected = f"Not approved.\nDecision: Reject, by {by}."
    assert table["Measures approved by"] == rejected
    assert table["Residual risks approved by"] == rejected
    assert table["DPO advice provided by"] == "Marek Lind, 10 May 2026: Do not proceed"
    assert table["DPO advice accepted or overruled, by whom and why"] == "Accepted by Ola Berg."
    assert table["This DPIA will be kept under review by"] == "Not recorded yet"
    assert "Decision: Reject" in all_text(document)
    signature = rows(table_after(document, "Signatures"))[1]
    assert signature == ["Ola Berg\nola@example.org", "Decision-maker", "Reject", "2026-05-12"]
    assert styled(document, "Fingerprint") == [FINGERPRINT]
    assert "openssl cms -verify -binary -inform DER" in all_text(document)


def test_version_history_on_document_control(questionnaire, catalogue):
    history = (
        Revision(version=1, date=dt.date(2026, 4, 1), author="Jana Doe", summary="First draft."),
    )
    blob = render(
        questionnaire,
        catalogue,
        assessment(CALM_ANSWERS),
        version=2,
        status="in_review",
        history=history,
    )
    document = open_docx(blob)
    table = rows(table_after(document, "Document control"))
    assert table[1] == ["1", "1 Apr 2026", "Jana Doe", "Draft", "First draft."]
    assert table[2] == ["2", "4 May 2026", "Jana Doe", "In review", "This version."]
    assert "Status: In review" in styled(document, "Cover Detail")


def test_properties_come_from_the_assessment(calm_document):
    core = calm_document.core_properties
    assert core.title == "Data Protection Impact Assessment: Keystroke capture for agent training"
    assert core.author == core.last_modified_by == "Jana Doe"
    assert core.created == core.modified == dt.datetime(2026, 5, 4, tzinfo=dt.UTC)
    assert core.revision == 1


def test_custom_properties_and_page_fields(questionnaire, catalogue):
    blob = render(questionnaire, catalogue, assessment(CALM_ANSWERS))
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        custom = package.read("docProps/custom.xml").decode()
        footer = "".join(
            package.read(n).decode() for n in package.namelist() if n.startswith("word/footer")
        )
        body = package.read("word/document.xml").decode()
    assert 'name="AssessmentId"><vt:lpwstr>A-2026-001<' in custom
    assert 'name="AssessmentVersion"><vt:i4>1<' in custom
    assert re.search(r'name="ContentSHA256"><vt:lpwstr>[0-9a-f]{64}<', custom)
    assert " PAGE " in footer and " NUMPAGES " in footer
    assert 'TOC \\o "1-2"' in body


def test_a_house_style_older_than_the_fingerprint_and_emphasis_styles_still_works(
    questionnaire, catalogue, tmp_path
):
    house = docx.Document(str(DEFAULT_HOUSE_STYLE))
    for style in list(house.styles):
        if style.name in ("Fingerprint", "Strong", "Emphasis", "Strong Emphasis"):
            style.delete()
    older = tmp_path / "house.docx"
    house.save(str(older))
    document = open_docx(
        render(questionnaire, catalogue, assessment(CALM_ANSWERS), house_style=older)
    )
    names = {style.name for style in document.styles}
    assert {"Fingerprint", "Strong", "Emphasis", "Strong Emphasis"} <= names
    assert document.styles["Strong Emphasis"].base_style.name == "Strong"


def test_missing_style_is_named_with_the_file(questionnaire, catalogue, tmp_path):
    house = docx.Document(str(DEFAULT_HOUSE_STYLE))
    for style in list(house.styles):
        if style.name in ("Banner Stop", "Level High"):
            style.delete()
    broken = tmp_path / "house.docx"
    house.save(str(broken))
    with pytest.raises(RenderError) as caught:
        render(questionnaire, catalogue, assessment(CALM_ANSWERS), house_style=broken)
    message = str(caught.value)
    assert str(broken) in message
    assert "'Banner Stop', 'Level High'" in message


def test_restyled_house_style_restyles_the_document(questionnaire, catalogue, tmp_path):
    house = docx.Document(str(DEFAULT_HOUSE_STYLE))
    house.styles["Normal"].font.name = "Georgia"
    house.styles["Normal"].font.size = Pt(12)
    fill = house.styles["Level High"].element.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pPr/"
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd"
    )
    fill.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill", "FF00AA")
    restyled = tmp_path / "restyled.docx"
    house.save(str(restyled))
    blob = render(questionnaire, catalogue, assessment(STOP_ANSWERS), house_style=restyled)
    document = open_docx(blob)
    assert document.styles["Normal"].font.name == "Georgia"
    assert document.styles["Normal"].font.size == Pt(12)
    assert 'w:fill="FF00AA"' in document.part.blob.decode()


def test_logo_and_text_in_the_house_style_header_stay(questionnaire, catalogue, tmp_path):
    house = docx.Document(str(DEFAULT_HOUSE_STYLE))
    house.sections[0].header.paragraphs[0].text = "CONFIDENTIAL"
    custom = tmp_path / "house.docx"
    house.save(str(custom))
    document = open_docx(
        render(questionnaire, catalogue, assessment(CALM_ANSWERS), house_style=custom)
    )
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header == [
        "CONFIDENTIAL",
        "Data Protection Impact Assessment\tKeystroke capture for agent training",
    ]


def test_house_style_file_is_what_the_builder_makes():
    assert DEFAULT_HOUSE_STYLE.read_bytes() == build_house_style()
    names = {style.name.casefold() for style in docx.Document(str(DEFAULT_HOUSE_STYLE)).styles}
    assert {name.casefold() for name in REQUIRED_STYLES} <= names


def test_bad_version_or_status_is_refused(questionnaire, catalogue):
    subject = assessment(CALM_ANSWERS)
    with pytest.raises(RenderError, match="version must be a whole number from 1"):
        render(questionnaire, catalogue, subject, version=0)
    with pytest.raises(RenderError, match="status 'final' is not one of draft, in_review"):
        render(questionnaire, catalogue, subject, status="final")


def test_default_house_style_missing_is_a_clear_error(questionnaire, catalogue, tmp_path):
    with pytest.raises(RenderError, match="cannot open as a Word document"):
        render(
            questionnaire,
            catalogue,
            assessment(CALM_ANSWERS),
            house_style=shutil.copy(__file__, tmp_path / "x.docx"),
        )


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Staff type at work on their own. Authorities agree.", "Staff type at work on their own."),
        ("Cal. Civ. Code §1798.100 applies. Next.", "Cal. Civ. Code §1798.100 applies."),
        ("See GDPR Art. 6(1)(f). Then more.", "See GDPR Art. 6(1)(f)."),
        ("Use e.g. The thing. Next.", "Use e.g. The thing."),
        ("One sentence only", "One sentence only"),
    ],
)
def test_summaries_keep_the_first_sentence_not_an_abbreviation(text, first):
    assert first_sentence(text) == first


def test_a_law_is_not_named_again_before_citations_that_name_it() -> None:
    from dpia.document.sections._exposure import _law_and_articles

    assert _law_and_articles("GDPR", ("GDPR Art. 35(1)", "GDPR Art. 83(4)(a)")) == (
        "GDPR Art. 35(1); GDPR Art. 83(4)(a)"
    )
    assert _law_and_articles("Works Constitution Act (BetrVG)", ("BetrVG §87(2)",)) == (
        "Works Constitution Act (BetrVG) (BetrVG §87(2))"
    )
    assert _law_and_articles("GDPR", ()) == "GDPR"
