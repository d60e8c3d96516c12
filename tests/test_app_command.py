"""`dpia app`: the archive is brought up to date, examples fill an empty one, the app runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dpia.archive import open_archive
from dpia.cli._app import load_examples

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture
def empty_archive(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/archive.sqlite3"
    monkeypatch.setenv("DPIA_DATABASE_URL", url)
    monkeypatch.delenv("DPIA_QUESTIONNAIRES", raising=False)
    return url


def test_examples_are_loaded_once_into_an_empty_archive(empty_archive):
    loaded = load_examples(ROOT / "examples")
    assert len(loaded) == len(EXAMPLES) > 0
    listed = open_archive().assessments()
    assert {a.id for a in listed} == set(loaded)
    assert {a.status for a in listed} == {"draft"}
    assert load_examples(ROOT / "examples") == []  # not twice


@pytest.mark.slow
def test_dpia_app_serves_the_app_on_the_given_port(empty_archive, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "dpia", "app", f"--port={port}"],
        cwd=tmp_path,
        env={**os.environ, "DPIA_DATABASE_URL": empty_archive},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(300):
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the app did not answer its health check")
        assert len(open_archive(empty_archive).assessments()) == len(EXAMPLES)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"loaded {len(EXAMPLES)} example assessments" in output
    assert f"serving on http://127.0.0.1:{port}" in output


def test_make_run_takes_a_port_and_an_address():
    """`make run PORT=…` is how the README starts the app on another port; make prints the
    command it would run (`-n`), so the Makefile is checked without installing anything."""
    # Run from `make test` (as CI does), make would inherit the outer make's level and print
    # the directories it enters; a person typing the command has neither.
    outside_make = {
        name: value
        for name, value in os.environ.items()
        if name not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")
    }
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8642", "ADDRESS=0.0.0.0"],
        cwd=ROOT,
        env=outside_make,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert planned[-1].split()[-5:] == ["app", "--port", "8642", "--address", "0.0.0.0"]
    default = subprocess.run(
        ["make", "-n", "run"],
        cwd=ROOT,
        env=outside_make,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert default[-1].split()[-1] == "app"
