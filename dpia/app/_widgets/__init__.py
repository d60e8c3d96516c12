"""One widget per question type, found by looking at this package's modules.

Each `_<type>.py` module declares `QUESTION_TYPE` and a `render(question, value, *, key,
offered, compact)` that draws the field and returns the answer in the form the question type's
`accept()` takes (None when unanswered). The answer comes in as `value` and goes out as the
return value; the widget never owns it, so a field that scrolls out of a step, or a follow-up
question that is hidden and shown again, cannot lose what was typed.

`offered` narrows a choice to the options whose conditions hold; `compact` draws the bare
field (no visible label or guidance) for a cell inside a table row.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from typing import Any, Protocol

__all__ = ["WIDGETS", "Widget"]


class Widget(Protocol):
    def __call__(
        self, question: Any, value: Any, *, key: str, offered: Sequence[str] | None, compact: bool
    ) -> Any: ...


def _discover() -> dict[str, Widget]:
    found: dict[str, Widget] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        kind = getattr(module, "QUESTION_TYPE", None)
        if kind is None:
            continue
        found[kind] = module.render
    return found


WIDGETS: dict[str, Widget] = _discover()
