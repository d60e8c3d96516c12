"""Each command imports what it uses and nothing more, so `dpia --help` answers at once.

Every case runs one command in a fresh interpreter and compares the heavy libraries left in
`sys.modules` with what that command needs: SQLAlchemy and Alembic only where the archive is
opened, cryptography only where keys or signatures are, python-docx only where a Word document
is read or written, Streamlit never (`dpia app` hands over to a new process). An import added at
the top of a module that every command loads fails here under the name of each command it slows
down; a command that stops importing what it uses fails too, which shows the probe sees imports.
Commands run with a cache folder of the workspace's own, which the set-up fills: what they load
is what every run after the first loads. A render without cache also draws the risk map.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import dpia.cli
from dpia.cli import COMMANDS, Command, build_parser

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRE = ROOT / "questionnaires" / "telemetry-for-ai.yaml"
EXAMPLE = ROOT / "examples" / "scenario-a-keystroke-content.yaml"
CNIL_PIA = ROOT / "tests" / "fixtures" / "cnil" / "pia-2025.json"
PASSPHRASE = "correct horse battery staple"

WATCHED = frozenset(
    {
        "alembic",
        "bagit",
        "cryptography",
        "docx",
        "jinja2",
        "matplotlib",
        "PIL",
        "psycopg",
        "pydantic",
        "sqlalchemy",
        "streamlit",
        "yaml",
    }
)
QUESTIONNAIRES = {"jinja2", "pydantic", "yaml"}
SIGNATURES = {"cryptography", "pydantic"}
ARCHIVE = {"alembic", "sqlalchemy", *QUESTIONNAIRES}

_PROBE = """
import contextlib, io, json, sys
from dpia.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
loaded = sorted({name.partition(".")[0] for name in sys.modules})
modules = sorted(sys.modules)
print(json.dumps({"code": code, "stderr": err.getvalue(), "loaded": loaded, "modules": modules}))
"""


def _environment(workspace: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DPIA_")}
    environment.update(
        DPIA_DATABASE_URL=f"sqlite:///{workspace / 'archive.sqlite3'}",
        DPIA_TRUST_DIR=str(workspace / "trust"),
        DPIA_KEY_PASSPHRASE=PASSPHRASE,
        DPIA_ACTOR="import test",
        DPIA_CACHE_DIR=str(workspace / "cache"),
    )
    return environment


def _run(workspace: Path, *arguments: str, cache: Path | None = None) -> dict:
    environment = _environment(workspace)
    if cache is not None:
        environment["DPIA_CACHE_DIR"] = str(cache)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *arguments],
        cwd=workspace,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _keygen(out: str) -> list[str]:
    return [
        *("keygen", "--name", "Dora Dpo", "--email", "dora@example.org"),
        *("--role", "dpo", "--out", out),
    ]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A signed document, a key, a trust store and an archive with one assessment."""
    here = tmp_path_factory.mktemp("imports")
    for arguments in (
        ["render", str(EXAMPLE), "-o", "dpia.docx"],
        _keygen("dora"),
        ["trust", "add", "dora/cert.pem"],
        ["sign", "dpia.docx", "--key", "dora/key.pem", "--cert", "dora/cert.pem"],
        ["archive", "add", str(EXAMPLE)],
    ):
        ran = _run(here, *arguments)
        assert ran["code"] == 0, (arguments, ran["stderr"])
    shutil.copy(here / "dpia.docx", here / "unsigned.docx")
    return here


