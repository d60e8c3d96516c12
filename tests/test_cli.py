"""What the command line says when the files a user names cannot be used."""

from __future__ import annotations

from pathlib import Path

from dpia.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "scenario-b-timing-only-opt-in.yaml"


def test_render_creates_the_output_folder(tmp_path, capsys):
    output = tmp_path / "not" / "yet" / "there.docx"
    assert main(["render", str(EXAMPLE), "-o", str(output)]) == 0
    assert output.read_bytes().startswith(b"PK")


def test_an_unwritable_output_is_a_clear_error_not_a_traceback(capsys):
    assert main(["render", str(EXAMPLE), "-o", "/proc/dpia-cannot-write-here.docx"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dpia: /proc/dpia-cannot-write-here.docx: ")
    assert "Traceback" not in err


def test_a_missing_answers_file_is_named(capsys):
    assert main(["score", "/nonexistent/answers.yaml"]) == 2
    assert "/nonexistent/answers.yaml: cannot read" in capsys.readouterr().err


def test_score_names_which_means_of_demonstrating_compliance_are_missing(capsys):
    """Scenario F (US staff) logs access and deletes automatically but has not documented the
    limits of what the data show: the missing item says which is which, and, with the GDPR
    not applying, starts with no empty citation."""
    us_staff = EXAMPLE.with_name("scenario-f-us-employees.yaml")
    assert main(["score", str(us_staff)]) == 0
    missing = capsys.readouterr().out.split("Still missing from the DPIA", 1)[1]
    assert (
        "audited access logs (in place: Yes), documented automatic deletion (in place: Yes) and "
        "documented limits of what the data show (in place: No)"
    ) in " ".join(missing.split())
    assert "- :" not in missing


def test_score_says_the_gdpr_does_not_apply_before_its_dpia_verdict(capsys):
    """Staff only in the US: the document says the GDPR does not apply and gives the DPIA
    verdict only as what its criteria would say; the score text says the same."""
    assert main(["score", str(EXAMPLE.with_name("scenario-f-us-employees.yaml"))]) == 0
    out = capsys.readouterr().out
    assert "DPIA:                the GDPR does not apply (by its criteria: required)" in out
    assert "Prior consultation:  does not arise (the GDPR does not apply)" in out
