"""Which law an assessment is judged under: one date, the same for the report, the document,
the archive and the app.

Duties phase in (the AI Act's high-risk obligations apply from 2 August 2026), so the same
answers rated on two dates can give two reports. An assessment is a statement made on its date,
so that is the law it is judged under, on every path: `score`, `render`, `archive add`, the
app's pages and its final document. A document records the date it was rendered under, and a
version archived with a document is rated as of that same date, so the archived report is
always the report of the archived document. An explicit date (`--as-of`) is the only way to ask
another question ("what would the law of next year say?"), and it cannot contradict a document.
"""

from __future__ import annotations

import datetime as dt
import typing

from .._errors import WorkflowError

if typing.TYPE_CHECKING:
    from .._assessment import Assessment
    from ..document import EmbeddedRecord

__all__ = ["law_date"]


def law_date(
    assessment: Assessment,
    *,
    as_of: dt.date | None = None,
    document: EmbeddedRecord | None = None,
) -> dt.date:
    """The date whose law applies: the document's when there is one, else `as_of` when given,
    else the assessment's own date.

    A chosen date that differs from the document's is refused: the report archived with a
    document must be the one printed in it.
    """
    if document is not None:
        if as_of is not None and as_of != document.as_of:
            raise WorkflowError(
                f"the document was rendered under the law in force on {document.as_of}, so it "
                f"cannot be archived with a report as of {as_of}; leave out --as-of, or render "
                f"the document again with --as-of {as_of}"
            )
        return document.as_of
    return as_of or assessment.meta.date
