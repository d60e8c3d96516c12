"""A fault in dpia itself becomes one line with a reference, and the traceback goes to a file.

A traceback tells a DPO nothing and may quote their answers back at them in a terminal log; a
short reference they can quote in a bug report, with the traceback kept in a file of the same
name, tells the maintainer everything. The reference is a hash of the traceback, so the same
fault gives the same reference on every machine and reports of one bug are easy to group.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import traceback
from pathlib import Path

__all__ = ["fault_log", "log_fault", "report_fault"]


def fault_log(reference: str) -> Path:
    """Where the traceback of the fault with this reference is written."""
    return Path(tempfile.gettempdir()) / f"dpia-fault-{reference}.txt"


def log_fault(where: str) -> tuple[str, Path | None]:
    """Write the exception being handled to its log file: its reference, and the file if the
    write succeeded (the reference alone still lets a report be grouped with others)."""
    kind, _, trace = sys.exc_info()
    text = traceback.format_exc()
    # File names without their folders, so the reference does not depend on where dpia is.
    frames = [f"{Path(f.filename).name}:{f.name}:{f.lineno}" for f in traceback.extract_tb(trace)]
    signature = "|".join([getattr(kind, "__name__", "?"), *frames])
    reference = hashlib.sha256(signature.encode()).hexdigest()[:10]
    log = fault_log(reference)
    try:
        log.write_text(f"{where}\n{text}", encoding="utf-8")
    except OSError:
        return reference, None
    return reference, log


def report_fault(where: str) -> str:
    """Log the exception being handled; the sentence to show instead of its traceback."""
    reference, log = log_fault(where)
    kept = f"; the details are in {log}" if log is not None else ""
    return (
        f"internal error {reference} in {where}: this is a fault in dpia, not in your input "
        f"(please report it with the reference{kept})"
    )
