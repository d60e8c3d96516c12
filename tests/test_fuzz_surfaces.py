"""Mutated inputs through every surface: accepted, or refused with a clear message, in bounds.

Ten surfaces: answers in YAML and in JSON (check, then score, and now and then render),
questionnaires, conditions, prose templates, Word documents (import), signatures (verify),
certificates (trust), signer identities (keygen) and the text round trip the archive relies on
(what was accepted comes back unchanged from the YAML `dpia import` writes and from the XML
inside the document). See fuzz_support for the bins and the limits.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import zipfile
from functools import lru_cache
from pathlib import Path

import yaml
from fuzz_support import FAULTS, fuzzed, outcome
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from signing_support import PASSPHRASE, make_docx, make_person

from dpia._assessment import assessment_from_source
from dpia._calendar import EARLIEST_DATE, LATEST_DATE
from dpia._conditions import check_condition, evaluate
from dpia._library import answers_questionnaire
from dpia._source import read_source
from dpia._text import document_text_fault
from dpia.document import render_docx
from dpia.document._embedded import (
    EmbeddedRecord,
    _record_xml,
    embedded_answers_check,
)
from dpia.document._templates import ProseTemplates
from dpia.questionnaire import questionnaire_from_source
from dpia.questionnaire._types import MAX_MAGNITUDE
from dpia.risk import assess
from dpia.signing import TrustStore, create_identity, read_certificate, verify_signatures
from dpia.signing._sign import sign_document

ROOT = Path(__file__).parent.parent
ANSWERS = ROOT / "examples" / "scenario-b-timing-only-opt-in.yaml"
ANSWERS_TEXT = ANSWERS.read_text(encoding="utf-8")
MINI = (ROOT / "tests" / "fixtures" / "mini.yaml").read_text(encoding="utf-8")

_HOSTILE = [
    "2026-02-30", "2026-13-01", "25:61", "2026-05-04 25:61:00", "0", "-0", "9999-12-31",
    "1" + "0" * 400, "9" * 5000, "1.0e+400", ".nan", ".inf", "<<: {a: 1}", "&a x", "*a",
    '"\\uFFFE"', '"\\x85"', '"\\u2028"', '"\\x7f"', '"\\0"', '"\\ud800"', "[", "{", "]",
    "!!python/object:os.system x", "!!binary aGk=", "~", "null", "yes", "'", '"',
    "[" * 200 + "]" * 200, "{a: " * 100 + "1" + "}" * 100, "- - - - x", "? x", "|",
]  # fmt: skip
HOSTILE_SCALARS = st.one_of(
    st.sampled_from(_HOSTILE),
    st.text(max_size=40),
    st.integers().map(str),
    st.floats().map(repr),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(str),
)


@lru_cache(maxsize=1)
def _questionnaire():
    return answers_questionnaire(ANSWERS)


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    """The text with a few lines' values replaced, characters cut or inserted."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        kind = draw(st.sampled_from(["value", "cut", "insert", "duplicate"]))
        if kind == "value" and ":" in line:
            key = line.split(":", 1)[0]
            lines[index] = f"{key}: {draw(HOSTILE_SCALARS)}\n"
        elif kind == "cut" and line:
            start = draw(st.integers(0, len(line) - 1))
            lines[index] = line[:start] + line[start + draw(st.integers(1, 5)) :]
        elif kind == "insert":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.text(max_size=6)) + line[at:]
        else:
            lines.insert(index, line)
    return "".join(lines)


