"""What once crashed the command line, fed to the app: every refusal is a plain message.

The answers-file import, the certificate and key uploads on the Review page, and the text and
e-mail fields each get the hostile inputs of the command line's regression tests (an impossible
date, JSON nested a thousand deep, a number of 5,000 digits, a decompression-bomb .docx,
control characters and noncharacters, garbage certificates and keys). The app must name what to
change and never show a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from app_support import MINI_ANSWERS, archive, archive_url, fresh_app, import_answers
from test_app_review import PASSPHRASE, decide, people, record_everything, saved_case
from test_app_risks import risks_page

__all__ = ["archive", "archive_url", "people"]


def _bomb(megabytes: int = 40) -> bytes:
    """A .docx of a few kB whose document part unpacks to `megabytes` MiB, the same bytes on
    every run (fixed member dates), so the byte a refusal names is always the same."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr(_member("[Content_Types].xml"), "<Types/>")
        with docx.open(_member("word/document.xml"), "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(b" " * (1 << 20))
    return packed.getvalue()


def _member(name: str) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    member.compress_type = zipfile.ZIP_DEFLATED
    return member


def _refusals(app) -> list[str]:
    assert not app.exception, [e.message for e in app.exception]
    shown = [e.value for e in app.error]
    assert not [s for s in shown if "Traceback" in s or "went wrong" in s], shown
    return shown


IMPORTS = [
    (
        "impossible date",
        "answers.yaml",
        MINI_ANSWERS.replace(b"2026-05-04", b"2026-02-30"),
        "Line 2, Date of the assessment: '2026-02-30' is not a date: February 2026 has days 1 "
        "to 28",
    ),
    (
        "impossible time",
        "answers.yaml",
        MINI_ANSWERS.replace(b"2026-05-04", b"2026-05-04 25:61:00"),
        "Line 2, Date of the assessment: Expected a date (YYYY-MM-DD) without a time",
    ),
    (
        "deep JSON",
        "answers.json",
        b"[" * 1000 + b"]" * 1000,
        "answers.json:1:65: [0][0][0][0][0][0][0][0]: nested more than 64 levels deep",
    ),
    (
        "deep JSON object",
        "answers.json",
        b'{"a":' * 1000 + b"1" + b"}" * 1000,
        "answers.json:1:321: a.a.a.a.a.a.a.a: nested more than 64 levels deep",
    ),
    (
        "5,000 digits",
        "answers.yaml",
        MINI_ANSWERS.replace(b"2000000000", b"1" + b"0" * 4999),
        "answers.yaml:8:13: answers.turnover: a number of 5,000 digits is over the limit of 30",
    ),
    (
        "decompression-bomb .docx, renamed",  # the field takes .yaml, .yml and .json only
        "answers.yaml",
        _bomb(),
        "answers.yaml:1:15: not UTF-8 text: byte 0xC7 cannot be read (invalid continuation "
        "byte); save the file as UTF-8",
    ),
    (
        "noncharacter",
        "answers.yaml",
        MINI_ANSWERS.replace(b"title: Keystroke pilot", b'title: "Keystroke\\uFFFE pilot"'),
        "Line 2, Title of the assessment: Contains the noncharacter U+FFFE at position 10, which "
        "a Word document cannot hold; remove it",
    ),
    (
        "raw control character",
        "answers.yaml",
        MINI_ANSWERS.replace(b"Keystroke pilot", b"Keystroke\x7f pilot"),
        "answers.yaml:2:30: the control character U+007F is not allowed in YAML; remove it",
    ),
    (
        "next line",
        "answers.yaml",
        MINI_ANSWERS.replace(b"title: Keystroke pilot", b'title: "Keystroke\\N pilot"'),
        "Contains the control character U+0085 (next line, NEL) at position 10, which would not "
        "come back unchanged from the signed document; use an ordinary line break",
    ),
    (
        "merge key",
        "answers.yaml",
        MINI_ANSWERS + b"extra: &x {a: 1}\n",
        "answers.yaml:11:8: extra: YAML anchors and aliases (&name, *name) are not allowed",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [case[1:] for case in IMPORTS],
    ids=[case[0] for case in IMPORTS],
)
def test_a_hostile_answers_file_is_refused_on_the_import_with_what_to_change(
    archive_url, name, content, message
):
    app = fresh_app()
    app.file_uploader(key="import-file").set_value((name, content, "application/x-yaml")).run()
    (refusal,) = _refusals(app)
    assert message in refusal, refusal
    assert "import-open" not in [b.key for b in app.button]  # nothing to open


@pytest.mark.parametrize(
    ("typed", "named", "advice"),
    [
        ("Pilot\x07", "the control character U+0007 at position 6", "remove it"),
        ("Pilot\x00", "the control character U+0000 at position 6", "remove it"),
        ("Pilot\ufffe", "the noncharacter U+FFFE at position 6", "remove it"),
        (
            "Pilot\u2028two",
            "the character U+2028 (line separator) at position 6",
            "use an ordinary line break",
        ),
        (
            "Pilot\x85two",
            "the control character U+0085 (next line, NEL) at position 6",
            "use an ordinary line break",
        ),
    ],
)
def test_a_text_field_names_the_character_it_cannot_keep(archive_url, typed, named, advice):
    app = fresh_app()
    app.selectbox(key="new-questionnaire").select("mini@1.0").run()
    app.button(key="new-start").click().run()
    app.text_input(key="q-meta-title").input(typed).run()
    app.button(key="nav-next").click().run()
    shown = _refusals(app)
    assert [s for s in shown if s.startswith(f"Contains {named}") and s.endswith(f"; {advice}.")]
    assert app.text_input(key="q-meta-title").value == typed  # kept to be corrected


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("ada\x00@example.org", "the control character U+0000 at position 4"),
        ("ada@exa\ufffemple.org", "the noncharacter U+FFFE at position 8"),
        ("ada@example.org\x7f", "the control character U+007F (delete, DEL) at position 16"),
        ("ada\x85@example.org", "the control character U+0085 (next line, NEL) at position 4"),
    ],
)
def test_an_email_field_names_the_character_it_cannot_keep(archive_url, typed, named):
    app = saved_case(import_answers(fresh_app()))
    app.text_input(key="q-so-assessor-email").input(typed)
    app.button(key="so-people-save").click().run()
    assert [s for s in _refusals(app) if s.startswith(f"Assessor, email: contains {named}")]


