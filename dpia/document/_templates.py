"""The prose templates: Jinja2 in a sandbox that can quote answers and nothing else.

A DPO team may bring its own template folder, so a template is treated as untrusted: the
immutable sandbox blocks attribute tricks and mutation, the globals are empty (no `range`, no
`lipsum`), filters and tests come from a short allow-list, string and list repetition is
capped, and templates are only found inside their own folder (no absolute paths, no `..`,
no symbolic links out). Undefined names are errors, so a misspelt question id is caught the
first time the template runs, with the template's file and line.

Answer text reaches a template as data: `{{ 7*7 }}` typed into an answer is printed as written,
and markup characters in it are escaped so they cannot turn into bullets or bold.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SecurityError

from .._config import TEMPLATES, settings
from .._errors import RenderError
from . import _labels as label
from ._markup import Block, escape_markup, parse_markup
from ._sandbox import (
    CAPPED_FILTERS,
    MAX_LOOP_STEPS,
    MAX_TEMPLATE_NESTING,
    STEPS,
    TextSandbox,
    capped_output,
)
from ._template_cache import template_cache

__all__ = ["DEFAULT_TEMPLATES", "ProseTemplates", "templates_dir"]

DEFAULT_TEMPLATES = Path(TEMPLATES.default)
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_.-]*)*\.md\.j2")
_MAX_TEMPLATE_BYTES = 256 * 1024
_FILTERS = (
    "capitalize",
    "default",
    "first",
    "float",
    "int",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "map",
    "reject",
    "rejectattr",
    "replace",
    "round",
    "select",
    "selectattr",
    "sort",
    "sum",
    "trim",
    "unique",
    "upper",
)
_TESTS = (
    "defined",
    "eq",
    "false",
    "ge",
    "gt",
    "in",
    "iterable",
    "le",
    "lt",
    "mapping",
    "ne",
    "none",
    "number",
    "sameas",
    "sequence",
    "string",
    "true",
    "undefined",
)


def templates_dir() -> Path:
    return settings().templates


def and_list(items: Any) -> str:
    """`["a", "b", "c"]` → `a, b and c`: lists read as a sentence, not as code.

    Items that contain commas themselves are separated by semicolons, so the list stays clear.
    """
    words = [str(item) for item in items if str(item)]
    if len(words) < 2:
        return "".join(words)
    separator = "; " if any("," in word for word in words) else ", "
    last = "; and " if separator == "; " else " and "
    return f"{separator.join(words[:-1])}{last}{words[-1]}"


def lower_first(text: Any) -> str:
    """`Keystroke content` → `keystroke content`, for a label used mid-sentence."""
    text = str(text)
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def long_date(value: Any) -> str:
    """`2026-05-25` → `25 May 2026`: dates in the sign-off record reach templates as ISO text."""
    try:
        return label.long_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def about(sections: Any, *words: str) -> list[Any]:
    """The questionnaire sections whose id or title mentions any of `words`."""
    wanted = [word.casefold() for word in words]
    return [
        section
        for section in sections
        if any(w in f"{section['id']} {section['title']}".casefold() for w in wanted)
    ]


class _FolderLoader(jinja2.BaseLoader):
    """Serves `sections/...md.j2` files from one folder and nowhere else."""

    def __init__(self, root: Path):
        self.root = root.resolve()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if not _NAME.fullmatch(template) or ".." in template:
            raise jinja2.TemplateNotFound(template)
        path = (self.root / template).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise jinja2.TemplateNotFound(template)
        if path.stat().st_size > _MAX_TEMPLATE_BYTES:
            raise RenderError(f"{path}: a template may be at most {_MAX_TEMPLATE_BYTES:,} bytes")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise RenderError(f"{path}: not UTF-8 text; save the template as UTF-8") from None
        mtime = path.stat().st_mtime_ns
        return text, str(path), lambda: path.stat().st_mtime_ns == mtime


def _finalize(value: Any) -> str:
    if value is None:
        return ""
    return escape_markup(str(value))


class ProseTemplates:
    """Renders `sections/<name>.md.j2` (or the questionnaire's own variant) into blocks.

    One instance per folder is kept (`for_folder`), so templates are compiled once per
    process and recompiled only when their file changes; the compiled code is also kept on
    disk (`_template_cache`), so a new process compiles only templates that changed.
    """

    @classmethod
    def for_folder(cls, root: Path | None = None) -> ProseTemplates:
        folder = (root or templates_dir()).resolve()
        if not folder.is_dir():
            raise RenderError(f"{folder}: no such template folder")
        return _instance(folder)

    def __init__(self, root: Path):
        self.root = root
        env = TextSandbox(
            loader=_FolderLoader(self.root),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=_finalize,
            auto_reload=True,
            bytecode_cache=template_cache(Path(__file__), Path(__file__).with_name("_sandbox.py")),
        )
        env.globals.clear()
        env.filters = {name: env.filters[name] for name in _FILTERS}
        env.filters["about"] = about
        env.filters["and_list"] = and_list
        env.filters["lower_first"] = lower_first
        env.filters.update(CAPPED_FILTERS)
        env.filters["long_date"] = long_date
        env.tests = {name: env.tests[name] for name in _TESTS}
        self.environment = env

    def candidates(self, name: str, questionnaire_id: str) -> list[str]:
        return [f"sections/{questionnaire_id}/{name}.md.j2", f"sections/{name}.md.j2"]

    def render(self, name: str, questionnaire_id: str, context: Mapping[str, Any]) -> list[Block]:
        candidates = self.candidates(name, questionnaire_id)
        try:
            template = self.environment.select_template(candidates)
        except jinja2.TemplatesNotFound:
            raise RenderError(
                f"{self.root}: no template for the {name!r} section; expected "
                f"{' or '.join(candidates)}"
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(f"{exc.filename}:{exc.lineno}: {exc.message}") from None
        except (RecursionError, SyntaxError, MemoryError):
            found = next((c for c in candidates if (self.root / c).is_file()), candidates[-1])
            raise RenderError(
                f"{self.root / found}: nests brackets or blocks too deeply to be read (at most "
                f"{MAX_TEMPLATE_NESTING} levels)"
            ) from None
        steps = STEPS.set([MAX_LOOP_STEPS])
        try:
            text = capped_output(template, dict(context))
        except jinja2.TemplateNotFound as exc:
            raise RenderError(
                f"{_where(template.filename, exc)} {exc.name!r} is not a template in {self.root}"
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(f"{exc.filename}:{exc.lineno}: {exc.message}") from None
        except jinja2.UndefinedError as exc:
            raise RenderError(f"{_where(template.filename, exc)} {exc.message}") from None
        except SecurityError as exc:
            raise RenderError(f"{_where(template.filename, exc)} not allowed: {exc}") from None
        except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
            raise RenderError(f"{_where(template.filename, exc)} {exc}") from None
        except jinja2.TemplateError as exc:
            raise RenderError(f"{_where(template.filename, exc)} {exc.message}") from None
        except (RecursionError, MemoryError):
            raise RenderError(
                f"{template.filename}: calls itself or nests too deeply to be rendered"
            ) from None
        finally:
            STEPS.reset(steps)
        return parse_markup(text)


@lru_cache(maxsize=16)
def _instance(folder: Path) -> ProseTemplates:
    return ProseTemplates(folder)


def _where(filename: str | None, exc: BaseException) -> str:
    """`file:line:` of the template frame that raised, found in the rewritten traceback."""
    line = None
    trace = exc.__traceback__
    while trace is not None:
        if filename and trace.tb_frame.f_code.co_filename == filename:
            line = trace.tb_lineno
        trace = trace.tb_next
    return f"{filename}:{line}:" if line else f"{filename}:"
