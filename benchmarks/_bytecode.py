"""dpia's modules compiled to bytecode before anything is timed, as an installed dpia has them.

pip compiles a package's modules as it installs it, and Python writes the bytecode of a checkout
on the first import, so a user's `dpia render` starts from bytecode. With PYTHONDONTWRITEBYTECODE
set, as on some machines, Python writes none: every process of a figure would compile each of
dpia's modules from source again (tens of milliseconds for `dpia render`), while the libraries
of its baseline, compiled when pip installed them, never do. Compiling once, into the
`__pycache__` folders Python itself uses, makes both sides start from bytecode.
"""

from __future__ import annotations

import compileall
from pathlib import Path

__all__ = ["compile_dpia"]

_PACKAGE = Path(__file__).resolve().parent.parent / "dpia"


def compile_dpia() -> None:
    """Write the bytecode of every module of dpia that has none, or has it for older source."""
    if not compileall.compile_dir(str(_PACKAGE), quiet=1):
        raise SystemExit(f"benchmarks: could not compile every module under {_PACKAGE}")
