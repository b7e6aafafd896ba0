"""The import rules hold: the core never imports a plugin, plugins never import each other,
and plugins use the core only through the plugin kit (``core/kit.py``)."""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import core.kit

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _core_modules() -> set[str]:
    """Every top-level module and package of the core."""
    names = {p.stem for p in (ROOT / "core").glob("*.py") if p.stem != "__init__"}
    names |= {p.parent.name for p in (ROOT / "core").glob("*/__init__.py")}
    return {f"core.{name}" for name in names}


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


def test_every_core_module_but_the_kit_is_forbidden_to_plugins():
    """A new core module is closed to plugins until its names are added to the kit."""
    contract = next(c for c in CONTRACTS["contracts"] if c.get("source_modules") == ["plugins"])
    assert set(contract["forbidden_modules"]) == _core_modules() - {"core.kit"}


def test_plugins_do_not_import_the_core_package_itself():
    """``from core import db`` would pass the contract (``core`` is the kit's parent): plugins
    write ``from core.kit import db``."""
    offenders = []
    for path in (ROOT / "plugins").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "core" and node.level == 0:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.Import) and any(a.name == "core" for a in node.names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_every_name_of_the_kit_resolves():
    missing = []
    for name in core.kit.__all__:
        try:
            getattr(core.kit, name)
        except Exception as exc:  # the report names every broken entry at once
            missing.append(f"{name}: {exc}")
    assert missing == []


def _cycles(graph) -> list[list[str]]:  # noqa: C901 (Tarjan's algorithm, kept in one piece)
    """The import cycles of ``graph`` (strongly connected groups of more than one module)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def test_the_core_has_no_import_cycle():
    """Package ``__init__`` files only re-export; wiring lives in ``setup`` modules, so no core
    module imports, even lazily, one that imports it back (imports for type checking aside)."""
    import grimp

    assert _cycles(grimp.build_graph("core", exclude_type_checking_imports=True)) == []
