"""The Word DPIA: rendering beside python-docx writing a document of the same size.

The baseline writes a bare document with the same paragraphs and table cells (same texts, no
styles, no fields, no picture): what python-docx costs before any of our work. It runs in this
process for the render figures and as a script of its own beside `dpia render` as a process,
where start-up, reading the questionnaire and the catalogue count as well. Peak memory of one
render is measured with tracemalloc (Python's own allocations, not lxml's C heap: a lower
bound). The risk map is timed alone too. The in-process renders draw it (an empty cache folder
each run); a second render of the same report reuses the map this process drew, and a process
with a warm cache folder reuses the one an earlier process kept there.

The scaling table renders the largest example with its processors table grown to 1, 100 and
1,000 rows, from a copy of the questionnaire that allows 1,000 rows (the format's upper limit).
"""

from __future__ import annotations

import atexit
import io
import json
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import yaml
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from benchmarks._cache_dirs import cache_environment, empty_cache, in_cache, warm_cache
from benchmarks._harness import Baseline, Case, Table, Target, measure, readable
from dpia import load_answers, load_questionnaire
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia.document import render_docx
from dpia.document._pdf import export_pdf, soffice_path
from dpia.document._risk_map import MapPoint, _drawn, _kept
from dpia.risk import assess, catalogue_for

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
_SCRIPT = Path(sys.executable).with_name("dpia")
DPIA = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "dpia"]
TARGET = Target(
    ratio=2,
    source="render: within about twice bare python-docx, the standing target of this bench "
    "(issue 18 sets no ratio of its own for render; its point 2 removes the 0.6 s of compiling)",
)
ROW_COUNTS = (1, 100, 1000)

Shape = tuple[list[str], list[list[list[str]]]]

# The baseline as a script of its own: python-docx writing the shape given as JSON.
_BARE_SCRIPT = """
import io, json, sys
import docx
paragraphs, tables = json.load(open(sys.argv[1], encoding="utf-8"))
document = docx.Document()
for text in paragraphs:
    document.add_paragraph(text)
for rows in tables:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, texts in zip(table.rows, rows):
        for cell, text in zip(row.cells, texts):
            cell.text = text
document.save(sys.argv[2])
"""


def _scratch() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="dpia-bench-document-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


def _largest_example() -> Path:
    return max(EXAMPLES, key=lambda path: path.stat().st_size)


def _shape(blob: bytes) -> Shape:
    """Body paragraph texts, and each table as rows of cell texts."""
    paragraphs: list[str] = []
    tables: list[list[list[str]]] = []
    for block in docx.Document(io.BytesIO(blob)).iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs.append(block.text)
        elif isinstance(block, DocxTable):
            tables.append([[cell.text for cell in row.cells] for row in block.rows])
    return paragraphs, tables


def _bare(shape: Shape) -> Callable[[], bytes]:
    paragraphs, tables = shape

    def write() -> bytes:
        document = docx.Document()
        for text in paragraphs:
            document.add_paragraph(text)
        for rows in tables:
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for row, texts in zip(table.rows, rows, strict=True):
                for cell, text in zip(row.cells, texts, strict=True):
                    cell.text = text
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    return write


def _describe(shape: Shape) -> str:
    paragraphs, tables = shape
    cells = sum(len(row) for rows in tables for row in rows)
    return f"python-docx bare: {len(paragraphs)} paragraphs, {cells} cells"


