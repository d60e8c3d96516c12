"""The sign-off record in an answers file: what a DPO writes, and what they are told when wrong."""

from __future__ import annotations

from pathlib import Path
from string import Template

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dpia import AnswersError
from dpia._assessment import assessment_from_source
from dpia._source import read_source
from dpia.questionnaire import load_questionnaire
from dpia.signing import SignOff, normalise_fingerprint

FIXTURES = Path(__file__).parent / "fixtures"
FINGERPRINT = ":".join(["AB"] * 32)

ANSWERS = """\
questionnaire: mini@1.0
assessment: {title: Agent training telemetry, organisation: Example GmbH, assessor: Ada,
             date: 2026-05-04}
answers: {countries: [de]}
signoff:
  assessor: {name: Ada Assessor, email: ada@example.org}
  dpo_advice:
    name: Dora Dpo
    advice: approve_with_conditions
    summary: Proceed only with content masking and a 30-day retention.
    conditions: [Mask typed content before storage, Delete raw events after 30 days]
    date: 2026-05-10
  decision:
    name: Eve Executive
    position: Chief Operating Officer
    decision: $decision
    conditions: [Masking in place before roll-out]
    date: 2026-05-12
    dpo_advice_followed: $followed
$reasons
  workers_representatives:
    body: Works council, Berlin site
    opinion: Agrees if no individual performance use is made.
    date: 2026-05-08
    response: Written into the works agreement, section 4.
  signatories:
    - {name: Ada Assessor, email: ada@example.org, role: assessor,
       certificate_sha256: "$fingerprint"}
    - {name: Eve Executive, email: eve@example.org, role: decision_maker,
       certificate_sha256: "$other"}
"""


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire(FIXTURES / "mini.yaml")


def _answers(**changes: str) -> bytes:
    values = {
        "decision": "conditionally_approve",
        "followed": "true",
        "reasons": "",
        "fingerprint": FINGERPRINT.lower(),
        "other": "CD" * 32,
    }
    values.update(changes)
    return Template(ANSWERS).substitute(values).encode()


def _load(questionnaire, text: bytes):
    return assessment_from_source(read_source(text, "answers.yaml"), questionnaire).assessment


def test_signoff_loads_and_survives_a_round_trip(questionnaire):
    assessment = _load(questionnaire, _answers())

    signoff = assessment.signoff
    assert signoff is not None and signoff.decision is not None
    assert signoff.decision.decision == "conditionally_approve"
    assert signoff.signatories[0].certificate_sha256 == FINGERPRINT
    assert signoff.signatories[1].certificate_sha256 == ":".join(["CD"] * 32)
    again = _load(questionnaire, yaml.safe_dump(assessment.to_file()).encode())
    assert again == assessment


def test_answers_without_signoff_round_trip_unchanged(questionnaire):
    text = (
        b"questionnaire: mini@1.0\n"
        b"assessment: {title: T, organisation: O, assessor: A, date: 2026-05-04}\n"
    )
    assessment = _load(questionnaire, text)
    assert assessment.signoff is None
    assert "signoff" not in assessment.to_file()


def test_overruled_dpo_needs_reasons_with_the_line(questionnaire):
    with pytest.raises(AnswersError) as caught:
        _load(questionnaire, _answers(decision="approve", followed="false"))
    (problem,) = caught.value.problems
    assert problem.file == "answers.yaml"
    assert problem.line == 14
    assert problem.path == "signoff.decision"
    assert "reasons_for_overruling must say why" in problem.message


def test_overruled_with_reasons_is_accepted(questionnaire):
    reasons = "    reasons_for_overruling: The masking pilot showed no residual content."
    assessment = _load(
        questionnaire, _answers(decision="approve", followed="false", reasons=reasons)
    )
    assert assessment.signoff.decision.reasons_for_overruling.startswith("The masking")


def test_decision_more_permissive_than_advice_cannot_claim_to_follow_it(questionnaire):
    with pytest.raises(AnswersError, match="more permissive than the DPO's advice"):
        _load(questionnaire, _answers(decision="approve"))


def test_unknown_decision_lists_the_allowed_values(questionnaire):
    with pytest.raises(AnswersError) as caught:
        _load(questionnaire, _answers(decision="go_ahead"))
    message = str(caught.value)
    assert "answers.yaml:16" in message
    assert "'refer_to_supervisory_authority'" in message


def test_same_certificate_for_two_signatories_is_refused(questionnaire):
    with pytest.raises(AnswersError, match="same certificate fingerprint"):
        _load(questionnaire, _answers(other=FINGERPRINT))


def test_bad_fingerprint_says_how_to_get_one(questionnaire):
    with pytest.raises(AnswersError, match=r"openssl x509 -in cert\.pem -noout -fingerprint"):
        _load(questionnaire, _answers(fingerprint="not-a-fingerprint"))


def test_decision_needs_dpo_advice_first():
    with pytest.raises(ValueError, match="record dpo_advice first"):
        SignOff.model_validate(
            {
                "assessor": {"name": "Ada", "email": "ada@example.org"},
                "decision": {
                    "name": "Eve",
                    "decision": "reject",
                    "date": "2026-05-12",
                    "dpo_advice_followed": True,
                },
            }
        )


@settings(deadline=None)
@given(st.binary(min_size=32, max_size=32), st.booleans(), st.booleans())
def test_any_spelling_of_a_fingerprint_normalises_to_openssl_form(digest, colons, upper):
    text = digest.hex(":") if colons else digest.hex()
    text = text.upper() if upper else text
    assert normalise_fingerprint(text) == digest.hex(":").upper()
    assert normalise_fingerprint(f"sha256 Fingerprint={text}") == digest.hex(":").upper()


@settings(deadline=None)
@given(st.text(max_size=100))
def test_anything_else_is_not_a_fingerprint(text):
    compact = text.strip().upper().replace(":", "").replace(" ", "")
    if len(compact) == 64 and all(c in "0123456789ABCDEF" for c in compact):
        return
    with pytest.raises(ValueError, match="not a SHA-256 certificate fingerprint"):
        normalise_fingerprint(text)
