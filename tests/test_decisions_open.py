"""A referral to the supervisory authority is open only where the GDPR applies.

Prior consultation is a step of GDPR Art. 36; where the GDPR does not apply there is no
authority to consult, so the answers check refuses such a decision with the line to edit and
the decisions that are open, and the document lists only those.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dpia.cli import main
from dpia.workflow import WorkflowError, decisions_open, require_decision_open

EXAMPLES = Path(__file__).parent.parent / "examples"
US_ONLY = EXAMPLES / "scenario-f-us-employees.yaml"
EU = EXAMPLES / "scenario-f-eu-screenshots.yaml"


def _referred(source: Path, target: Path) -> Path:
    answers = yaml.safe_load(source.read_text(encoding="utf-8"))
    answers["signoff"] = {
        "assessor": {"name": "Sanne de Wit", "email": "sanne@example.org"},
        "dpo_advice": {
            "name": "Dana Lind",
            "advice": "do_not_proceed",
            "summary": "The residual risk stays high.",
            "date": "2026-05-01",
        },
        "decision": {
            "name": "Ola Berg",
            "decision": "refer_to_supervisory_authority",
            "date": "2026-05-08",
            "dpo_advice_followed": True,
        },
    }
    target.write_text(yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
    return target


def test_a_referral_where_the_gdpr_does_not_apply_is_refused_with_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = _referred(US_ONLY, tmp_path / "us.yaml")
    line = next(
        number
        for number, text in enumerate(answers.read_text().splitlines(), start=1)
        if "refer_to_supervisory_authority" in text
    )
    assert main(["score", str(answers)]) == 2
    error = capsys.readouterr().err
    assert f"us.yaml:{line}:" in error
    assert "signoff.decision.decision" in error
    assert "the GDPR does not apply to this programme" in error
    assert "Choose one of: Approve; Approve with conditions; Reject" in error
    assert "Traceback" not in error


def test_a_referral_where_the_gdpr_applies_is_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(_referred(EU, tmp_path / "eu.yaml"))]) == 0


def test_the_workflow_offers_a_referral_only_under_the_gdpr() -> None:
    assert "refer_to_supervisory_authority" in decisions_open(True)
    assert decisions_open(False) == ("approve", "conditionally_approve", "reject")
    require_decision_open("refer_to_supervisory_authority", True)
    with pytest.raises(WorkflowError, match="no supervisory authority to consult"):
        require_decision_open("refer_to_supervisory_authority", False)
