"""The same answers, sign-off record and law date give the same .docx bytes, always.

Signatories sign the document's bytes, possibly days apart from different sessions: one that
edited an answer holds the answers in another key order than one that reloaded the draft, and
two processes hash strings differently. None of that may reach the bytes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import yaml
from document_support import (
    FIXTURES,
    STOP_ANSWERS,
    assessment,
    catalogue,
    planned,
    questionnaire,
    render,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dpia import PlannedMeasure
from dpia.document import read_record

__all__ = ["catalogue", "questionnaire"]

ROOT = Path(__file__).resolve().parent.parent


def _reordered(mapping: dict, order: list[int]) -> dict:
    keys = list(mapping)
    shuffled = [keys[i % len(keys)] for i in order if keys]
    rest = [k for k in keys if k not in shuffled]
    return {k: mapping[k] for k in dict.fromkeys(shuffled + rest)}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(len(STOP_ANSWERS))), rows=st.booleans())
def test_key_order_never_reaches_the_bytes(questionnaire, catalogue, order, rows):
    plan = {
        "opt_in": planned()["opt_in"],
        "no_content": PlannedMeasure(owner="Security", due="2026-10-01"),
    }
    reference = render(questionnaire, catalogue, assessment(STOP_ANSWERS, plan=plan))
    answers = _reordered(STOP_ANSWERS, list(order))
    if rows:
        answers["staff"] = [dict(reversed(list(row.items()))) for row in answers["staff"]]
    shuffled_plan = dict(reversed(list(plan.items())))
    again = render(questionnaire, catalogue, assessment(answers, plan=shuffled_plan))
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(reference).hexdigest()


def test_the_embedded_answers_read_in_the_questionnaires_order(questionnaire, catalogue):
    shuffled = dict(reversed(list(STOP_ANSWERS.items())))
    record = read_record(render(questionnaire, catalogue, assessment(shuffled)))
    assert list(record.answers_file) == ["questionnaire", "assessment", "answers", "plan"]
    order = questionnaire.question_ids()
    keys = list(record.answers_file["answers"])
    assert keys == sorted(keys, key=order.index)


def _render_in_a_process(answers: Path, output: Path, seed: str) -> bytes:
    environment = {**os.environ, "PYTHONHASHSEED": seed, "DPIA_QUESTIONNAIRES": str(FIXTURES)}
    done = subprocess.run(
        [sys.executable, "-m", "dpia", "render", str(answers), "-o", str(output)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return output.read_bytes()


def test_two_processes_give_the_same_bytes(tmp_path):
    mapping = {
        "questionnaire": "mini@1.0",
        "assessment": {
            "title": "Keystroke capture",
            "organisation": "Example Works GmbH",
            "assessor": "Jana Doe",
            "date": "2026-05-04",
        },
        "answers": STOP_ANSWERS,
    }
    first = tmp_path / "first.yaml"
    first.write_text(yaml.safe_dump(mapping, sort_keys=False), encoding="utf-8")
    second = tmp_path / "second.yaml"
    backwards = {**mapping, "answers": dict(reversed(list(STOP_ANSWERS.items())))}
    second.write_text(yaml.safe_dump(dict(reversed(list(backwards.items())))), encoding="utf-8")
    one = _render_in_a_process(first, tmp_path / "one.docx", "1")
    two = _render_in_a_process(second, tmp_path / "two.docx", "4242")
    assert one == two
