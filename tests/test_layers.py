"""The import graph of src/crmcheck keeps the layers that docs/architecture.md writes down: no circle, no arrow up.

Every `import` counts, at module level or inside a function (a function-level import is still a dependency, only
a later one); imports under `if TYPE_CHECKING:` do not (they never run). The layers are read from the table in
docs/architecture.md between the `layers:start` and `layers:end` markers, so the doc and the test cannot drift: a
module belongs to the layer of the longest name in the table that is it or a package above it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "crmcheck"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# Arrows allowed to break the layers: none. An entry needs its reason beside it, and
# test_known_arrows_are_still_there fails for an entry whose arrow is gone, so that none outlives its reason.
KNOWN: frozenset[tuple[str, str]] = frozenset()


# ---------------------------------------------------------------- reading the code and the doc


def module_names(package: Path) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name, for its __init__.py)."""
    names: dict[str, Path] = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement may refer to: a module, or a module's attribute."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    assert isinstance(node, ast.ImportFrom)
    base = node.module or ""
    if node.level:
        here = module.split(".") if is_package else module.split(".")[:-1]
        here = here[: len(here) - (node.level - 1)]
        base = ".".join([*here, *([node.module] if node.module else [])])
    return [f"{base}.{alias.name}" for alias in node.names] or [base]


def imports_of(path: Path, module: str, modules: dict[str, Path]) -> set[str]:
    """The package's modules that `module` imports anywhere in its code, except under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _type_checking(node):
            pending.extend(node.orelse)  # the else branch runs
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            for name in _imported(node, module, path.name == "__init__.py"):
                while name and name not in modules:  # `from pkg.mod import func` -> pkg.mod
                    name = name.rpartition(".")[0]
                if name and name != module:
                    found.add(name)
        pending.extend(ast.iter_child_nodes(node))
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    modules = module_names(package)
    return {name: imports_of(path, name, modules) for name, path in modules.items()}


_ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|([^|]*)\|")


def layer_table(text: str) -> dict[str, tuple[int, str]]:
    """Module or package name -> (layer number, layer name), from the table between the layer markers."""
    start, end = text.index("<!-- layers:start -->"), text.index("<!-- layers:end -->")
    table: dict[str, tuple[int, str]] = {}
    for line in text[start:end].splitlines():
        row = _ROW.match(line)
        if row is None:
            continue
        for name in re.findall(r"`([\w.]+)`", row.group(3)):
            assert name not in table, f"{name} is in two layers of the table"
            table[name] = (int(row.group(1)), row.group(2))
    return table


def layer_of(module: str, table: dict[str, tuple[int, str]]) -> tuple[int, str] | None:
    """The layer of the longest table name that is the module or a package above it; None when none is. The top
    package's own name places its __init__ only: a module missing from the table must not land in its layer."""
    parts = module.split(".")
    for n in range(len(parts), 1 if len(parts) > 1 else 0, -1):
        found = table.get(".".join(parts[:n]))
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------- the rules


def unplaced(graph: dict[str, set[str]], table: dict[str, tuple[int, str]]) -> list[str]:
    return sorted(module for module in graph if layer_of(module, table) is None)