def _holds_only_what_the_document_can(value: object) -> None:
    """Whatever was accepted is text the document keeps, a date in range, a bounded number."""
    if isinstance(value, str):
        assert document_text_fault(value) is None, f"accepted {value!r}"
    elif isinstance(value, dt.date):
        assert EARLIEST_DATE <= value <= LATEST_DATE, f"accepted {value}"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        assert abs(value) <= MAX_MAGNITUDE, f"accepted {value!r}"
    elif isinstance(value, dict):
        for key, item in value.items():
            _holds_only_what_the_document_can(key)
            _holds_only_what_the_document_can(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _holds_only_what_the_document_can(item)


def _check_score_render(raw: bytes, name: str, render: bool) -> None:
    questionnaire = _questionnaire()
    check = assessment_from_source(read_source(raw, name=name), questionnaire)
    _holds_only_what_the_document_can(check.assessment.answers)
    _holds_only_what_the_document_can(check.assessment.meta.model_dump())
    _holds_only_what_the_document_can({k: v.model_dump() for k, v in check.assessment.plan.items()})
    report = assess(questionnaire, check.assessment, as_of=dt.date(2026, 6, 1))
    if render:
        render_docx(questionnaire, check.assessment, report)


@fuzzed
@given(text=mutated_text(ANSWERS_TEXT), render=st.integers(0, 19).map(lambda n: n == 0))
def test_fuzzed_answers_yaml(text: str, render: bool) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    verdict = outcome("answers-yaml", lambda: _check_score_render(raw, "answers.yaml", render))
    assert verdict in ("accepted", "refused"), FAULTS[-1]


ANSWERS_JSON = json.dumps(yaml.safe_load(ANSWERS_TEXT), default=str, indent=1)


@fuzzed
@given(text=mutated_text(ANSWERS_JSON), data=st.binary(max_size=8), at=st.integers(0, 10**6))
def test_fuzzed_answers_json(text: str, data: bytes, at: int) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    at %= len(raw)
    raw = raw[:at] + data + raw[at:]
    verdict = outcome("answers-json", lambda: _check_score_render(raw, "answers.json", False))
    assert verdict in ("accepted", "refused"), FAULTS[-1]


@fuzzed
@given(text=mutated_text(MINI))
def test_fuzzed_questionnaires(text: str) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    verdict = outcome(
        "questionnaire", lambda: questionnaire_from_source(read_source(raw, name="q.yaml"))
    )
    assert verdict in ("accepted", "refused"), FAULTS[-1]


TOKENS = st.sampled_from(
    ["x", "y", "1", "0", "'a'", "[1, 2]", "(", ")", "*", "**", "%", "~", "+", "-", "/", "//",
     " and ", " or ", "not ", " in ", " is ", "none", "true", "|length", "|join(x)", "|upper",
     "|attr('a')", ".__class__", "[0]", "x()", "'%999999999s'", "9" * 30, "==", "<", ">"]
)  # fmt: skip


@fuzzed
@given(parts=st.lists(TOKENS, max_size=300), x=HOSTILE_SCALARS)
def test_fuzzed_conditions(parts: list[str], x: str) -> None:
    expression = " ".join(parts) or "x"

    def step() -> None:
        check_condition(expression, ["x", "y"])
        evaluate(expression, {"x": x, "y": [x]})

    verdict = outcome("condition", step)
    assert verdict in ("accepted", "refused"), FAULTS[-1]


TEMPLATE_TOKENS = st.one_of(
    TOKENS,
    st.sampled_from(
        ["{{ ", " }}", "{% if x %}", "{% endif %}", "{% for i in y %}", "{% endfor %}",
         "{% set x = x ~ x %}", "{% set y = y + y %}", "{% macro m() %}{{ m() }}{% endmacro %}",
         "{{ m() }}", "|replace('', x)", "|nosuch", "{% include '../x' %}", "{{ q.a.text }}",
         "{# c #}", "**Bold**", "\n- ", "{% raw %}", "{% endraw %}"]
    ),
)  # fmt: skip


@lru_cache(maxsize=1)
def _template_root(base: str) -> Path:
    root = Path(base) / "templates"
    (root / "sections").mkdir(parents=True, exist_ok=True)
    return root


@fuzzed
@given(parts=st.lists(TEMPLATE_TOKENS, max_size=200), x=st.text(max_size=200))
def test_fuzzed_prose_templates(tmp_path_factory, parts: list[str], x: str) -> None:
    root = _template_root(str(tmp_path_factory.getbasetemp()))
    (root / "sections" / "fuzzed.md.j2").write_text("".join(parts), encoding="utf-8")
    context = {"x": x, "y": [x, x], "q": {"a": {"text": x}}}
    verdict = outcome("template", lambda: ProseTemplates(root).render("fuzzed", "none", context))
    assert verdict in ("accepted", "refused"), FAULTS[-1]


@lru_cache(maxsize=1)
def _rendered() -> bytes:
    questionnaire = _questionnaire()
    check = assessment_from_source(read_source(ANSWERS), questionnaire)
    report = assess(questionnaire, check.assessment, as_of=dt.date(2026, 6, 1))
    return render_docx(questionnaire, check.assessment, report)


@st.composite
def mutated_bytes(draw: st.DrawFn, content: bytes) -> bytes:
    changed = bytearray(content)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(changed) - 1, 0)))
        if kind == "flip" and changed:
            changed[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del changed[at : at + draw(st.integers(1, 64))]
        elif kind == "insert":
            changed[at:at] = draw(st.binary(max_size=16))
        else:
            del changed[at:]
    return bytes(changed)


@st.composite
def mutated_docx(draw: st.DrawFn) -> bytes:
    """Either raw byte damage, or a well-formed zip whose parts are damaged or swapped."""
    original = _rendered()
    if draw(st.booleans()):
        return draw(mutated_bytes(original))
    with zipfile.ZipFile(io.BytesIO(original)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    names = sorted(parts)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(parts) or names))
        action = draw(st.sampled_from(["damage", "drop", "empty"]))
        if action == "damage":
            parts[name] = draw(mutated_bytes(parts.get(name, b"")))
        elif action == "drop":
            parts.pop(name, None)
        else:
            parts[name] = b""
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return written.getvalue()


