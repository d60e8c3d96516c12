"""The document carries its answers: import restores them exactly, and renders are repeatable."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from document_support import (
    CALM_ANSWERS,
    FIXTURES,
    STOP_ANSWERS,
    assessment,
    catalogue,
    planned,
    questionnaire,
    render,
)

from dpia import SourceError, load_answers
from dpia.cli import main
from dpia.document import read_embedded, read_record

__all__ = ["catalogue", "questionnaire"]


def test_same_input_and_date_give_the_same_bytes(questionnaire, catalogue):
    subject = assessment(STOP_ANSWERS, plan=planned())
    first = render(questionnaire, catalogue, subject)
    second = render(questionnaire, catalogue, subject)
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "customXml/item1.xml" in [info.filename for info in infos]


def test_any_change_of_answer_or_version_changes_the_fingerprint(questionnaire, catalogue):
    base = read_record(render(questionnaire, catalogue, assessment(CALM_ANSWERS)))
    changed = read_record(
        render(questionnaire, catalogue, assessment({**CALM_ANSWERS, "headcount": 41}))
    )
    next_version = read_record(
        render(questionnaire, catalogue, assessment(CALM_ANSWERS), version=2)
    )
    assert len({base.fingerprint, changed.fingerprint, next_version.fingerprint}) == 3


def test_read_embedded_gives_back_the_assessment(questionnaire, catalogue):
    subject = assessment(STOP_ANSWERS, plan=planned())
    blob = render(questionnaire, catalogue, subject, version=3, status="in_review")
    assert read_embedded(blob, questionnaire) == subject
    record = read_record(blob)
    assert (record.questionnaire, record.version, record.status) == ("mini@1.0", 3, "in_review")


def test_render_then_import_on_the_command_line_restores_the_answers(
    questionnaire, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(FIXTURES))
    source = tmp_path / "answers.yaml"
    source.write_text(
        yaml.safe_dump(
            assessment(STOP_ANSWERS, plan=planned()).to_file(), allow_unicode=True, sort_keys=False
        ),
        encoding="utf-8",
    )
    out = tmp_path / "dpia.docx"
    assert main(["render", str(source), "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    restored = tmp_path / "restored.yaml"
    assert main(["import", str(out), "-o", str(restored)]) == 0
    assert "answers to mini@1.0, document version 1 (Draft)" in capsys.readouterr().out
    original = load_answers(source, questionnaire).assessment
    assert load_answers(restored, questionnaire).assessment == original
    assert list(yaml.safe_load(restored.read_text())) == [
        "questionnaire",
        "assessment",
        "answers",
        "plan",
    ]


def test_a_document_saved_again_by_a_word_processor_keeps_its_answers(
    questionnaire, catalogue, tmp_path
):
    subject = assessment(CALM_ANSWERS)
    blob = render(questionnaire, catalogue, subject)
    edited = docx.Document(io.BytesIO(blob))
    edited.add_paragraph("A reviewer's note added in the word processor.")
    path = tmp_path / "edited.docx"
    edited.save(str(path))
    assert read_embedded(path.read_bytes(), questionnaire) == subject


def test_a_rendered_dpia_used_as_house_style_carries_one_record(questionnaire, catalogue, tmp_path):
    old = tmp_path / "old.docx"
    old.write_bytes(render(questionnaire, catalogue, assessment(STOP_ANSWERS)))
    subject = assessment(CALM_ANSWERS)
    blob = render(questionnaire, catalogue, subject, house_style=old)
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        items = [n for n in package.namelist() if n.startswith("customXml/item")]
    assert sorted(items) == ["customXml/item1.xml", "customXml/itemProps1.xml"]
    assert read_embedded(blob, questionnaire) == subject


def test_an_edited_record_is_refused(questionnaire, catalogue, tmp_path):
    blob = render(questionnaire, catalogue, assessment(CALM_ANSWERS))
    source = zipfile.ZipFile(io.BytesIO(blob))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "customXml/item1.xml":
                content = content.replace(b'"headcount": 40', b'"headcount": 4')
            target.writestr(name, content)
    with pytest.raises(SourceError, match="changed after the document was produced"):
        read_record(buffer.getvalue())


def test_documents_without_a_record_are_refused(tmp_path, capsys):
    plain = io.BytesIO()
    docx.Document().save(plain)
    with pytest.raises(SourceError, match="carries no dpia answers"):
        read_record(plain.getvalue())
    with pytest.raises(SourceError, match=r"not a Word document \(.docx\)"):
        read_record(b"%PDF-1.7 not a zip")
    target = tmp_path / "x.yaml"
    text_file = shutil.copy(Path(__file__), tmp_path / "notes.docx")
    assert main(["import", str(text_file), "-o", str(target)]) == 2
    assert "not a Word document" in capsys.readouterr().err
    assert not target.exists()


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_the_answers_survive_a_round_trip_through_libreoffice(questionnaire, catalogue, tmp_path):
    subject = assessment(STOP_ANSWERS, plan=planned())
    source = tmp_path / "dpia.docx"
    source.write_bytes(render(questionnaire, catalogue, subject))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path / "saved"),
            str(source),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    saved = (tmp_path / "saved" / "dpia.docx").read_bytes()
    assert saved != source.read_bytes()
    assert read_embedded(saved, questionnaire) == subject
