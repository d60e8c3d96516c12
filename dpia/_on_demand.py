"""Names a package publishes, imported from their modules the first time they are used (PEP 562).

`import dpia` is what every command pays before it does anything, and most commands need a
small part of the package: `dpia validate` reads YAML with pydantic and never touches the
archive's SQLAlchemy, the signatures' cryptography or the document's python-docx. A package
that imported everything it publishes would make each command pay for all of them, so a
package lists where each public name lives and the module is imported on first use. After that
the name is an ordinary attribute of the package and costs nothing more.

Type checkers do not run `__getattr__`, so a package using this also imports the same names
under `typing.TYPE_CHECKING`; tests/test_imports.py checks that both say the same.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping

__all__ = ["exports"]


def exports(
    package: str, homes: Mapping[str, tuple[str, ...]]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The `__getattr__` and `__dir__` of `package`, given each module and the names it holds.

    `homes` maps a module, relative to the package (`"._assessment"`), to the public names
    imported from it. Use as `__getattr__, __dir__ = _on_demand.exports(__name__, {...})`.
    """
    home_of = {name: module for module, names in homes.items() for name in names}
    namespace = vars(sys.modules[package])

    def __getattr__(name: str) -> object:
        module = home_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *home_of})

    return __getattr__, __dir__