@fuzzed
@given(document=mutated_docx())
def test_fuzzed_documents(document: bytes) -> None:
    verdict = outcome("import", lambda: embedded_answers_check(document, _questionnaire()))
    assert verdict in ("accepted", "refused"), FAULTS[-1]


@lru_cache(maxsize=1)
def _signed(base: str) -> tuple[bytes, bytes, bytes]:
    folder = Path(base) / "signed"
    person = make_person(folder / "ada", "Ada Assessor", "assessor")
    document = make_docx(folder / "dpia.docx", "Telemetry for agent training.")
    from dpia.signing import FileKeySigner

    signature = sign_document(
        document, FileKeySigner.from_files(person.key, person.cert, PASSPHRASE)
    )
    return document.read_bytes(), signature.read_bytes(), person.cert.read_bytes()


@fuzzed
@given(data=st.data())
def test_fuzzed_signatures(tmp_path_factory, data: st.DataObject) -> None:
    content, signature, _ = _signed(str(tmp_path_factory.getbasetemp()))
    damaged = data.draw(mutated_bytes(signature))

    def step() -> None:
        (report,) = verify_signatures(content, {"doc.x-dpo.p7s": damaged}, trust=None).signatures
        assert report.verdict.value and report.name == "doc.x-dpo.p7s"

    verdict = outcome("verify", step)
    assert verdict in ("accepted", "refused"), FAULTS[-1]


@fuzzed
@given(data=st.data())
def test_fuzzed_certificates(tmp_path_factory, data: st.DataObject) -> None:
    base = str(tmp_path_factory.getbasetemp())
    _, _, certificate = _signed(base)
    damaged = data.draw(mutated_bytes(certificate))
    store = TrustStore(Path(base) / "fuzzed-trust")
    verdict = outcome("trust", lambda: store.add(read_certificate(damaged, "cert.pem")))
    assert verdict in ("accepted", "refused"), FAULTS[-1]


_IDENTITIES = itertools.count()


@fuzzed
@given(
    name=st.text(max_size=40) | HOSTILE_SCALARS,
    email=st.text(max_size=30) | st.emails().map(str),
    days=st.integers(-10, 10**9),
)
def test_fuzzed_identities(tmp_path_factory, name: str, email: str, days: int) -> None:
    folder = Path(tmp_path_factory.getbasetemp()) / "identities" / str(next(_IDENTITIES))
    verdict = outcome(
        "keygen",
        lambda: create_identity(
            folder, name=name, email=email, role="dpo", passphrase=PASSPHRASE, days=days
        ),
    )
    assert verdict in ("accepted", "refused"), FAULTS[-1]


def _round_trip(text: str) -> None:
    """An accepted text answer comes back unchanged from both layers the archive relies on."""
    document = yaml.safe_load(ANSWERS_TEXT)
    document["answers"]["programme_name"] = text
    document["assessment"]["title"] = text or "T"
    check = assessment_from_source(
        read_source(json.dumps(document, default=str).encode(), name="a.json"), _questionnaire()
    )
    mapping = check.assessment.to_file()
    written = yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True, width=100)
    again = assessment_from_source(read_source(written.encode(), name="a.yaml"), _questionnaire())
    assert again.assessment == check.assessment, "changed by the YAML that dpia import writes"
    record = EmbeddedRecord(
        questionnaire=check.assessment.questionnaire,
        questionnaire_title="T",
        version=1,
        status="draft",
        as_of=dt.date(2026, 6, 1),
        answers_file=mapping,
    )
    root = etree.fromstring(_record_xml(record))
    answers = root.findtext("{*}answers")
    assert json.loads(answers) == mapping, "changed by the XML inside the document"


@fuzzed
@given(text=st.text(max_size=60))
def test_fuzzed_text_round_trip(text: str) -> None:
    verdict = outcome("archive", lambda: _round_trip(text))
    assert verdict in ("accepted", "refused"), FAULTS[-1]
