"""Answers files as YAML a person can read: long and multi-line text as literal blocks."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["answers_yaml"]


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        """dpia refuses anchors and aliases in what it reads, so it writes none."""
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text)


def answers_yaml(mapping: dict[str, Any]) -> str:
    return yaml.dump(mapping, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
