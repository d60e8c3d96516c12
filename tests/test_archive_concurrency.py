"""Several processes writing to one assessment, and processes killed while writing.

Real processes against real databases: the only way to see lost updates, duplicated version
numbers or half-written versions is to make them race and to kill them.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from archive_support import BACKENDS, QUESTIONNAIRE_TEXT, REPORT, answers_for, temporary_database

from dpia.archive import AuditAction, open_archive

TESTS = Path(__file__).parent
PER_WRITER = 500

_PRELUDE = f"""\
import sys
sys.path.insert(0, {str(TESTS)!r})
from archive_support import QUESTIONNAIRE_TEXT, REPORT, answers_for
from dpia.archive import open_archive
url, aid, actor = sys.argv[1], sys.argv[2], sys.argv[3]
archive = open_archive(url)
"""

_WRITER = (
    _PRELUDE
    + """\
import os, time
while not os.path.exists(sys.argv[4]):
    time.sleep(0.01)
for i in range(int(sys.argv[5])):
    archive.add_version(answers_for(aid, headcount=i), REPORT, QUESTIONNAIRE_TEXT, actor=actor)
    print(i, flush=True)
"""
)

_STOPS_AT_COMMIT = (
    _PRELUDE
    + """\
import time
from sqlalchemy import event

@event.listens_for(archive.engine, "commit")
def _hold(connection):
    print("about to commit", flush=True)
    time.sleep(3600)

archive.add_version(
    answers_for(aid, headcount=99), REPORT, QUESTIONNAIRE_TEXT, actor=actor,
    document=b"a large document" * 10000, signatures={"dpo": b"signature"},
)
"""
)


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    yield from temporary_database(request.param, tmp_path)


def _start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _first_version(url: str) -> str:
    archive = open_archive(url)
    aid = archive.add_version(answers_for(), REPORT, QUESTIONNAIRE_TEXT, actor="setup")
    archive.engine.dispose()
    return aid.assessment_id


@pytest.mark.slow
def test_two_writers_racing_on_one_assessment_lose_and_duplicate_nothing(database, tmp_path):
    aid = _first_version(database)
    go = tmp_path / "go"
    writers = [
        _start(_WRITER, database, aid, actor, str(go), str(PER_WRITER)) for actor in ("w1", "w2")
    ]
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=900)
        assert writer.returncode == 0, err

    archive = open_archive(database)
    history = archive.history(aid)
    assert [v.number for v in history] == list(range(1, 2 * PER_WRITER + 2))
    by_author = {a: sum(v.author == a for v in history) for a in ("setup", "w1", "w2")}
    assert by_author == {"setup": 1, "w1": PER_WRITER, "w2": PER_WRITER}
    interleaved = sum(a.author != b.author for a, b in itertools.pairwise(history[1:]))
    assert interleaved > 1, "the writers never overlapped, so the race was not exercised"
    report = archive.verify()
    assert report.intact, report.breaks
    assert archive.assessments()[0].latest_version == 2 * PER_WRITER + 1
    archive.engine.dispose()


@pytest.mark.slow
def test_a_process_killed_before_commit_leaves_no_trace(database):
    aid = _first_version(database)
    child = _start(_STOPS_AT_COMMIT, database, aid, "doomed")
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "about to commit"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=60)

    archive = open_archive(database)
    assert [v.number for v in archive.history(aid)] == [1]
    assert [e.actor for e in archive.audit_trail()] == ["setup", "setup"]
    assert archive.verify().intact
    after = archive.add_version(answers_for(aid), REPORT, QUESTIONNAIRE_TEXT, actor="next")
    assert after.number == 2
    assert after.document_sha256 is None
    archive.engine.dispose()


@pytest.mark.slow
def test_a_process_killed_at_a_random_moment_leaves_only_whole_versions(database, tmp_path):
    aid = _first_version(database)
    go = tmp_path / "go"
    go.touch()
    child = _start(_WRITER, database, aid, "doomed", str(go), "100000")
    assert child.stdout is not None
    for _ in range(40):
        child.stdout.readline()
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=60)

    archive = open_archive(database)
    history = archive.history(aid)
    assert len(history) >= 41
    assert [v.number for v in history] == list(range(1, len(history) + 1))
    added = [e for e in archive.audit_trail(aid) if e.action == AuditAction.VERSION_ADDED]
    assert len(added) == len(history)
    assert all(len(v.status_history) == 1 for v in history)
    assert archive.verify().intact
    archive.engine.dispose()
