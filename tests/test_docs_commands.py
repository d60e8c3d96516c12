"""Every command and option of `dpia` is written up for its users (the Datasette discipline).

The parser is the truth: a subcommand or an option added to the CLI without a word in README.md
or docs/ fails here under its own name, so the reference cannot fall behind the tool.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dpia.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTATION = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Each command a user can type, as `dpia archive add`, with the parser that reads it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield from commands(subparser, (*path, name))
    if path:
        yield " ".join(("dpia", *path)), parser


COMMANDS = dict(commands(build_parser()))
OPTIONS = sorted(
    (command, tuple(action.option_strings))
    for command, parser in COMMANDS.items()
    for action in parser._actions
    if action.option_strings and not isinstance(action, argparse._HelpAction)
)
LEAVES = sorted(
    command
    for command, parser in COMMANDS.items()
    if not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)
)


def mentions(text: str, spellings: tuple[str, ...]) -> bool:
    """Whole words only: `-o` is not the start of `-out`, nor `dpia sign` of `dpia signing`."""
    return any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text) for s in spellings)


@pytest.fixture(scope="module")
def pages() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in DOCUMENTATION}


def test_the_parser_has_the_commands_of_the_readme_table() -> None:
    assert {"dpia render", "dpia archive add", "dpia users grant"} <= set(LEAVES)


@pytest.mark.parametrize("command", LEAVES)
def test_command_is_documented(command: str, pages: dict[Path, str]) -> None:
    assert any(mentions(text, (command,)) for text in pages.values()), (
        f"`{command}` is not written up in README.md or docs/"
    )


@pytest.mark.parametrize(
    ("command", "spellings"), OPTIONS, ids=[f"{c} {s[-1]}" for c, s in OPTIONS]
)
def test_option_is_documented_where_its_command_is(
    command: str, spellings: tuple[str, ...], pages: dict[Path, str]
) -> None:
    """The option must appear on a page that also names its command, where a reader looks."""
    where = [
        p.name
        for p, text in pages.items()
        if mentions(text, (command,)) and mentions(text, spellings)
    ]
    assert where, f"`{command} {spellings[-1]}` is not written up beside `{command}` in the docs"


ARGUMENTS = sorted(
    (command, action.option_strings[-1] if action.option_strings else action.dest)
    for command, parser in COMMANDS.items()
    for action in parser._actions
    if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
    and action.help is None
)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_argument_says_what_it_is_for_in_help(command: str) -> None:
    missing = [name for where, name in ARGUMENTS if where == command]
    assert not missing, f"`{command} --help` shows no help for {missing}"


def test_every_command_says_what_it_does_in_the_list_of_commands() -> None:
    """`dpia --help` and `dpia archive --help` list their commands with one line each."""
    described = {
        " ".join((*command.split(), choice.dest))
        for command, parser in [("dpia", build_parser()), *COMMANDS.items()]
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for choice in action._choices_actions
        if choice.help
    }
    assert sorted(set(COMMANDS) - described) == []


def test_every_setting_the_docs_name_is_read_by_dpia(pages: dict[Path, str]) -> None:
    """A renamed environment variable leaves no stale name in the docs."""
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "dpia").rglob("*.py"))
    named = {name for text in pages.values() for name in re.findall(r"\bDPIA_[A-Z_]+\b", text)}
    assert named, "the docs name no DPIA_ setting at all"
    assert sorted(name for name in named if f'"{name}"' not in source) == []
