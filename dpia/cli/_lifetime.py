"""The garbage collector of a `dpia` process: a command loads much, then lives briefly.

A command first loads its modules, and with them classes, pydantic models and their validators
that live until the process ends. Python's collector does not know that: each full collection
walks every one of those objects again, and the interpreter walks them all once more as it shuts
down. For a warm `dpia score` (about 68,000 objects) that was a third of the process: some 45 ms
of collections while it ran and 65 ms at exit, for no garbage found.

So a process run as `dpia` loads its command's modules with the collector paused (importing
makes no garbage worth finding) and then moves what they made to the collector's permanent
generation (`gc.freeze`), which no collection walks; a handler that imports more on its own
(`dpia render` loads the renderer only to render) does so under `loading()` as well. What the
command makes afterwards is collected as usual, at exit too, so a connection or a file it leaves
open is still closed by its finaliser; a command that holds none once it is done (`dpia score`,
`dpia render`) says so with `ending()`, and shutdown then frees what it made without walking
it. Calling `main()` from Python (a test, a program) leaves the collector as it is: there
`loading()` only imports and `ending()` does nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["as_process", "ending", "loading"]

_as_process = False
"""True once this interpreter runs as the `dpia` command."""


def as_process() -> None:
    """This interpreter is the `dpia` command: it ends when the command does."""
    global _as_process
    _as_process = True


@contextmanager
def loading() -> Iterator[None]:
    """Import modules without collections, then keep what they made out of sight; unless this
    interpreter runs as the `dpia` command, only import them."""
    if not _as_process:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def ending() -> None:
    """The command has written what it makes and holds no connection or file open: freeze the
    rest too, so that shutdown frees it without walking it first. Only in a `dpia` process."""
    if _as_process:
        gc.freeze()
