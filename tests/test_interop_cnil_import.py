"""`dpia import` reads the CNIL PIA tool's exports, every version of them, without losing a word."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from cnil_support import FIXTURES, dumped, fixture, import_bytes, run

from dpia._assessment import assessment_from_source
from dpia._library import questionnaire_for
from dpia._source import read_source

CNIL = questionnaire_for("cnil-pia@1.0.0")


def imported(tmp_path: Path, name: str) -> dict:
    code, answers, _out, err = import_bytes(tmp_path, (FIXTURES / name).read_bytes(), name)
    assert code == 0, err
    return answers


def test_every_part_of_the_method_comes_across(tmp_path: Path) -> None:
    mapping = imported(tmp_path, "pia-2025.json")
    answers = mapping["answers"]
    assert mapping["assessment"]["title"] == "Help-desk reply assistant"
    assert mapping["assessment"]["assessor"] == "Alex Durand"
    assert mapping["assessment"]["date"] == "2024-03-20"
    assert answers["processing_overview"].startswith("The **help-desk assistant** learns")
    assert answers["data_processed"] == (
        "Data processed:\n\n1. pseudonymous agent identifier\n"
        "2. time between keystrokes, *rounded to 10 ms*\n3. ticket category"
    )
    assert answers["responsibilities"] == (
        "- **Controller**: Exemplum SAS\n- **Processor**: a hosting company in Frankfurt"
    )
    assert answers["access_impacts"] == [
        {"entry": "Feeling of being watched"},
        {"entry": "Inference of working pace"},
    ]
    assert (answers["access_severity"], answers["access_likelihood"]) == ("significant", "limited")
    assert answers["access_likelihood_reason"].startswith("It seems difficult")
    assert answers["modification_likelihood"] == "negligible"
    # The evaluator's re-estimate of risk 3.2: x is severity, y is likelihood.
    assert answers["access_corrected_severity"] == "significant"
    assert answers["access_corrected_likelihood"] == "negligible"
    assert answers["access_action_plan"] == "Add break-glass access."
    assert answers["access_action_owner"] == "IT security"
    assert answers["legal_basis_evaluation"] == "improvable"
    assert answers["legal_basis_action_plan"] == "Write the **balancing test**."
    assert answers["information_evaluation"] == "to_correct"
    assert answers["purposes_evaluation"] == "acceptable"
    assert answers["dpo_opinion_status"] == "may_go_ahead"
    assert answers["subjects_opinion_sought"] is True
    assert answers["subjects_names"] == "Staff representatives of the Lyon centre"
    assert (answers["author"], answers["evaluator"], answers["validator"]) == (
        "Alex Durand",
        "Sam Leroy",
        "Dominique Petit",
    )
    assert answers["pia_status"] == "in_progress"
    assert answers["comments"] == [
        {
            "question": "legal_basis",
            "text": "Check with the works council whether the opt-out is enough.",
            "written_at": "2024-03-12T10:00:00.000Z",
        },
        {
            "measure": 31,
            "text": "Key rotation every year.",
            "written_at": "2024-03-12T10:05:00.000Z",
        },
    ]
    access_control = answers["measures"][1]
    assert access_control == {
        "number": 32,
        "title": "Access control",
        "description": "- named accounts\n- quarterly review",
        "knowledge_base_entry": "measures.default_placeholder",
        "evaluation": "improvable",
        "evaluation_comment": "Reviews are not recorded.",
        "action_plan": "Record each review.",
        "action_owner": "IT security",
    }


def test_a_date_picked_in_paris_is_the_day_that_was_picked(tmp_path: Path) -> None:
    """The tool saves 30 April chosen at UTC+2 as 2024-04-29T22:00Z."""
    answers = imported(tmp_path, "pia-2025.json")["answers"]
    assert answers["data_processes_action_due"] == "2024-04-30"
    assert answers["legal_basis_action_due"] == "2024-05-15"


def test_the_imported_file_checks_against_the_questionnaire(tmp_path: Path) -> None:
    imported(tmp_path, "pia-2025.json")
    code, out, err = run("check-answers", str(tmp_path / "answers.yaml"))
    assert code == 0, err
    assert "required questions answered 8/8" in out


def test_2018_file_with_the_old_spellings_gives_the_same_answers_plus_them(tmp_path: Path) -> None:
    old = imported(tmp_path, "pia-2018.json")["answers"]
    new = imported(tmp_path, "pia-2025.json")["answers"]
    assert old["rejection_reason"] == "Incomplete at first reading."
    assert old["applied_adjustments"] == "The data flow was completed."
    assert {
        k: v for k, v in old.items() if k not in ("rejection_reason", "applied_adjustments")
    } == new


def test_byte_order_mark_or_not_makes_no_difference(tmp_path: Path) -> None:
    raw = (FIXTURES / "pia-2025.json").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with_bom = import_bytes(tmp_path, raw)[1]
    without = import_bytes(tmp_path, raw[3:])[1]
    utf16 = import_bytes(tmp_path, b"\xff\xfe" + raw[3:].decode("utf-8").encode("utf-16-le"))[1]
    assert with_bom == without == utf16


def test_text_the_tool_encoded_twice_reads_as_typed(tmp_path: Path) -> None:
    code, answers, _out, err = import_bytes(
        tmp_path, (FIXTURES / "pia-double-encoded.json").read_bytes()
    )
    assert code == 0, err
    assert answers["assessment"]["title"] == "Assistant de réponse du support"
    assert "ce qu’ils tapent" in answers["answers"]["processing_overview"]
    assert "encoded twice" in err


def test_a_genuine_accented_text_is_not_touched(tmp_path: Path) -> None:
    document = fixture()
    document["pia"]["name"] = "Ã© is a mojibake example, and so is € not"
    code, answers, _, err = import_bytes(tmp_path, dumped(document))
    assert code == 0, err
    assert answers["assessment"]["title"] == "Ã© is a mojibake example, and so is € not"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_export_brings_its_attachments(tmp_path: Path) -> None:
    content = _zip(
        {
            "pia-help-desk.json": (FIXTURES / "pia-2025.json").read_bytes(),
            "Pièces jointes/contrat hébergeur.pdf": b"%PDF-1.7 contract",
            "Pièces jointes/../../evil.txt".replace("../../", ""): b"not evil",
            "Doc/pia.doc": b"rendering",
            "Images/risksCartography.png": b"png",
            "pia-help-desk.pdf": b"%PDF rendering",
        }
    )
    code, answers, _out, err = import_bytes(tmp_path, content, "export.zip")
    assert code == 0, err
    rows = answers["answers"]["attachments"]
    assert [row["name"] for row in rows] == ["contrat hébergeur.pdf", "evil.txt"]
    saved = tmp_path / rows[0]["path"]
    assert saved.read_bytes() == b"%PDF-1.7 contract"
    assert rows[0]["path"] == "answers.attachments/contrat hébergeur.pdf"
    assert rows[0]["bytes"] == 17 and len(rows[0]["sha256"]) == 64
    assert "renderings" in err and "Doc/pia.doc" in err
    assert (
        answers["answers"]["measures"] == imported(tmp_path, "pia-2025.json")["answers"]["measures"]
    )


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"pia.json": b"{}", "../outside.txt": b"x"}, "leaves its folder"),
        ({"pia.json": b"{}", "/etc/passwd": b"x"}, "leaves its folder"),
        ({"notes.txt": b"x"}, "holds no PIA export"),
        ({"a.json": None, "b.json": None}, "several PIA exports"),
    ],
)
def test_zip_faults_are_refused(tmp_path: Path, entries: dict, message: str) -> None:
    base = (FIXTURES / "pia-2025.json").read_bytes()
    content = _zip({name: base if data is None else data for name, data in entries.items()})
    code, _, _, err = import_bytes(tmp_path, content, "export.zip")
    assert code == 2
    assert message in err and "Traceback" not in err


def test_a_zip_that_lies_about_its_sizes_is_refused(tmp_path: Path) -> None:
    content = bytearray(_zip({"pia.json": (FIXTURES / "pia-2025.json").read_bytes()}))
    # Shrink the declared size in the central directory: the entry now holds more than it says.
    header = content.rindex(b"PK\x01\x02")
    content[header + 24 : header + 28] = (10).to_bytes(4, "little")
    code, _, _, err = import_bytes(tmp_path, bytes(content), "export.zip")
    assert code == 2 and "Traceback" not in err


def test_a_word_dpia_still_imports_as_before(tmp_path: Path) -> None:
    from dpia.cli import main  # noqa: F401  (the docx path is covered by test_document_roundtrip)
    from dpia.interop import is_pia_file

    docx = _zip({"word/document.xml": b"<w/>", "customXml/item1.xml": b"<x/>"})
    assert not is_pia_file(docx)
    assert is_pia_file((FIXTURES / "pia-2025.json").read_bytes())


def _expect_refusal(tmp_path: Path, document: object, *fragments: str) -> str:
    content = document if isinstance(document, bytes) else dumped(document)  # type: ignore[arg-type]
    code, _, out, err = import_bytes(tmp_path, content)
    assert code == 2, out
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err
    assert not (tmp_path / "answers.yaml").exists()
    return err


@pytest.mark.parametrize(
    ("html", "what"),
    [
        ("<p>ok</p><script>fetch('https://evil.example')</script>", "<script>"),
        ('<p onmouseover="steal()">hover</p>', "onmouseover"),
        ('<img src="https://tracker.example/pixel.gif">', "<img>"),
        ('<a href="javascript:alert(1)">click</a>', "javascript:alert(1)"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe>"),
        ('<p style="background: url(https://evil.example/x.png)">x</p>', "style"),
        ('<svg><circle r="4"/></svg>', "<svg>"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:text/html"),
    ],
)
def test_unsafe_markup_is_refused_naming_the_field(tmp_path: Path, html: str, what: str) -> None:
    document = fixture()
    document["answers"][6]["data"]["text"] = html
    _expect_refusal(tmp_path, document, "answers[6].data.text", what, "refused")


def test_unsafe_markup_in_an_evaluation_is_refused_too(tmp_path: Path) -> None:
    document = fixture()
    document["evaluations"][1]["action_plan_comment"] = "<b onclick='x()'>do it</b>"
    _expect_refusal(tmp_path, document, "evaluations[1].action_plan_comment", "onclick")


def test_huge_html_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    document = fixture()
    document["answers"][0]["data"]["text"] = "<p>" + "word " * 500_000 + "</p>"
    _expect_refusal(tmp_path, document, "answers[0].data.text", "characters of HTML")


def test_text_longer_than_the_question_allows_is_refused(tmp_path: Path) -> None:
    document = fixture()
    document["answers"][0]["data"]["text"] = "<p>" + "x" * 120_000 + "</p>"
    _expect_refusal(tmp_path, document, "answers[0].data.text", "at most 100,000")


def test_deeply_nested_html_is_refused(tmp_path: Path) -> None:
    document = fixture()
    document["answers"][0]["data"]["text"] = "<div>" * 5000 + "x"
    _expect_refusal(tmp_path, document, "answers[0].data.text", "more than 100 deep")


def test_deeply_nested_json_is_refused_without_recursing(tmp_path: Path) -> None:
    content = b'{"pia": {"name": "x"}, "answers": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    _expect_refusal(tmp_path, content, "nested more than 64 deep")


def test_a_control_character_is_refused_with_its_place(tmp_path: Path) -> None:
    document = fixture()
    document["comments"][0]["description"] = "bell \x07 here"
    _expect_refusal(tmp_path, document, "comments[0].description", "U+0007")


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (
            lambda d: d["answers"][22]["data"].update(gauge="high"),
            ("answers[22].data.gauge", "'high'"),
        ),
        (lambda d: d["answers"][22]["data"].update(gauge=7), ("answers[22].data.gauge", "0 to 4")),
        (lambda d: d["evaluations"][0].update(status="3x"), ("evaluations[0].status",)),
        (lambda d: d["evaluations"][7]["gauges"].update(x=[3]), ("evaluations[7].gauges.x",)),
        (lambda d: d.update(answers={"111": "text"}), ("answers:", "expected a list")),
        (lambda d: d.update(measures="none"), ("measures:", "expected a list")),
        (lambda d: d.pop("evaluations"), ("evaluations:", "missing")),
        (lambda d: d.pop("comments"), ("comments:", "missing")),
        (lambda d: d.pop("answers"), ("answers:", "missing")),
        (lambda d: d.pop("pia"), ("no 'pia' field",)),
        (lambda d: d["pia"].update(name=""), ("pia.name", "no name")),
        (lambda d: d["pia"].update(status=9), ("pia.status", "0 to 4")),
        (lambda d: d["pia"].update(dpo_status=True), ("pia.dpo_status", "whole number")),
        (lambda d: d["pia"].update(created_at="yesterday", updated_at=None), ("pia.created_at",)),
        (lambda d: d["answers"][0].update(reference_to=999), ("answers[0].reference_to", "999")),
        (lambda d: d["answers"][0].update(data=["x"]), ("answers[0].data", "expected an object")),
        (lambda d: d["answers"][18]["data"].update(list="a, b"), ("answers[18].data.list",)),
        (
            lambda d: d["evaluations"][0].update(reference_to="9.9"),
            ("evaluations[0].reference_to",),
        ),
        (
            lambda d: d["evaluations"].append(dict(d["evaluations"][0])),
            ("second evaluation of 1.1",),
        ),
        (lambda d: d["measures"].append(dict(d["measures"][0])), ("measure 31 is listed twice",)),
        (lambda d: d["comments"][0].update(reference_to=5), ("comments[0].reference_to",)),
        (lambda d: d["comments"][0].update(for_measure="yes"), ("comments[0].for_measure",)),
        (
            lambda d: d["answers"].append(dict(d["answers"][0], data={"text": "other"})),
            ("answers[36]", "differently"),
        ),
        (
            lambda d: d["evaluations"][1].update(estimated_implementation_date="soon"),
            ("evaluations[1].estimated_implementation_date", "'soon'"),
        ),
    ],
)
def test_wrong_types_and_missing_parts_name_the_field(
    tmp_path: Path, change, fragments: tuple[str, ...]
) -> None:
    document = fixture()
    change(document)
    _expect_refusal(tmp_path, document, *fragments)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "not valid JSON"),
        (b'{"pia": ', "not valid JSON"),
        (b"[1, 2]", "got a JSON list"),
        (b'{"pia": {}, "pia": {}}', "appears twice"),
        (b'{"pia": {"name": NaN}}', "NaN is not a JSON number"),
        (b"\xff\x00\xfe", "not UTF-8"),
    ],
)
def test_files_that_are_not_pia_exports_are_refused(
    tmp_path: Path, content: bytes, fragment: str
) -> None:
    source = tmp_path / "pia.json"
    source.write_bytes(content)
    code, _out, err = run("import", str(source), "-o", str(tmp_path / "a.yaml"))
    assert code == 2
    assert fragment in err or "not a DPIA" in err or "no embedded" in err, err
    assert "Traceback" not in err


def test_server_build_numbers_written_as_text_are_read(tmp_path: Path) -> None:
    document = fixture()
    document["answers"][22]["reference_to"] = "325"
    document["evaluations"][7]["status"] = "2"
    document["measures"][0]["id"] = "31"
    document["pia"].pop("author_name")
    document["pia"]["user_pias"] = [
        {"role": "author", "user": {"firstname": "Alex", "lastname": "Durand"}}
    ]
    code, answers, _, err = import_bytes(tmp_path, dumped(document))
    assert code == 0, err
    assert answers["answers"]["access_severity"] == "significant"
    assert answers["answers"]["author"] == "Alex Durand"


def test_the_organisation_option_names_the_organisation(tmp_path: Path) -> None:
    raw = (FIXTURES / "pia-2025.json").read_bytes()
    code, answers, _, err = import_bytes(tmp_path, raw, "pia.json", "--organisation", "Exemplum")
    assert code == 0 and answers["assessment"]["organisation"] == "Exemplum"
    assert "does not name the organisation" not in err


def test_the_answers_file_loads_like_any_other(tmp_path: Path) -> None:
    imported(tmp_path, "pia-2025.json")
    check = assessment_from_source(read_source(tmp_path / "answers.yaml"), CNIL)
    assert check.warnings == ()
    assert json.dumps(check.assessment.to_file(), default=str)


def test_attachments_with_the_same_name_are_all_kept(tmp_path: Path) -> None:
    content = _zip(
        {
            "pia.json": (FIXTURES / "pia-2025.json").read_bytes(),
            "Attachments/contract.pdf": b"first",
            "Pièces jointes/contract.pdf": b"second",
            "Attachments/CONTRACT.PDF": b"third",
        }
    )
    code, answers, _, err = import_bytes(tmp_path, content, "export.zip")
    assert code == 0, err
    rows = answers["answers"]["attachments"]
    paths = [row["path"] for row in rows]
    assert len(set(p.casefold() for p in paths)) == 3
    assert [(tmp_path / row["path"]).read_bytes() for row in rows] == [
        b"first",
        b"second",
        b"third",
    ]