def _assessment_id(workspace: Path) -> str:
    listed = subprocess.run(
        [sys.executable, "-m", "dpia", "archive", "list", "--json"],
        cwd=workspace,
        env=_environment(workspace),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(listed.stdout)[0]["id"]


CASES = [
    ("--help", ["--help"], set()),
    ("validate", ["validate", str(QUESTIONNAIRE)], QUESTIONNAIRES),
    ("check-answers", ["check-answers", str(EXAMPLE)], QUESTIONNAIRES),
    ("schema", ["schema", "answers"], QUESTIONNAIRES),
    ("score", ["score", str(EXAMPLE)], QUESTIONNAIRES),
    ("render", ["render", str(EXAMPLE), "-o", "out.docx"], {"docx", *QUESTIONNAIRES}),
    ("import", ["import", "dpia.docx", "-o", "answers.yaml"], {"docx", *QUESTIONNAIRES}),
    ("import PIA.json", ["import", str(CNIL_PIA), "-o", "pia.yaml"], QUESTIONNAIRES),
    ("export cnil-pia", ["export", str(EXAMPLE), "--format", "cnil-pia", "-o", "pia.json"],
     QUESTIONNAIRES),
    ("export dpv", ["export", str(EXAMPLE), "--format", "dpv", "-o", "dpia.jsonld"],
     QUESTIONNAIRES),
    ("schema answers --questionnaire", ["schema", "answers", "--questionnaire", "cnil-pia"],
     QUESTIONNAIRES),
    ("keygen", _keygen("erik"), SIGNATURES),
    ("trust list", ["trust", "list"], SIGNATURES),
    ("sign", ["sign", "unsigned.docx", "--key", "dora/key.pem", "--cert", "dora/cert.pem"],
     SIGNATURES),
    ("verify", ["verify", "dpia.docx"], SIGNATURES),
    ("verify --signoff", ["verify", "dpia.docx", "--signoff", str(EXAMPLE)],
     {*SIGNATURES, *QUESTIONNAIRES}),
    ("db upgrade", ["db", "upgrade"], ARCHIVE),
    ("archive list", ["archive", "list"], ARCHIVE),
    ("archive verify", ["archive", "verify"], {"cryptography", *ARCHIVE}),
    ("archive export", ["archive", "export", "{id}", "-o", "bag", "--no-pdf"],
     {"bagit", "cryptography", *ARCHIVE}),
    ("users list", ["users", "list"], ARCHIVE),
    ("app --help", ["app", "--help"], ARCHIVE),
]  # fmt: skip


@pytest.mark.parametrize(("command", "arguments", "uses"), CASES, ids=[c[0] for c in CASES])
def test_command_imports_only_what_it_uses(
    workspace: Path, command: str, arguments: list[str], uses: set[str]
) -> None:
    if "{id}" in arguments:
        arguments = [a.replace("{id}", _assessment_id(workspace)) for a in arguments]
    ran = _run(workspace, *arguments)
    # `verify --signoff` exits 1 when the example's sign-off record names other signers and 2
    # when the example has none; the command still read the answers, which is what decides
    # what it imported.
    assert ran["code"] in ((0, 1, 2) if "--signoff" in arguments else (0,)), ran["stderr"]
    loaded = WATCHED & set(ran["loaded"])
    assert not loaded - uses, f"`dpia {command}` imports {sorted(loaded - uses)}, unused by it"
    assert not uses - loaded, f"`dpia {command}` no longer imports {sorted(uses - loaded)}"


def test_a_render_without_cache_draws_the_risk_map_with_pillow(
    workspace: Path, tmp_path: Path
) -> None:
    ran = _run(workspace, "render", str(EXAMPLE), "-o", "cold.docx", cache=tmp_path / "empty")
    assert ran["code"] == 0, ran["stderr"]
    assert WATCHED & set(ran["loaded"]) == {"docx", "PIL", *QUESTIONNAIRES}
    warm = _run(workspace, "render", str(EXAMPLE), "-o", "warm.docx")
    assert warm["code"] == 0, warm["stderr"]
    assert "PIL" not in warm["loaded"]
    assert (workspace / "cold.docx").read_bytes() == (workspace / "warm.docx").read_bytes()


CNIL_REPORT = {"dpia.document.sections._cnil", "dpia.interop._html_text"}


def test_only_a_cnil_pia_render_loads_its_sections_and_only_pdf_loads_the_export(
    workspace: Path,
) -> None:
    plain = _run(workspace, "render", str(EXAMPLE), "-o", "plain.docx")
    assert plain["code"] == 0, plain["stderr"]
    assert not CNIL_REPORT & set(plain["modules"])
    assert "dpia.document._pdf" not in plain["modules"]
    imported = _run(workspace, "import", str(CNIL_PIA), "-o", "cnil-answers.yaml")
    assert imported["code"] == 0, imported["stderr"]
    cnil = _run(workspace, "render", "cnil-answers.yaml", "-o", "cnil.docx")
    assert cnil["code"] == 0, cnil["stderr"]
    assert set(cnil["modules"]) >= CNIL_REPORT


def test_import_dpia_loads_none_of_the_heavy_libraries() -> None:
    """A program that uses one name of `dpia` pays for that name's module only."""
    probe = "import json, sys, dpia; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = WATCHED & {name.partition(".")[0] for name in json.loads(done.stdout)}
    assert not loaded, f"`import dpia` loads {sorted(loaded)}"


def _listing(parser: object) -> list[tuple[str, str | None]]:
    """The commands `dpia --help` lists, in order, with their one-liners."""
    (subcommands,) = [a for a in parser._actions if a.dest == "command"]  # type: ignore[attr-defined]
    return [(choice.dest, choice.help) for choice in subcommands._choices_actions]


def test_help_lists_every_command_without_loading_any() -> None:
    full = build_parser()
    assert _listing(full) == [(c.name, c.summary) for c in COMMANDS]
    assert _listing(build_parser("")) == _listing(full)
    assert full.format_help() == build_parser("").format_help()


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_a_running_command_sees_the_same_list_and_its_own_options(command: str) -> None:
    """Loading one command's module keeps the list as it was and gives it its options."""
    parser = build_parser(command)
    assert _listing(parser) == _listing(build_parser())
    full_choices = dict(_choices(build_parser()))
    assert dict(_choices(parser))[command].format_help() == full_choices[command].format_help()


def _choices(parser: object) -> list[tuple[str, object]]:
    (subcommands,) = [a for a in parser._actions if a.dest == "command"]  # type: ignore[attr-defined]
    return list(subcommands.choices.items())


@pytest.fixture
def module_named(monkeypatch: pytest.MonkeyPatch):
    """Install a command module whose `register` is given, listed in COMMANDS as `freeze`."""

    def install(register, listed=("freeze",)) -> None:
        module = types.ModuleType("tests_command_module")
        module.register = register  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, module.__name__, module)
        commands = tuple(Command(name, module.__name__, f"{name} things") for name in listed)
        monkeypatch.setattr(dpia.cli, "COMMANDS", commands)

    return install


