"""Meta-tests over the plugin contract (as Datasette does): every hookspec is documented with its
exact signature, has a test exercising it, and says when it is called; and the import arrows
only point down (plugins → core.sdk, never core → plugins)."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from core import hookspecs

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "plugins.md"
TESTS = ROOT / "tests"
PROJECT = "kesos"


def _hookspecs() -> dict[str, object]:
    """Every function of core.hookspecs named kesos_* carrying the pluggy hookspec marker."""
    found = {
        name: func
        for name, func in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("kesos_") and getattr(func, f"{PROJECT}_spec", None) is not None
    }
    assert found, "no hookspecs discovered in core.hookspecs"
    return found


HOOKS = _hookspecs()


def _spec_defs() -> dict[str, ast.FunctionDef]:
    tree = ast.parse(Path(hookspecs.__file__).read_text(encoding="utf-8"))
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in HOOKS}


SPEC_DEFS = _spec_defs()


def _signature_line(node: ast.FunctionDef) -> str:
    """`def name(params) -> ret` exactly as written in core/hookspecs.py (annotations are
    strings under `from __future__ import annotations`, so the source is the truth)."""
    assert node.returns is not None, f"{node.name} has no return annotation"
    return f"def {node.name}({ast.unparse(node.args)}) -> {ast.unparse(node.returns)}"


def _test_functions() -> set[str]:
    names: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                names.add(node.name)
    return names


def test_every_hookspec_is_discovered_by_introspection() -> None:
    # The AST view and the runtime view of core.hookspecs agree: nothing hides from the checks.
    assert set(SPEC_DEFS) == set(HOOKS)
    tree = ast.parse(Path(hookspecs.__file__).read_text(encoding="utf-8"))
    kesos_defs = {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("kesos_")}
    assert kesos_defs == set(HOOKS), "a kesos_* function in hookspecs.py lacks the @hookspec marker"


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_hook_is_documented_with_its_exact_signature(hook: str) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    expected = _signature_line(SPEC_DEFS[hook])
    assert expected in docs.splitlines(), f"docs/plugins.md lacks the exact line:\n{expected}"
    assert f"#### {hook}" in docs, f"docs/plugins.md has no heading for {hook}"


def test_signature_lines_match_the_runtime_signatures() -> None:
    # Parameter names and order in the documented line are those pluggy dispatches with.
    for name, func in HOOKS.items():
        node = SPEC_DEFS[name]
        assert [a.arg for a in node.args.args] == list(inspect.signature(func).parameters)


def test_docs_document_no_hook_that_does_not_exist() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    documented = {line[5:].strip() for line in docs.splitlines() if line.startswith("#### kesos_")}
    assert documented == set(HOOKS)


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_hook_has_a_test(hook: str) -> None:
    assert f"test_hook_{hook}" in _test_functions(), f"no test function named test_hook_{hook} under tests/"


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_hookspec_docstring_says_when_it_is_called(hook: str) -> None:
    doc = inspect.getdoc(HOOKS[hook]) or ""
    assert doc, f"{hook} has no docstring"
    first = doc.lower()
    assert "called" in first, f"{hook}'s docstring does not say when it is called"
    assert "return" in first, f"{hook}'s docstring does not say what to return"
    opts = getattr(HOOKS[hook], f"{PROJECT}_spec")
    if opts.get("firstresult"):
        assert "Stops at the first non-None result" in doc, f"{hook} is firstresult but does not say so"


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_firstresult_hooks_are_marked_as_such_in_the_docs(hook: str) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    section = docs.split(f"#### {hook}\n", 1)[1].split("\n#### ", 1)[0].split("\n### ", 1)[0]
    firstresult = bool(getattr(HOOKS[hook], f"{PROJECT}_spec").get("firstresult"))
    assert ("Stops at the first non-None result" in " ".join(section.split())) == firstresult
    assert "**When:**" in section


def test_hookspecs_are_named_by_convention() -> None:
    for name in HOOKS:
        assert name.startswith("kesos_") and name == name.lower()


# -- the arrows only point down ----------------------------------------------------------------


def _imports(path: Path) -> list[tuple[str, int]]:
    """Absolute modules imported by a file: `import a.b` → a.b; `from a.b import c` → a.b and
    a.b.c (c may be a submodule). Relative imports stay inside their package and are skipped."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
            found.extend((f"{node.module}.{alias.name}", node.lineno) for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__"):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append((node.args[0].value, node.lineno))
    return found


def _top(module: str) -> str:
    return module.split(".", 1)[0]


def test_core_never_imports_plugins() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / "core").rglob("*.py"))
        for module, line in _imports(path)
        if _top(module) == "plugins"
    ]
    assert offenders == []


def _plugin_files() -> list[Path]:
    files = sorted((TESTS / "fixture_plugin").rglob("*.py"))
    plugins_dir = ROOT / "plugins"
    if plugins_dir.is_dir():
        files += sorted(plugins_dir.rglob("*.py"))
    return files


def _allowed(module: str) -> bool:
    return module in ("core", "core.sdk") or module.startswith("core.sdk.")


def test_plugins_import_only_core_sdk_from_core() -> None:
    files = _plugin_files()
    assert any(p.parent.name == "fixture_plugin" for p in files)
    offenders = []
    for path in files:
        for module, line in _imports(path):
            if _top(module) != "core":
                continue
            # `from core import sdk` yields "core" and "core.sdk"; anything else of core is private.
            if _allowed(module):
                continue
            offenders.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert offenders == []


def test_the_import_scan_catches_a_private_import(tmp_path: Path) -> None:
    # The scanner itself: a plugin reaching into core's private modules is seen, in every form.
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import core.db\nfrom core.cases import services\nfrom core import plugins\n"
        "from core.sdk import hookimpl\nfrom . import models\n"
        "import importlib\nimportlib.import_module('core.tick')\n"
    )
    modules = {m for m, _ in _imports(bad) if _top(m) == "core"}
    private = {m for m in modules if not _allowed(m)}
    assert {"core.db", "core.cases", "core.cases.services", "core.plugins", "core.tick"} <= private
    assert "core.sdk" in modules and "core.sdk.hookimpl" not in private
