"""One vocabulary: a code reads the same in the app, the Word document and the terminal."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from app_support import archive_url, fresh_app, import_answers
from document_support import (
    CALM_ANSWERS,
    all_text,
    assessment,
    catalogue,
    open_docx,
    questionnaire,
    render,
)

from dpia import _vocabulary as vocabulary
from dpia._signoff import DpoAdvice, Person, SignOff

__all__ = ["archive_url", "catalogue", "questionnaire"]

ROOT = Path(__file__).resolve().parent.parent
_TABLES = {
    name: table
    for name, table in vars(vocabulary).items()
    if name.isupper() and isinstance(table, dict)
}


def _word_tables(source: Path) -> list[tuple[int, str]]:
    """Dict literals that give words for codes of a vocabulary table: a second vocabulary."""
    found = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Dict) or len(node.keys) < 2:
            continue
        keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
        values = [v.value for v in node.values if isinstance(v, ast.Constant)]
        if len(keys) != len(node.keys) or len(values) != len(node.values):
            continue
        wordy = all(isinstance(v, str) and (" " in v or v[:1].isupper()) for v in values)
        for name, table in _TABLES.items():
            if wordy and set(keys) <= set(table) and len(set(keys)) >= 2:
                found.append((node.lineno, name))
    return found


def test_the_app_and_the_cli_keep_no_words_of_their_own_for_codes():
    shells = [*ROOT.glob("dpia/app/**/*.py"), *ROOT.glob("dpia/cli/**/*.py")]
    duplicates = {
        f"{path.relative_to(ROOT)}:{line}": table
        for path in shells
        for line, table in _word_tables(path)
    }
    assert duplicates == {}, "use dpia._vocabulary instead of a local table of words"


def test_the_dpo_advice_reads_the_same_in_the_app_and_in_the_document(
    archive_url, questionnaire, catalogue
):
    app = import_answers(fresh_app())
    app.switch_page("dpia/app/pages/wizard.py").run()
    app.button(key="nav-next").click().run()
    app = app.switch_page("dpia/app/pages/review.py").run()
    radio = app.radio(key="q-so-dpo-advice")
    assert list(radio.options) == list(vocabulary.ADVICE.values())

    signoff = SignOff(
        assessor=Person(name="Ada Assessor", email="ada@example.org"),
        dpo_advice=DpoAdvice(
            name="Dora Dpo",
            advice="approve_with_conditions",
            summary="Only with masking.",
            conditions=("Mask typed content",),
            date=dt.date(2026, 5, 6),
        ),
    )
    made = assessment(CALM_ANSWERS)
    made = made.model_copy(update={"signoff": signoff})
    text = all_text(open_docx(render(questionnaire, catalogue, made)))
    assert vocabulary.ADVICE["approve_with_conditions"] in text


def test_a_sign_off_message_names_advice_and_decision_in_their_own_words():
    from dpia.app._signoff_messages import plain_signoff_text

    text = plain_signoff_text("the DPO's advice 'approve' and the decision 'approve' differ")
    advice, decision = vocabulary.ADVICE["approve"], vocabulary.DECISION["approve"]
    assert text == f"the DPO's advice “{advice}” and the decision “{decision}” differ"