def test_a_command_missing_from_commands_is_refused_with_where_to_add_it(module_named) -> None:
    module_named(lambda subcommands: subcommands.add_parser("thaw"))
    with pytest.raises(RuntimeError, match=r"registers `dpia thaw`.*COMMANDS in dpia/cli"):
        build_parser()


def test_a_one_liner_outside_commands_is_refused(module_named) -> None:
    module_named(lambda subcommands: subcommands.add_parser("freeze", help="freeze it"))
    with pytest.raises(RuntimeError, match=r"one-liner of `dpia freeze` belongs in COMMANDS"):
        build_parser()


def test_a_listed_command_its_module_does_not_register_is_refused(module_named) -> None:
    module_named(lambda subcommands: subcommands.add_parser("freeze"), listed=("freeze", "thaw"))
    with pytest.raises(RuntimeError, match=r"does not register \['thaw'\]"):
        build_parser()


def test_commands_of_one_module_are_listed_together() -> None:
    """A module registers its commands at once, so they must sit side by side in the list."""
    modules = [c.module for c in COMMANDS]
    runs = [m for i, m in enumerate(modules) if i == 0 or modules[i - 1] != m]
    assert len(runs) == len(set(runs)), modules


def _defines_a_model(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ClassDef) and any(ast.unparse(b) == "BaseModel" for b in node.bases)
        for node in tree.body
    )


def _postpones_annotations(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )


def test_modules_of_models_keep_their_annotations_as_objects() -> None:
    """Postponed annotations make each field's type a string that pydantic compiles and
    evaluates as the class is created: about a quarter of the models' import time, paid by
    every command that loads them, for nothing a model needs."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in (ROOT / "dpia").rglob("*.py")}
    models = [path for path, tree in trees.items() if _defines_a_model(tree)]
    assert ROOT / "dpia" / "_assessment.py" in models
    postponing = [str(p.relative_to(ROOT)) for p in models if _postpones_annotations(trees[p])]
    assert not postponing, f"drop `from __future__ import annotations` from {postponing}"


ON_DEMAND = [
    "dpia",
    "dpia.archive",
    "dpia.document",
    "dpia.interop",
    "dpia.signing",
    "dpia.workflow",
]


def _declared(package: str) -> tuple[dict[str, str], dict[str, str]]:
    """The names imported for type checkers, and the names resolved on demand, with modules."""
    module = importlib.import_module(package)
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    typed: dict[str, str] = {}
    on_demand: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "typing.TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom)
                home = "." * statement.level + (statement.module or "")
                typed.update((alias.name, home) for alias in statement.names)
        call = node.value if isinstance(node, ast.Assign) else None
        if isinstance(call, ast.Call) and ast.unparse(call.func) == "_on_demand.exports":
            homes = ast.literal_eval(call.args[1])
            on_demand.update((name, home) for home, names in homes.items() for name in names)
    return typed, on_demand


@pytest.mark.parametrize("package", ON_DEMAND)
def test_names_on_demand_are_the_names_type_checkers_see(package: str) -> None:
    typed, on_demand = _declared(package)
    assert on_demand, f"{package} resolves no name on demand"
    assert typed == on_demand


@pytest.mark.parametrize("package", ON_DEMAND)
def test_a_name_on_demand_is_the_object_its_module_defines(package: str) -> None:
    module = importlib.import_module(package)
    _, on_demand = _declared(package)
    for name, home in on_demand.items():
        assert getattr(module, name) is getattr(importlib.import_module(home, package), name)
    assert set(on_demand) <= set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        _ = module.no_such_name
