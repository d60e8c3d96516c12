"""Documents, signatures, keys and references that once crashed or slipped through.

A decompression-bomb .docx, a zip that is not a document, signature files of garbage or on a
curve nobody supports, a certificate for a hundred thousand years, a NUL in a signer's name, a
questionnaire reference that climbs out of its folder, a plan naming measures that do not exist,
and one bad option that made the checker report a dozen hidden questions.
"""

from __future__ import annotations

import resource
import subprocess
import zipfile
from pathlib import Path

import pytest
from signing_support import PASSPHRASE, make_docx, make_person

from dpia.cli import main

EXAMPLES = Path(__file__).parent.parent / "examples"
SCENARIO_A = (EXAMPLES / "scenario-a-keystroke-content.yaml").read_text(encoding="utf-8")
SCENARIO_B = (EXAMPLES / "scenario-b-timing-only-opt-in.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def own_trust_store(tmp_path, monkeypatch):
    monkeypatch.setenv("DPIA_TRUST_DIR", str(tmp_path / "default-trust"))
    monkeypatch.setenv("DPIA_KEY_PASSPHRASE", PASSPHRASE.decode())


def _refused(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    assert main(list(words)) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    return err


def _bomb(path: Path, megabytes: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(b" " * (1 << 20))
    return path


@pytest.mark.parametrize("command", [["import"], ["archive", "import"]])
def test_a_decompression_bomb_is_refused_within_bounded_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], monkeypatch
) -> None:
    monkeypatch.setenv("DPIA_DATABASE_URL", f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    bomb = _bomb(tmp_path / "bomb.docx", 400)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    output = ["-o", str(tmp_path / "answers.yaml")] if command == ["import"] else []
    err = _refused(capsys, *command, str(bomb), *output)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert f"{bomb}: the part word/document.xml unpacks to 419,430,400 bytes" in err
    assert grown_mib < 100


def test_a_bomb_as_house_style_is_refused(tmp_path: Path, capsys) -> None:
    bomb = _bomb(tmp_path / "style.docx", 40)
    answers = EXAMPLES / "scenario-b-timing-only-opt-in.yaml"
    err = _refused(
        capsys, "render", str(answers), "--house-style", str(bomb), "-o", str(tmp_path / "x.docx")
    )
    assert err.startswith(f"dpia: {bomb}: ")
    assert "the part word/document.xml unpacks to 41,943,040 bytes" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04garbage", "not a Word document (.docx)"),
        (b"", "not a Word document (.docx)"),
        (None, "not a Word document (.docx)"),
    ],
)
def test_a_malformed_docx_is_a_clear_message(tmp_path: Path, capsys, content, message) -> None:
    document = tmp_path / "broken.docx"
    if content is None:
        with zipfile.ZipFile(document, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
    else:
        document.write_bytes(content)
    err = _refused(capsys, "import", str(document), "-o", str(tmp_path / "a.yaml"))
    assert err.startswith(f"dpia: {document}: ") and message in err


def _openssl(*words: str | Path) -> None:
    subprocess.run(["openssl", *map(str, words)], check=True, capture_output=True)


def test_every_signature_gets_a_verdict_whatever_the_others_hold(tmp_path: Path, capsys) -> None:
    document = make_docx(tmp_path / "dpia.docx", "Telemetry for agent training.")
    good = make_person(tmp_path / "ada", "Ada Assessor", "assessor")
    assert main(["sign", str(document), "--key", str(good.key), "--cert", str(good.cert)]) == 0
    key, certificate = tmp_path / "odd.key", tmp_path / "odd.pem"
    _openssl("ecparam", "-name", "secp112r1", "-genkey", "-noout", "-out", key)
    _openssl("req", "-new", "-x509", "-key", key, "-subj", "/CN=Odd/title=dpo", "-out", certificate)
    _openssl("cms", "-sign", "-binary", "-in", document, "-signer", certificate, "-inkey", key,
             "-outform", "DER", "-out", f"{document}.odd-dpo.p7s")  # fmt: skip
    (tmp_path / "dpia.docx.noise-dpo.p7s").write_bytes(bytes(range(256)) * 3)
    (tmp_path / "dpia.docx.short-dpo.p7s").write_bytes(b"0\x82\x00\x05junk")
    (tmp_path / "dpia.docx.empty-dpo.p7s").write_bytes(b"")
    store = tmp_path / "trust"
    assert main(["trust", "add", str(good.cert), "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["verify", str(document), "--trust", str(store)]) == 1
    out = capsys.readouterr().out
    assert "VALID       dpia.docx.ada-assessor-assessor.p7s" in out
    for name in ("odd-dpo", "noise-dpo", "short-dpo", "empty-dpo"):
        assert f"UNREADABLE  dpia.docx.{name}.p7s" in out
    assert "a key type or curve dpia cannot check" in out

    err = _refused(capsys, "trust", "add", str(certificate), "--store", str(store))
    assert f"{certificate}: the certificate's key is of a type or curve dpia cannot check" in err
    err = _refused(capsys, "trust", "add", str(tmp_path / "dpia.docx.noise-dpo.p7s"))
    assert "not an X.509 certificate in PEM or DER form" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--days", "99999999"], "--days must be from 1 to 3,650 (ten years), got 99,999,999"),
        (["--days", "0"], "--days must be from 1 to 3,650"),
        (["--name", "Ada\x00Assessor"], "the signer's name contains the control character U+0000"),
        (["--name", "Ada\x85"], "the signer's name contains the control character U+0085"),
        (["--email", "ada\x01@example.org"], "is not an email address"),
    ],
)
def test_keygen_refuses_what_a_certificate_cannot_carry(tmp_path, capsys, options, message):
    words = {"--name": "Ada Assessor", "--email": "ada@example.org", "--days": "30"}
    words.update(dict(zip(options[::2], options[1::2], strict=True)))
    flat = [part for pair in words.items() for part in pair]
    err = _refused(capsys, "keygen", *flat, "--role", "assessor", "--out", str(tmp_path / "k"))
    assert message in err
    assert not (tmp_path / "k").exists()


def _answers(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("ref", ["../../../etc/passwd@1.0", "../telemetry-for-ai@1.2.0", "/x@1.0"])
def test_a_reference_out_of_the_questionnaire_folder_is_refused_before_reading(
    tmp_path: Path, capsys, ref: str
) -> None:
    path = _answers(tmp_path, SCENARIO_A.replace("telemetry-for-ai@1.2.0", ref, 1))
    for command in ("check-answers", "score"):
        err = _refused(capsys, command, str(path))
        assert err.startswith(f"dpia: {path}:7:16: questionnaire: {ref!r} does not fit"), err


def test_a_bad_reference_names_the_answers_file(tmp_path: Path, capsys) -> None:
    path = _answers(tmp_path, SCENARIO_A.replace("telemetry-for-ai@1.2.0", "nowhere@1.0", 1))
    err = _refused(capsys, "render", str(path), "-o", str(tmp_path / "x.docx"))
    assert err.startswith(f"dpia: {path}:7:16: questionnaire: no questionnaire 'nowhere' in ")


def test_a_plan_naming_unknown_measures_is_refused(tmp_path: Path, capsys) -> None:
    plan = (
        "plan:\n  m21_bystander_protectoin: {owner: HR, due: 2027-01-01}\n"
        '  "bad\\uFFFEid": {owner: HR, due: 2027-01-01}\n'
    )
    path = _answers(tmp_path, SCENARIO_B.replace("plan: {}\n", plan))
    err = _refused(capsys, "check-answers", str(path))
    assert (
        "plan.m21_bystander_protectoin: unknown measure id 'm21_bystander_protectoin' (did you "
        in err
    )
    assert "'bad\\ufffeid' is not a measure id" in err


def test_one_bad_option_is_reported_alone(tmp_path: Path, capsys) -> None:
    path = _answers(
        tmp_path, SCENARIO_A.replace("  captured_data:\n", "  captured_data:\n    - keystrokes\n")
    )
    err = _refused(capsys, "check-answers", str(path))
    assert err.splitlines() == [
        f"{path}:62:5: answers.captured_data: 'keystrokes' is not an option; allowed: "
        + err.split("allowed: ")[1].splitlines()[0]
    ]