def test_a_plan_owner_or_note_the_document_cannot_carry_is_refused_at_its_field(archive):
    app = risks_page(import_answers(fresh_app()))
    app.checkbox(key="q-plan-no_content").check().run()
    app.date_input(key="q-plan-no_content-due").set_value(dt.date(2026, 10, 1)).run()
    app.text_input(key="q-plan-no_content-owner").input("Head\x00 of data science").run()
    app.text_input(key="q-plan-no_content-note").input("Phase one\u2028phase two").run()
    refusals = [s for s in _refusals(app) if not s.startswith("**Stop")]
    assert refusals == [
        "Owner: contains the control character U+0000 at position 5, which a Word document "
        "cannot hold; remove it. The plan keeps this measure as it was until the owner is "
        "corrected.",
        "Note: contains the character U+2028 (line separator) at position 10, which would not "
        "come back unchanged from the signed document; use an ordinary line break. The plan "
        "keeps this measure as it was until the note is corrected.",
    ]
    # The page still rates the risks (the planner stays there to correct the field), and
    # nothing the document could not carry reached the saved draft.
    assert app.tabs and "no_content" not in app.session_state["dpia.case"].plan
    saved = archive.draft(app.session_state["dpia.case"].assessment_id).answers
    assert "no_content" not in (saved.get("plan") or {})
    app.text_input(key="q-plan-no_content-owner").input("Head of data science").run()
    app.text_input(key="q-plan-no_content-note").input("Phase one, then phase two").run()
    assert [s for s in _refusals(app) if not s.startswith("**Stop")] == []
    assert app.session_state["dpia.case"].plan["no_content"]["owner"] == "Head of data science"


GARBAGE = [
    (
        "a PEM armour around nothing",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ),
    ("random bytes", bytes(range(256)) * 2),
    ("an empty file", b""),
    ("a decompression bomb", _bomb(4)),
]


@pytest.mark.parametrize("content", [g[1] for g in GARBAGE], ids=[g[0] for g in GARBAGE])
def test_a_garbage_certificate_for_a_signatory_is_refused_plainly(archive_url, content):
    app = saved_case(import_answers(fresh_app()))
    app.file_uploader(key="so-sig-cert").set_value(("cert.pem", content, "text/plain")).run()
    assert _refusals(app) == [
        "the uploaded certificate: not an X.509 certificate in PEM or DER form; give the cert.pem "
        "that dpia keygen wrote, or the certificate your organisation issued to the signer"
    ]
    assert "so-sig-add" not in [b.key for b in app.button]


@pytest.mark.slow
def test_a_garbage_key_or_certificate_for_signing_is_refused_plainly(archive_url, people):
    app = decide(record_everything(saved_case(import_answers(fresh_app())), people))
    dpo = people["dpo"]
    key, certificate = dpo.key_path.read_bytes(), dpo.certificate_path.read_bytes()
    not_a_key = (
        "The uploaded key: not a PEM private key; give the key.pem that dpia keygen wrote, "
        "which starts with -----BEGIN ENCRYPTED PRIVATE KEY-----."
    )
    for given_key, given_certificate, refusal in [
        (GARBAGE[0][1], certificate, not_a_key),
        (GARBAGE[1][1], certificate, not_a_key),
        (certificate, certificate, not_a_key),
        (
            key,
            GARBAGE[3][1],
            "The uploaded certificate: not an X.509 certificate in PEM or DER form; give the "
            "cert.pem that dpia keygen wrote, or the certificate your organisation issued to "
            "the signer.",
        ),
        (key, key, "The uploaded certificate: this is a private key, not a certificate."),
    ]:
        app.selectbox(key="sign-as").select(dpo.fingerprint).run()
        app.file_uploader(key="sign-key").set_value(("key.pem", given_key, "text/plain"))
        app.file_uploader(key="sign-cert").set_value(("cert.pem", given_certificate, "text/plain"))
        app.text_input(key="sign-passphrase").input(PASSPHRASE.decode())
        app.button(key="sign-go").click().run()
        assert _refusals(app) == [refusal]
        assert not [s.value for s in app.success if s.value.startswith("Signed")]
    app.selectbox(key="sign-as").select(dpo.fingerprint).run()
    app.radio(key="sign-source").set_value("server").run()
    app.text_input(key="sign-key-path").input("key\x00.pem")
    app.text_input(key="sign-cert-path").input(str(dpo.certificate_path))
    app.text_input(key="sign-passphrase").input(PASSPHRASE.decode())
    app.button(key="sign-go").click().run()
    assert _refusals(app) == ["The path of the key contains a NUL character (U+0000); remove it."]