def _peak_mib(run: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _as_processes(path: Path, shape: Shape) -> list[Case]:
    """`dpia render` as a user runs it, beside the bare script writing the same shape: without
    a cache (an empty `DPIA_CACHE_DIR` each run), and with everything kept compiled by an
    earlier run, as every run after the first."""
    scratch = _scratch()
    script = scratch / "bare.py"
    script.write_text(_BARE_SCRIPT, encoding="utf-8")
    shape_file = scratch / "shape.json"
    shape_file.write_text(json.dumps(shape), encoding="utf-8")
    warm = warm_cache()

    def render(cache: Callable[[], Path]) -> Callable[[], None]:
        def run() -> None:
            command = [*DPIA, "render", str(path), "-o", str(scratch / "dpia.docx")]
            subprocess.run(
                command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT,
                env=cache_environment(cache()),
            )  # fmt: skip

        return run

    def bare() -> None:
        command = [sys.executable, str(script), str(shape_file), str(scratch / "bare.docx")]
        subprocess.run(command, check=True, cwd=ROOT)

    baseline = Baseline(f"{_describe(shape)} (process)", bare)
    return [
        Case(f"dpia render {path.name} (process, without cache)", render(empty_cache), 7,
             baseline, TARGET),
        Case(f"dpia render {path.name} (process, warm cache)", render(lambda: warm), 7,
             baseline, TARGET),
    ]  # fmt: skip


def cases() -> list[Case]:
    path = _largest_example()
    questionnaire = questionnaire_for(questionnaire_ref_of(path))
    subject = load_answers(path, questionnaire).assessment
    report = assess(questionnaire, subject, as_of=subject.meta.date)

    def render() -> bytes:
        return render_docx(questionnaire, subject, report)

    def render_drawing() -> bytes:
        _kept.cache_clear()
        return render()

    render_cold = in_cache(empty_cache, render_drawing)

    def assess_and_render_drawing() -> bytes:
        _kept.cache_clear()
        fresh = assess(questionnaire, subject, as_of=subject.meta.date)
        return render_docx(questionnaire, subject, fresh)

    assess_and_render = in_cache(empty_cache, assess_and_render_drawing)
    blob = render()
    shape = _shape(blob)
    bare = Baseline(_describe(shape), _bare(shape))
    peak = _peak_mib(render_cold)
    found = [
        Case(f"render {path.name} ({len(blob):,} bytes, peak {peak:.0f} MiB)", render_cold, 15,
             bare, TARGET),
        Case(f"render {path.name} again (risk map kept)", render, 15, bare, TARGET),
        Case(f"assess and render {path.name}", assess_and_render, 10),
        *_as_processes(path, shape),
    ]  # fmt: skip
    points = [
        MapPoint(
            f"R{number}",
            (risk.inherent.likelihood, risk.inherent.severity),
            (risk.residual.likelihood, risk.residual.severity),
        )
        for number, risk in enumerate(report.risks, start=1)
    ]
    fills = {"low": "DCEFE0", "medium": "FFF1C7", "high": "F9D6D5"}
    found.append(
        Case(
            f"risk map PNG alone ({len(points)} risks)",
            lambda: _drawn(tuple(points), tuple(sorted(fills.items()))),
            15,
        )
    )
    if soffice_path():
        found.append(Case(f"PDF/A of {path.name} via LibreOffice", lambda: export_pdf(blob), 3))
    return found


def _with_rows(path: Path, count: int, scratch: Path) -> Path:
    """The example with `count` processors, answering a questionnaire that allows them."""
    answers = yaml.safe_load(path.read_text(encoding="utf-8"))
    answers["answers"]["processors_used"] = True
    answers["answers"]["processors"] = [
        {
            "name": f"Processor {n} GmbH",
            "service": ("capture_software", "hosting", "annotation", "analytics")[n % 4],
            "location": ("Germany", "Ireland", "Luxembourg", "India")[n % 4],
            "sub_processor": n % 3 == 0,
        }
        for n in range(1, count + 1)
    ]
    written = scratch / f"{path.stem}-{count}-rows.yaml"
    written.write_text(yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
    return written


def _roomy_questionnaire(scratch: Path) -> Path:
    """A copy of the questionnaire whose processors table takes up to 1,000 rows."""
    source = (ROOT / "questionnaires" / "telemetry-for-ai.yaml").read_text(encoding="utf-8")
    marker = "      - id: processors\n        type: table\n"
    if marker not in source:
        raise SystemExit("benchmarks: the processors table moved; update bench_document.py")
    roomy = source.replace(marker, f"{marker}        max_rows: 1000\n", 1)
    written = scratch / "telemetry-for-ai.yaml"
    written.write_text(roomy, encoding="utf-8")
    return written


def _row_scaling() -> Iterator[tuple[str, ...]]:
    scratch = _scratch()
    path = _largest_example()
    questionnaire = load_questionnaire(_roomy_questionnaire(scratch))
    catalogue = catalogue_for(questionnaire_for(questionnaire_ref_of(path)))
    for count in ROW_COUNTS:
        subject = load_answers(_with_rows(path, count, scratch), questionnaire).assessment
        report = assess(questionnaire, subject, as_of=subject.meta.date, catalogue=catalogue)

        def render(subject=subject, report=report) -> bytes:
            return render_docx(questionnaire, subject, report)

        blob = render()
        shape = _shape(blob)
        runs = 5 if count < 1000 else 3
        result = measure(
            Case(f"{count} rows", render, runs, Baseline(_describe(shape), _bare(shape)))
        )
        assert result.baseline_timing is not None and result.ratio is not None
        yield (
            f"{count:,}",
            f"{len(blob):,}",
            readable(result.timing.median),
            readable(result.baseline_timing.median),
            f"{result.ratio:.2f}×",
        )


def tables() -> list[Table]:
    return [
        Table(
            "render with the processors table at 1, 100 and 1,000 rows",
            ("rows", "bytes", "render", "python-docx bare", "ratio"),
            _row_scaling,
            ("render: with the risk map kept from the first render; bare: same texts unstyled",),
        )
    ]
