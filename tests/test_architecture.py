"""Dependencies point one way: no import cycle between the project's modules, and `core` uses no app.

The imports are read from the source (ast), not by running it. Every import counts: at module level,
inside a function or method (a "lazy" import is still a dependency — hiding it in a function only moves
the cycle to run time), under `if TYPE_CHECKING:` and in try/except. `import a.b.c` and
`from a.b import c` depend on the project module they name (a.b.c, else a.b) and on the packages above it,
whose __init__ runs first. Relative imports are resolved against the importing module.

The rule for `core`: no module of the core package imports another project app (accounts, units, …,
demo). Apps reach core; core reaches them only through what they register at start-up (menus, status
colours, hooks). core's own tests (core/tests/) are exempt: they exercise core with real business data
(a backup of a unit and its files) and nothing imports them.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {"node_modules", "staticfiles", "var", "test-artifacts", "__pycache__"}


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name → file, for every .py file of the project (not the virtualenv)."""
    modules = {}
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if any(part.startswith(".") or part in SKIPPED_DIRS for part in relative.parts[:-1]):
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            modules[".".join(parts)] = path
    return modules


def _imported_names(tree: ast.AST, module: str, is_package: bool):
    """(dotted name, line, where) for every import in TREE; where is "module" or "function"."""

    def walk(node, where):
        for child in ast.iter_child_nodes(node):
            inner = "function" if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else where
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno, where
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = module.split(".") if is_package else module.split(".")[:-1]
                    package = package[: len(package) - (child.level - 1)]
                    base = ".".join([*package, base] if base else package)
                for alias in child.names:
                    yield (f"{base}.{alias.name}" if base else alias.name), child.lineno, where
            yield from walk(child, inner)

    yield from walk(tree, "module")


def import_graph(modules: dict[str, Path]) -> dict[str, dict[str, tuple[int, str]]]:
    """module → {imported project module: (line, "module"/"function")} (the first import of each)."""

    def targets(name):
        """The project module NAME names (a.b.c, else a.b, else a) and the packages above it."""
        parts = name.split(".")
        prefixes = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
        return [prefix for prefix in prefixes if prefix in modules]

    graph = {}
    for module, path in modules.items():
        edges: dict[str, tuple[int, str]] = {}
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, line, where in _imported_names(tree, module, path.name == "__init__.py"):
            for target in targets(name):
                if target != module:
                    edges.setdefault(target, (line, where))
        graph[module] = edges
    return graph


def find_cycles(graph: dict[str, dict]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def _describe(graph, group) -> str:
    lines = [" ↔ ".join(group)]
    for module in group:
        for target, (line, where) in sorted(graph[module].items()):
            if target in group:
                lines.append(f"    {module}:{line} imports {target} ({where} level)")
    return "\n".join(lines)


MODULES = project_modules()
GRAPH = import_graph(MODULES)
APPS = {name for name in MODULES if "." not in name and (ROOT / name / "apps.py").exists()}


def test_the_walker_sees_module_and_function_level_imports():
    assert GRAPH["core.models"]["core.verbs"][1] == "module"
    assert GRAPH["notifications.apps"]["notifications.services"][1] == "function"  # inside ready()
    assert find_cycles({"a": {"b": (1, "module")}, "b": {"a": (2, "function")}, "c": {}}) == [["a", "b"]]


def test_no_import_cycle_between_modules():
    cycles = find_cycles(GRAPH)
    assert cycles == [], "import cycles:\n" + "\n".join(_describe(GRAPH, group) for group in cycles)


def test_core_imports_no_app():
    assert "core" in APPS and {"units", "review", "demo"} <= APPS
    offending = {
        (module, line): f"{module}:{line} imports {target} ({where} level)"
        for module, edges in sorted(GRAPH.items())
        if module.split(".")[0] == "core" and not module.startswith("core.tests")
        for target, (line, where) in sorted(edges.items())  # a.b after a: the deeper name stays
        if target.split(".")[0] in APPS - {"core"}
    }
    assert offending == {}, "core must not import an app:\n" + "\n".join(offending.values())


VIEW_MODULE_MAX_LINES = 250
FUNCTION_MAX_LINES = 60


def test_view_modules_stay_thin():
    """Each screen module parses, calls one service or selector and renders: none grows past 250 lines."""
    views = {
        name: path
        for name, path in MODULES.items()
        if name.split(".")[0] in APPS and (".views." in f"{name}." or name.endswith(".views"))
    }
    assert len(views) > 10  # every app's views (packages by the manual's sections), not none
    too_long = {
        name: length
        for name, path in views.items()
        if (length := len(path.read_text().splitlines())) > VIEW_MODULE_MAX_LINES
    }
    assert too_long == {}


def test_no_function_over_60_lines_without_a_reason():
    """A function over 60 lines (migrations aside) says in its docstring why it is long ("longer than 60
    lines": one journey of the manual, one measurement run)."""
    unexplained = []
    for name, path in MODULES.items():
        if ".migrations." in f"{name}.":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = node.end_lineno - node.lineno + 1
            reason = " ".join((ast.get_docstring(node) or "").lower().split())
            if length > FUNCTION_MAX_LINES and "longer than 60 lines" not in reason:
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert unexplained == []


def test_no_view_touches_a_model_manager():
    """Screens read through selectors (scoped by the actor) and write through services: no `.objects` or
    `_default_manager` in a view module."""
    touching = [
        f"{path.relative_to(ROOT)}:{number}"
        for name, path in MODULES.items()
        if name.split(".")[0] in APPS and (".views." in f"{name}." or name.endswith(".views"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ".objects" in line or "_default_manager" in line
    ]
    assert touching == []
