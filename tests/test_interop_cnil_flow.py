"""A CNIL PIA, once imported, goes through dpia like any assessment: scored by the CNIL method,
rendered as a Word DPIA in the method's order, signed, verified, archived and opened in the app.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from app_support import ROOT, TIMEOUT, no_failures
from cnil_support import FIXTURES, run
from document_support import all_text, headings, open_docx
from signing_support import PASSPHRASE, openssl_verify
from streamlit.testing.v1 import AppTest

from dpia._assessment import load_answers
from dpia._library import questionnaire_for
from dpia.archive import open_archive
from dpia.document import read_embedded
from dpia.risk import assess

CNIL = questionnaire_for("cnil-pia@1.0.0")


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    target = tmp_path / "pia.yaml"
    code, _, err = run(
        "import", str(FIXTURES / "pia-2025.json"), "-o", str(target), "--organisation", "Exemplum"
    )
    assert code == 0, err
    return target


def test_scored_by_the_gauges_initial_and_after_the_action_plan(answers: Path) -> None:
    code, out, err = run("score", str(answers), "--json")
    assert code == 0, err
    report = json.loads(out)
    risks = {r["id"]: r for r in report["risks"]}
    access = risks["illegitimate_access"]
    assert (access["inherent"]["severity"], access["inherent"]["likelihood"]) == (3, 2)
    assert access["inherent"]["level"] == "medium"
    assert (access["residual"]["severity"], access["residual"]["likelihood"]) == (3, 1)
    assert access["residual"]["level"] == "low"
    # 3.3 is acceptable without re-estimate: the residual is the author's estimate, and says so.
    modification = risks["unwanted_modification"]
    assert modification["residual"] == {**modification["residual"], "severity": 2, "likelihood": 1}
    assert "author's estimate" in modification["residual"]["because"][0]["text"]
    assert report["dpia_required"] == "not_screened"
    assert report["prior_consultation_required"] is False
    assert set(report["headline"]) == set(risks)
    assert {m["id"] for m in report["mitigations"]} == {f"measure_{n}" for n in (31, 32, 33, 34)}
    assert "measure_31" in access["measures"] and "measure_32" in access["measures"]


def test_a_high_residual_risk_calls_for_prior_consultation(answers: Path) -> None:
    mapping = yaml.safe_load(answers.read_text(encoding="utf-8"))
    mapping["answers"]["disappearance_corrected_severity"] = "maximum"
    mapping["answers"]["disappearance_corrected_likelihood"] = "significant"
    answers.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    assessment = load_answers(answers, CNIL).assessment
    report = assess(CNIL, assessment, as_of=assessment.meta.date)
    assert report.prior_consultation_required
    assert "Disappearance of data" in report.prior_consultation_note


def test_unestimated_risks_are_listed_as_missing_not_rated(answers: Path) -> None:
    mapping = yaml.safe_load(answers.read_text(encoding="utf-8"))
    del mapping["answers"]["access_severity"]
    answers.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    code, _out, err = run("check-answers", str(answers))
    assert code == 2 and "access_severity" in err
    report = assess(CNIL, load_answers(answers, CNIL).assessment, as_of=mapping_date(mapping))
    assert "illegitimate_access" not in {r.id for r in report.risks}
    assert [c.id for c in report.completeness] == ["illegitimate_access_not_estimated"]


def mapping_date(mapping: dict):
    import datetime as dt

    return dt.date.fromisoformat(mapping["assessment"]["date"])


def test_rendered_in_the_methods_order_with_every_answer_quoted(answers: Path, tmp_path: Path):
    document_path = tmp_path / "pia.docx"
    code, _out, err = run("render", str(answers), "-o", str(document_path))
    assert code == 0, err
    document = open_docx(document_path.read_bytes())
    assert headings(document, 1)[1:] == [
        "Summary",
        "1. Context",
        "2. Fundamental principles",
        "3. Risks",
        "4. Validation",
        "Annex A. The CNIL PIA method and how dpia rates it",
    ]
    text = all_text(document)
    mapping = yaml.safe_load(answers.read_text(encoding="utf-8"))["answers"]
    for question_id, value in mapping.items():
        if isinstance(value, str) and question_id not in ("pia_status",) and len(value) > 12:
            for line in value.replace("*", "").splitlines():
                words = line.lstrip("-0123456789. ").strip()
                assert words in text, (question_id, words)
    for row in mapping["measures"]:
        assert row["title"] in text
    assert "Key rotation every year." in text and "Add break-glass access." in text
    assert "Improvable: additional measures are needed" in text
    assert "chilling" not in text.casefold()
    # The document carries the answers it was made from, as every dpia document does.
    assert read_embedded(document_path.read_bytes(), CNIL).to_file()["answers"] == mapping


def test_signed_verified_and_archived_like_any_other(
    answers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", PASSPHRASE.decode())
    monkeypatch.setenv("DPIA_DATABASE_URL", f"sqlite:///{tmp_path}/archive.sqlite3")
    document = tmp_path / "pia.docx"
    assert run("render", str(answers), "-o", str(document))[0] == 0
    keys = tmp_path / "keys"
    code, _, err = run(
        "keygen", "--name", "Claude Bernard", "--email", "dpo@exemplum.example",
        "--role", "dpo", "--out", str(keys),
    )  # fmt: skip
    assert code == 0, err
    certificate = keys / "cert.pem"
    code, out, err = run(
        "sign", str(document), "--key", str(keys / "key.pem"), "--cert", str(certificate)
    )
    assert code == 0, err
    signature = Path(out.strip().splitlines()[-1])
    result = openssl_verify(signature, document, certificate)
    assert result.returncode == 0, result.stderr
    trust = tmp_path / "trust"
    assert run("trust", "add", str(certificate), "--store", str(trust))[0] == 0
    code, out, err = run("verify", str(document), "--trust", str(trust))
    assert code == 0, err
    assert out.count("VALID") == 1
    assert run("db", "upgrade")[0] == 0
    code, out, err = run("archive", "add", str(answers), "--document", str(document))
    assert code == 0, err
    listed = open_archive().assessments()
    assert [a.title for a in listed] == ["Help-desk reply assistant"]


def test_the_app_opens_and_rates_it(answers: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DPIA_DATABASE_URL", f"sqlite:///{tmp_path}/archive.sqlite3")
    monkeypatch.delenv("DPIA_QUESTIONNAIRES", raising=False)
    expected = load_answers(answers, CNIL).assessment
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    app.file_uploader(key="import-file").set_value(
        (answers.name, answers.read_bytes(), "application/x-yaml")
    ).run()
    app.button(key="import-open").click().run()
    steps = 0
    while app.title[0].value != "Risks":
        no_failures(app)
        steps += 1
        assert steps < 40
        app.button(key="nav-next").click().run()
    assert not app.exception
    assessment_id = app.session_state["dpia.case"].assessment_id
    saved = open_archive().draft(assessment_id).answers
    assert saved["answers"] == expected.to_file()["answers"]
    names = {element.value for element in app.markdown}
    assert any("Illegitimate access" in name for name in names)
    assert {m.label for m in app.metric} >= {"DPIA", "Before measures", "After the plan"}
