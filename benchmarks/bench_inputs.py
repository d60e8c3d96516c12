"""The largest input of each kind that dpia accepts or must refuse: time and peak memory.

The limits of docs/questionnaire-format.md ("Limits on every input") exist so that no file costs
more than its size suggests. Each row here is an input at its limit, honest or hostile: a 1 MiB
answers file in YAML and in JSON, JSON nested to the depth limit and beyond, a 2,000-character
condition at the nesting limit, a prose template that builds as much as it may, a decompression
bomb and the largest example document for import, and a signature file of garbage for verify.
Each is set beside the library doing the bare parse, where there is one; peak memory is traced
in a separate run (tracemalloc slows the code it watches).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import statistics
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from benchmarks._harness import Baseline, Case, Table, readable
from dpia._conditions import MAX_NESTING, evaluate
from dpia._errors import DPIAError
from dpia._library import answers_questionnaire
from dpia._source import MAX_NESTING_DEPTH, MAX_SOURCE_BYTES, read_source
from dpia.document._embedded import embedded_answers_check
from dpia.document._templates import ProseTemplates
from dpia.signing import verify_signatures

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "examples" / "scenario-a-keystroke-content.yaml"
_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _padded_yaml() -> bytes:
    """The example answers, then comment lines up to just under the size limit."""
    text = ANSWERS.read_bytes()
    line = b"# " + b"x" * 97 + b"\n"
    return text + line * ((MAX_SOURCE_BYTES - len(text)) // len(line))


def _wide_json() -> bytes:
    """A JSON list of small mappings filling the size limit: the most nodes per byte."""
    item = b'{"a":[1,2,"x"]},'
    count = (MAX_SOURCE_BYTES - 2) // len(item)
    return b"[" + item * (count - 1) + item[:-1] + b"]"


def _deep_json(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def _condition() -> str:
    """2,000 characters: operators nested to the limit, then terms joined at one level."""
    deep = "(" + "x" + " + x" * (MAX_NESTING - 12) + " > 0)"
    wide = " or ".join(["'keystroke_content' in y"] * 80)
    return (deep + " and (" + wide + ")")[:2000].rsplit(" or ", 1)[0] + ")"


def _template_root(folder: Path) -> Path:
    sections = folder / "templates" / "sections"
    sections.mkdir(parents=True, exist_ok=True)
    (sections / "largest.md.j2").write_text(
        "{% set a = x * 1000 %}{% for i in y %}{{ a ~ a }}\n{% endfor %}", encoding="utf-8"
    )
    return folder / "templates"


def _bomb() -> bytes:
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(1024):
                part.write(b" " * (1 << 20))
    return written.getvalue()


def _refused(run: Callable[[], object]) -> Callable[[], str]:
    def step() -> str:
        try:
            run()
        except DPIAError:
            return "refused"
        return "accepted"

    return step


def _median(run: Callable[[], object], runs: int) -> tuple[float, object]:
    outcome = run()
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), outcome


def _peak(run: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def _inputs() -> list[tuple[str, str, Callable[[], object], Callable[[], object] | None, int]]:
    import tempfile

    from dpia.document import render_docx
    from dpia.risk import assess

    padded, wide = _padded_yaml(), _wide_json()
    questionnaire = answers_questionnaire(ANSWERS)
    check = embedded_answers_check
    folder = Path(tempfile.mkdtemp(prefix="dpia-bench-inputs-"))
    templates = ProseTemplates(_template_root(folder))
    assessment = read_source(ANSWERS)
    from dpia._assessment import assessment_from_source

    answers = assessment_from_source(assessment, questionnaire).assessment
    report = assess(questionnaire, answers, as_of=dt.date(2026, 6, 1))
    document = render_docx(questionnaire, answers, report)
    bomb = _bomb()
    noise = bytes(range(256)) * 4096
    deep_ok, deep_over = _deep_json(MAX_NESTING_DEPTH - 1), _deep_json(100_000)
    near = {"x": "y" * 90, "y": list(range(10))}
    over = {"x": "y" * 90, "y": list(range(550))}
    return [
        ("answers YAML at the size limit", f"{len(padded):,} B",
         _refused(lambda: read_source(padded, name="a.yaml")),
         lambda: yaml.load(padded, Loader=_YAML), 5),
        ("JSON list at the size limit", f"{len(wide):,} B",
         _refused(lambda: read_source(wide, name="a.json")), lambda: json.loads(wide), 5),
        ("JSON nested to the depth limit", f"depth {MAX_NESTING_DEPTH - 1}",
         _refused(lambda: read_source(deep_ok, name="a.json")), lambda: json.loads(deep_ok), 20),
        ("JSON nested 100,000 deep", f"{len(deep_over):,} B",
         _refused(lambda: read_source(deep_over, name="a.json")), None, 5),
        ("condition at the nesting limit", f"{len(_condition())} chars",
         _refused(lambda: evaluate(_condition(), {"x": 1, "y": []})), None, 20),
        ("template writing 1.8 MB", "output limit 2,000,000 chars",
         _refused(lambda: templates.render("largest", "none", near)), None, 3),
        ("template writing 99 MB", "output limit 2,000,000 chars",
         _refused(lambda: templates.render("largest", "none", over)), None, 3),
        ("import the largest example document", f"{len(document):,} B",
         _refused(lambda: check(document, questionnaire)), None, 5),
        ("import a 1 GiB decompression bomb", f"{len(bomb):,} B zipped",
         _refused(lambda: check(bomb, questionnaire)), None, 5),
        ("verify a 1 MiB signature of garbage", f"{len(noise):,} B",
         lambda: verify_signatures(b"x", {"x.p7s": noise}, trust=None).signatures[0].verdict.value,
         None, 5),
    ]  # fmt: skip


def _rows() -> Iterator[tuple[str, ...]]:
    for name, size, run, baseline, runs in _inputs():
        median, outcome = _median(run, runs)
        peak = _peak(run)
        if baseline is None:
            base = ("—", "—")
        else:
            base_median, _ = _median(baseline, runs)
            base = (readable(base_median), f"{median / base_median:.2f}×")
        yield (name, size, str(outcome), readable(median), f"{peak:.1f} MiB", *base)


def cases() -> list[Case]:
    wide = _wide_json()
    return [
        Case("read the JSON list at the size limit", lambda: read_source(wide, name="a.json"), 5,
             Baseline("json.loads of the same bytes", lambda: json.loads(wide))),
    ]  # fmt: skip


def tables() -> list[Table]:
    return [
        Table(
            "the largest input of each kind",
            ("input", "size", "outcome", "median", "peak memory", "bare parse", "ratio"),
            _rows,
            (
                "peak memory is what Python allocated during one run (tracemalloc), apart from "
                "the input itself",
                "bare parse: json.loads or libyaml on the same bytes, with no checks",
            ),
        )
    ]
