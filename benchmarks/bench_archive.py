"""The archive on SQLite, each operation beside the same work done raw on the same database.

- adding a version, beside inserting the same rows (document blob, version, audit event,
  checkpoint, listing row) with `sqlite3` in one transaction, with the archive's own pragmas;
  what the raw side leaves out is dpia's own work: the checks against the latest checkpoint,
  the records and hashes, the signature and the copy of the checkpoint outside the database;
- listing 10,000 assessments, beside the raw SELECT of the columns the list shows;
- verifying a chain of 100,000 versions, beside reading the same rows raw (versions and audit
  events) and doing the hashing verify must do on each: answers, report and record of a
  version and its chain link, the record of an audit event and its link; and beside sha256
  over as many bytes in as many pieces (the hashing alone).

The scaling table verifies chains of 1,000 to 1,000,000 versions. Memory is the peak of
Python's allocations (tracemalloc) while a process of its own verifies.
The 1,000,000 row takes several minutes to build and verify, so it runs only with
BENCH_MILLION=1 in the environment.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator

from benchmarks._archives import QUESTIONNAIRE, REPORT, answers, bulk_archive, scratch_archive
from benchmarks._harness import Baseline, Case, Table, Target, measure, readable
from dpia.archive import Archive

ISSUE = "issue 18, point 3: list 10,000 assessments ≤ 50 ms; verify within 2× of reading and "
ISSUE += "hashing the same rows raw, ≤ 10 s for 1M versions, memory flat"
VERIFY_TARGET = Target(ratio=2, source=ISSUE)
SIZES = (1_000, 10_000, 100_000, 1_000_000)
MILLION = os.environ.get("BENCH_MILLION", "") not in ("", "0")

_PRAGMAS = ("PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL")
_VERSION_COLUMNS = (
    "assessment_id, number, questionnaire, questionnaire_sha256, answers_json, report_json, "
    "document_sha256, author, created_at, review_due, record_json, content_sha256, "
    "prev_chain_hash, chain_hash"
)
_EVENT_COLUMNS = (
    "at, actor, action, assessment_id, version_number, subject_sha256, record_json, "
    "prev_chain_hash, chain_hash"
)


def _sqlite_file(archive: Archive) -> str:
    database = archive.engine.url.database
    assert database, "the benchmarks run on an SQLite file"
    return database


def _raw(archive: Archive, database: str | None = None) -> sqlite3.Connection:
    connection = sqlite3.connect(database or _sqlite_file(archive), isolation_level=None)
    for pragma in _PRAGMAS:
        connection.execute(pragma)
    return connection


def _copy(archive: Archive) -> str:
    """A copy of the archive's database file beside it, for raw writes that would otherwise
    look, to the archive, like rows added behind its back."""
    copy = f"{_sqlite_file(archive)}.raw"
    source = sqlite3.connect(_sqlite_file(archive))
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    return copy


def _adding() -> Case:
    archive = scratch_archive()
    first = archive.add_version(answers(None, 0), REPORT, QUESTIONNAIRE, actor="bench")
    counter = iter(range(1, 10**9))
    document = b"PK" + bytes(50_000)

    def add_a_version() -> None:
        archive.add_version(
            answers(first.assessment_id, next(counter)),
            REPORT,
            QUESTIONNAIRE,
            actor="bench",
            document=document,
        )

    raw = _raw(archive, _copy(archive))
    raw.execute("PRAGMA foreign_keys = ON")
    (assessment,) = raw.execute("SELECT * FROM assessments").fetchall()
    raw.execute("INSERT INTO assessments VALUES ('RAW', ?, ?, ?, ?)", assessment[1:])
    (version,) = raw.execute(f"SELECT {_VERSION_COLUMNS} FROM versions").fetchall()
    (event,) = raw.execute(
        f"SELECT {_EVENT_COLUMNS} FROM audit_events WHERE action = 'version.added'"
    ).fetchall()
    (checkpoint,) = raw.execute("SELECT body_json, signature FROM checkpoints").fetchall()
    (listed,) = raw.execute("SELECT * FROM assessment_listing").fetchall()
    raw.execute("INSERT INTO assessment_listing VALUES ('RAW', ?, ?, ?, ?, ?, ?, ?, ?)", listed[1:])
    numbers = iter(range(1, 10**9))

    def insert_the_same_rows() -> None:
        """The rows an added version writes, for an assessment of their own (`RAW`)."""
        number, sha = next(numbers), os.urandom(32).hex()
        text = json.dumps(answers("RAW", number), sort_keys=True)
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO blobs (sha256, size, content) VALUES (?, ?, ?)",
                    (sha, len(document), document))  # fmt: skip
        raw.execute(
            f"INSERT INTO versions ({_VERSION_COLUMNS}) VALUES ({', '.join('?' * 14)})",
            ("RAW", number, *version[2:4], text, version[5], sha, *version[7:13], sha),
        )
        raw.execute(
            f"INSERT INTO audit_events ({_EVENT_COLUMNS}) VALUES ({', '.join('?' * 9)})",
            (*event[:3], "RAW", number, sha, event[6], event[7], sha),
        )
        raw.execute(
            "INSERT INTO checkpoints (sequence, body_json, signature) VALUES (?, ?, ?)",
            (10**9 + number, *checkpoint),
        )
        raw.execute(
            "UPDATE assessment_listing SET latest_version = ? WHERE assessment_id = 'RAW'",
            (number,),
        )
        raw.execute("COMMIT")

    baseline = Baseline("sqlite3: INSERT the same rows in one transaction", insert_the_same_rows)
    return Case("add a version with a 50 kB document", add_a_version, 50, baseline)


_LISTED = (
    "SELECT assessment_id, title, organisation, latest_version, status, review_due, "
    "created_at, created_by, updated_at FROM assessment_listing ORDER BY created_at, assessment_id"
)
LIST_SIZES = (1_000, 10_000, 100_000)


def _list_and_select(archive: Archive, count: int) -> tuple[Callable[[], None], Callable[[], None]]:
    raw = _raw(archive)

    def list_them() -> None:
        assert len(archive.assessments()) == count

    def select_them() -> None:
        assert len(raw.execute(_LISTED).fetchall()) == count

    return list_them, select_them


def _listing() -> Case:
    list_10000_assessments, select_them = _list_and_select(bulk_archive(10_000, 1), 10_000)

    return Case(
        "list 10,000 assessments",
        list_10000_assessments,
        10,
        Baseline("sqlite3: SELECT the listed columns", select_them),
        Target(seconds=0.05, source=ISSUE),
    )


def _read_and_hash(archive: Archive) -> Callable[[], None]:
    """Read the rows verify reads and do the hashing a verify must do on them, nothing else:
    no joins, no decoding of records, no comparisons."""
    raw = _raw(archive)

    def run() -> None:
        sha256 = hashlib.sha256
        versions = raw.execute(
            "SELECT answers_json, report_json, record_json, prev_chain_hash FROM versions "
            "ORDER BY assessment_id, number"
        )
        for answers_json, report_json, record_json, prev in versions:
            sha256(answers_json.encode()).hexdigest()
            sha256(report_json.encode()).hexdigest()
            content = sha256(record_json.encode()).hexdigest()
            sha256((prev + content).encode()).hexdigest()
        for record_json, prev in raw.execute(
            "SELECT record_json, prev_chain_hash FROM audit_events ORDER BY id"
        ):
            record = sha256(record_json.encode()).hexdigest()
            sha256((prev + record).encode()).hexdigest()

    return run


def _hash_alone(archive: Archive) -> Callable[[], None]:
    """sha256 over as many bytes, in as many pieces, as the rows verify hashes."""
    raw = _raw(archive)
    pieces, total = raw.execute(
        "SELECT 4 * count(*), sum(length(answers_json) + length(report_json) + "
        "length(record_json) + 128) FROM versions"
    ).fetchone()
    events, event_bytes = raw.execute(
        "SELECT 2 * count(*), sum(length(record_json) + 128) FROM audit_events"
    ).fetchone()
    count = pieces + events
    piece = bytes((total + event_bytes) // max(count, 1))

    def run() -> None:
        sha256 = hashlib.sha256
        for _ in range(count):
            sha256(piece).digest()

    return run


def _verifying(count: int) -> tuple[Archive, Callable[[], None]]:
    archive = bulk_archive(1, count)

    def verify() -> None:
        report = archive.verify()
        assert report.intact and report.versions == count, report

    return archive, verify


def cases() -> list[Case]:
    archive, verify = _verifying(100_000)
    return [
        _adding(),
        _listing(),
        Case(
            "verify a chain of 100,000 versions",
            verify,
            3,
            Baseline("sqlite3: read the same rows, hash as verify must", _read_and_hash(archive)),
            VERIFY_TARGET,
        ),
        Case(
            "verify a chain of 100,000 versions",
            verify,
            3,
            Baseline("hashlib: sha256 over as many bytes", _hash_alone(archive)),
        ),
    ]


_MEMORY_PROBE = """
import sys, tracemalloc
from dpia.archive import open_archive
archive = open_archive(sys.argv[1])
archive.assessments()
tracemalloc.start()
report = archive.verify()
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
assert report.intact
print(peak)
"""


def _verify_memory(archive: Archive) -> int:
    """The peak of Python's allocations while a fresh process verifies, in bytes.

    Traced with tracemalloc, which sees every Python object verify keeps (not SQLite's page
    cache, which is bounded): the peak resident size hides growth that fits in memory the
    process had already freed.
    """
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, str(archive.engine.url)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def _verify_scaling() -> Iterator[tuple[str, ...]]:
    for count in SIZES:
        if count == 1_000_000 and not MILLION:
            yield (f"{count:,}", "set BENCH_MILLION=1", "", "", "", "", "")
            continue
        archive, verify = _verifying(count)
        runs = {1_000: 9, 10_000: 5, 100_000: 3}.get(count, 1)
        baseline = Baseline("raw", _read_and_hash(archive))
        # One verify of a million versions takes a minute: no untimed round before it.
        result = measure(Case(f"{count} versions", verify, runs, baseline, warm=count < 10**6))
        assert result.baseline_timing is not None and result.ratio is not None
        growth = _verify_memory(archive)
        met = result.ratio <= 2 and (count < 1_000_000 or result.timing.median <= 10)
        yield (
            f"{count:,}",
            readable(result.timing.median),
            readable(result.baseline_timing.median),
            f"{result.ratio:.2f}×",
            f"{readable(result.timing.median / count)}",
            f"{growth / 2**20:.1f} MiB",
            "met" if met else "NOT MET",
        )
        archive.engine.dispose()


_LIST_MEMORY_PROBE = """
import sys, tracemalloc
from dpia.archive import open_archive
archive = open_archive(sys.argv[1])
archive.history("A-2026-000000000000")
tracemalloc.start()
listed = archive.assessments()
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(peak, len(listed))
"""


def _list_memory(archive: Archive) -> tuple[int, int]:
    """Peak of Python's allocations while a fresh process lists, and how many it listed."""
    done = subprocess.run(
        [sys.executable, "-c", _LIST_MEMORY_PROBE, str(archive.engine.url)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak, listed = done.stdout.split()
    return int(peak), int(listed)


def _list_scaling() -> Iterator[tuple[str, ...]]:
    for count in LIST_SIZES:
        archive = bulk_archive(count, 1)
        list_them, select_them = _list_and_select(archive, count)
        runs = {1_000: 9, 10_000: 5}.get(count, 3)
        case = Case(f"{count} assessments", list_them, runs, Baseline("raw", select_them))
        result = measure(case)
        assert result.baseline_timing is not None and result.ratio is not None
        peak, listed = _list_memory(archive)
        assert listed == count
        yield (
            f"{count:,}",
            readable(result.timing.median),
            readable(result.baseline_timing.median),
            f"{result.ratio:.2f}×",
            readable(result.timing.median / count),
            f"{peak / 2**20:.1f} MiB",
            f"{peak / count:,.0f} B",
        )
        archive.engine.dispose()


def tables() -> list[Table]:
    return [
        Table(
            "list N assessments (SQLite)",
            ("assessments", "list", "raw SELECT", "ratio", "per assessment", "memory", "per row"),
            _list_scaling,
            (
                "raw SELECT: the listed columns with sqlite3, in the list's order",
                "memory: peak of Python's allocations (tracemalloc) while a fresh process lists; "
                "the list holds every row it returns, so memory per row should stay flat",
            ),
        ),
        Table(
            "verify a chain of N versions (SQLite)",
            ("versions", "verify", "raw read+hash", "ratio", "per version", "memory", "target"),
            _verify_scaling,
            (
                "target: ≤ 2× raw read+hash at every size, ≤ 10 s at 1,000,000, memory flat "
                "(issue 18, point 3)",
                "memory: peak of Python's allocations (tracemalloc) while a fresh process verifies",
            ),
        ),
    ]
