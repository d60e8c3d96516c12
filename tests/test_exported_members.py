"""The public surface is exactly what `__all__` says (the HTTPX discipline).

`dpia.__all__` must list every public name the package exposes and nothing else, so a name
added to `dpia/__init__.py` without a decision to publish it fails here. Every package keeps its
`__all__` in the order ruff's RUF022 enforces: CONSTANTS, then Classes, then functions. Most
names are imported on first use (`dpia._on_demand`), so the public names are what `dir()` lists,
not what happens to be loaded already.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import dpia


def publication_order(name: str) -> tuple[int, str]:
    group = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return group, name


def test_dpia_all_is_exactly_its_public_names() -> None:
    public = [
        name
        for name in dir(dpia)
        if not name.startswith("_") and not isinstance(getattr(dpia, name), ModuleType)
    ]
    assert dpia.__all__ == sorted(public, key=publication_order)


PACKAGES = sorted(info.name for info in pkgutil.walk_packages(dpia.__path__, "dpia.") if info.ispkg)


@pytest.mark.parametrize("name", ["dpia", *PACKAGES])
def test_package_all_is_sorted_and_importable(name: str) -> None:
    package = importlib.import_module(name)
    exported = list(package.__all__)
    assert exported == sorted(exported, key=publication_order)
    assert len(set(exported)) == len(exported)
    missing = [member for member in exported if not hasattr(package, member)]
    assert not missing, f"{name}.__all__ names what {name} does not have: {missing}"
