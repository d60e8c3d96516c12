"""The CNIL method file: checked against its questionnaire, and its ratings follow the gauges."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path

import pytest

from dpia import Assessment, AssessmentMeta
from dpia._errors import CatalogueError
from dpia._library import questionnaire_for
from dpia.risk import assess, level_of, method_name, scoring_method

ROOT = Path(__file__).resolve().parent.parent
GAUGES = {1: "negligible", 2: "limited", 3: "significant", 4: "maximum"}
META = AssessmentMeta(title="T", organisation="O", assessor="A", date=dt.date(2026, 5, 4))


def test_each_questionnaire_names_its_method() -> None:
    assert method_name(questionnaire_for("cnil-pia")) == "cnil-pia"
    assert method_name(questionnaire_for("telemetry-for-ai")) == "catalogue"


@pytest.mark.parametrize(
    ("severity", "likelihood", "corrected"),
    [
        (s, lk, c)
        for s, lk in itertools.product((1, 2, 3, 4), repeat=2)
        for c in (None, (1, 1), (4, 4))
    ],
)
def test_the_rating_is_the_gauges_placed_in_the_one_matrix(severity, likelihood, corrected):
    questionnaire = questionnaire_for("cnil-pia")
    answers = {
        "processing_overview": "x",
        "data_processed": "y",
        "access_severity": GAUGES[severity],
        "access_likelihood": GAUGES[likelihood],
    }
    if corrected:
        answers["access_corrected_severity"] = GAUGES[corrected[0]]
        answers["access_corrected_likelihood"] = GAUGES[corrected[1]]
    assessment = Assessment(questionnaire=questionnaire.ref, meta=META, answers=answers)
    report = assess(questionnaire, assessment, as_of=META.date)
    (risk,) = report.risks
    assert (risk.inherent.severity, risk.inherent.likelihood) == (severity, likelihood)
    assert risk.inherent.level == level_of(likelihood, severity)
    after = corrected or (severity, likelihood)
    assert (risk.residual.severity, risk.residual.likelihood) == after
    assert risk.residual.level == level_of(after[1], after[0])
    assert report.prior_consultation_required == (risk.residual.level == "high")
    assert len(report.completeness) == 2  # the other two risks are not estimated


def test_a_broken_method_file_is_refused_with_its_place(tmp_path: Path, monkeypatch) -> None:
    for name in ("cnil-pia.yaml", "cnil-pia.risks.yaml"):
        shutil.copy(ROOT / "questionnaires" / name, tmp_path / name)
    method = tmp_path / "cnil-pia.risks.yaml"
    method.write_text(
        method.read_text(encoding="utf-8").replace("prefix: modification", "prefix: modfication"),
        encoding="utf-8",
    )
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(tmp_path))
    with pytest.raises(CatalogueError) as caught:
        scoring_method(questionnaire_for("cnil-pia"))
    message = str(caught.value)
    assert "cnil-pia.risks.yaml:" in message and "feared_events[1].prefix" in message
    assert "no question 'modfication_impacts'" in message


def test_an_unrated_pia_is_said_to_be_unrated_not_low(tmp_path: Path) -> None:
    from cnil_support import run

    answers = tmp_path / "empty.yaml"
    answers.write_text(
        "questionnaire: cnil-pia@1.0.0\n"
        "assessment: {title: Empty, organisation: O, assessor: A, date: 2026-05-04}\n"
        "answers: {}\n",
        encoding="utf-8",
    )
    code, out, _ = run("score", str(answers))
    assert code == 0
    assert "Overall risk:        not rated" in out and "LOW" not in out
    code, out, _ = run("render", str(answers), "-o", str(tmp_path / "empty.docx"))
    assert code == 0 and "no risk rated yet" in out