def arrows_up(graph: dict[str, set[str]], table: dict[str, tuple[int, str]],
              known: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """`importer (layer) -> imported (higher layer)` for every import from a lower layer to a higher one."""
    found = []
    for module in sorted(graph):
        mine = layer_of(module, table)
        for target in sorted(graph[module]):
            theirs = layer_of(target, table)
            if mine and theirs and theirs[0] > mine[0] and (module, target) not in known:
                found.append(f"{module} ({mine[1]}) -> {target} ({theirs[1]})")
    return found


def circles(graph: dict[str, set[str]], known: frozenset[tuple[str, str]] = frozenset()) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative), each sorted."""
    edges = {m: sorted(t for t in targets if t in graph and (m, t) not in known) for m, targets in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                target = edges[node][i]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(groups)


# ---------------------------------------------------------------- crmcheck itself


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(PACKAGE)


@pytest.fixture(scope="module")
def table() -> dict[str, tuple[int, str]]:
    return layer_table(ARCHITECTURE.read_text(encoding="utf-8"))


def test_every_module_has_a_layer(graph: dict[str, set[str]], table: dict[str, tuple[int, str]]) -> None:
    missing = unplaced(graph, table)
    assert not missing, "add these modules (or their package) to the layer table in docs/architecture.md: " + \
        ", ".join(missing)


def test_no_import_goes_up_a_layer(graph: dict[str, set[str]], table: dict[str, tuple[int, str]]) -> None:
    up = arrows_up(graph, table, KNOWN)
    assert not up, "imports from a lower layer to a higher one:\n" + "\n".join(up)


def test_no_import_circle(graph: dict[str, set[str]]) -> None:
    found = circles(graph, KNOWN)
    assert not found, "modules that import each other, directly or round a circle:\n" + \
        "\n".join(" <-> ".join(group) for group in found)


def test_known_arrows_are_still_there(graph: dict[str, set[str]]) -> None:
    gone = sorted(f"{a} -> {b}" for a, b in KNOWN if b not in graph.get(a, set()))
    assert not gone, "these arrows are gone: remove them from KNOWN in tests/test_layers.py:\n" + "\n".join(gone)


def test_the_table_names_only_real_modules(graph: dict[str, set[str]], table: dict[str, tuple[int, str]]) -> None:
    """A misspelt (or since moved) name would place nothing: every name in the table is a module or a package
    (models/ has no __init__.py: a package is known by its modules)."""
    assert sorted(name for name in table if name not in graph and not any(m.startswith(f"{name}.") for m in graph)) \
        == []


def test_the_layers_go_from_the_base_to_the_commands(table: dict[str, tuple[int, str]]) -> None:
    """Spot checks of the order the doc draws (numbers recounted by hand from the table)."""
    def rank(module: str) -> int:
        found = layer_of(module, table)
        assert found is not None, module
        return found[0]

    order = ["crmcheck.errors", "crmcheck.yamlio.parsing", "crmcheck.models.questionnaire.model", "crmcheck.resolve",
             "crmcheck.answers.layout", "crmcheck.scoring.stages", "crmcheck.policy.apply",
             "crmcheck.render.markdown_report", "crmcheck.collect.server", "crmcheck.cli"]
    assert [rank(m) for m in order] == sorted(rank(m) for m in order)
    assert len({rank(m) for m in order}) == len(order)  # ten modules, ten different layers
    assert rank("crmcheck.answers.model") == rank("crmcheck.models.result")  # the answers file's model is a model


# ---------------------------------------------------------------- the checks on a planted tree


def _plant(root: Path, files: dict[str, str]) -> Path:
    package = root / "fake"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


FAKE_TABLE = """
<!-- layers:start -->
| layer | name | modules |
| --- | --- | --- |
| 1 | base | `fake`, `fake.base` |
| 2 | middle | `fake.middle` |
| 3 | top | `fake.top`, `fake.top.special` |
<!-- layers:end -->
"""


def test_a_planted_upward_import_inside_a_function_is_caught(tmp_path: Path) -> None:
    package = _plant(tmp_path, {
        "__init__.py": "",
        "base.py": "def later():\n    from fake.top import run\n    return run\n",
        "middle.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from fake.top import run\n"
                     "else:\n    import fake.base\n",
        "top/__init__.py": "from . import special\nfrom .special import thing\nfrom ..middle import x\n",
        "top/special.py": "from .. import base\n",
    })
    graph = import_graph(package)
    assert graph == {
        "fake": set(),
        "fake.base": {"fake.top"},  # inside a function still counts
        "fake.middle": {"fake.base"},  # the TYPE_CHECKING import does not, its else branch does
        "fake.top": {"fake.top.special", "fake.middle"},  # relative imports resolved from the package itself
        "fake.top.special": {"fake.base"},  # `from .. import base` names a module of the parent package
    }
    table = layer_table(FAKE_TABLE)
    assert layer_of("fake.top.special", table) == (3, "top")
    assert layer_of("fake.middle", table) == (2, "middle")
    assert unplaced(graph, table) == []
    assert arrows_up(graph, table) == ["fake.base (base) -> fake.top (top)"]
    assert arrows_up(graph, table, frozenset({("fake.base", "fake.top")})) == []
    # base -> top -> middle -> base, and top -> special -> base: one group of four modules round circles
    assert circles(graph) == [["fake.base", "fake.middle", "fake.top", "fake.top.special"]]
    assert circles(graph, frozenset({("fake.base", "fake.top")})) == []


def test_a_planted_circle_and_an_unplaced_module_are_caught(tmp_path: Path) -> None:
    package = _plant(tmp_path, {
        "__init__.py": "",
        "base.py": "import fake.other\n",
        "other.py": "from fake import base\n",
        "top/__init__.py": "",
    })
    graph = import_graph(package)
    assert circles(graph) == [["fake.base", "fake.other"]]
    assert unplaced(graph, layer_table(FAKE_TABLE)) == ["fake.other"]


def test_a_module_in_two_layers_is_refused() -> None:
    with pytest.raises(AssertionError, match="fake.base is in two layers"):
        layer_table(FAKE_TABLE.replace("`fake.middle`", "`fake.middle`, `fake.base`"))
