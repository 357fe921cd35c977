"""The import graph of `dedup/`: no cycles, and no module imports a layer above its own.

The graph is read from the source with `ast` (nothing is imported): every `import` and
`from ... import` statement anywhere in a file (module level, function bodies,
`if TYPE_CHECKING:` blocks, try/except), relative imports, and `importlib.import_module` /
`__import__` calls on a string literal. The public-name table of `dedup/__init__.py` (strings
resolved lazily) is not read, and importing `dedup.a.b` does not count as an edge to `dedup.a`
(although Python runs `dedup/a/__init__.py` for it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from pathlib import Path

# The layers, top to bottom: a module may import its own layer and the layers below it, never
# one above. A layer is a list of module patterns (fnmatch: `*` also matches dots); a module
# matching none of them is in `stages`. The root package `dedup` (the lazily loaded public name
# table) is in no layer: its own imports are exempt, and no module may import it.
ROOT_PACKAGE = "dedup"
STAGES = "stages"
LAYERS: list[tuple[str, list[str]]] = [
    ("cli", ["dedup.cli", "dedup.cli.*"]),
    ("output", ["dedup.output", "dedup.output.*"]),
    ("api", ["dedup.api", "dedup.api.*"]),
    ("index", ["dedup.index", "dedup.index.*"]),
    ("engines", ["dedup.engines", "dedup.engines.*"]),
    # sources.*, extract, prepare, normalize, shingle, signature, language, ids, candidates,
    # verify, crosslingual.*, cluster, syndication, report: every module not named elsewhere
    (STAGES, []),
    ("base", ["dedup.model", "dedup.config", "dedup.errors"]),
]
# Peer engines inside `engines`: (importer, imported) pairs that are forbidden.
ENGINE_PEERS = {
    "local": "dedup.engines.local*",
    "pool": "dedup.engines.pool*",
    "dask": "dedup.engines.dask*",
}
FORBIDDEN_PEER_IMPORTS = {("pool", "local"), ("pool", "dask"), ("local", "dask"), ("dask", "local")}
# Among the engines, `dedup.index.*` may import the process pool only.
INDEX_MAY_IMPORT_ENGINES = ["dedup.engines.pool", "dedup.engines.pool.*"]
# Modules that may import nothing from dedup.
LEAVES = ["dedup.errors"]

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "dedup"

Graph = Mapping[str, Iterable[str]]
Where = Mapping[tuple[str, str], list[str]]  # (importer, imported) -> ["dedup/api.py:21", ...]


# --- reading the source -------------------------------------------------------------------------


def module_name(path: Path, package_dir: Path) -> str:
    """`dedup/engines/dask/tasks.py` -> `dedup.engines.dask.tasks`; `__init__.py` -> the package."""
    parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _in_package(name: str) -> bool:
    return name == ROOT_PACKAGE or name.startswith(ROOT_PACKAGE + ".")


def imports_in_source(
    source: str, module: str, is_package: bool, modules: set[str]
) -> dict[str, list[int]]:
    """Every dedup module `source` (the text of `module`) imports -> the lines importing it."""
    found: dict[str, list[int]] = {}

    def add(target: str, line: int) -> None:
        if _in_package(target):
            found.setdefault(target, []).append(line)

    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _in_package(alias.name):
                    add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if not _in_package(base):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                # `from dedup import crosslingual`: the submodule; `from dedup.x import name`: x
                add(sub if sub in modules else base, node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if (
                callee in ("import_module", "__import__")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and _in_package(node.args[0].value)
            ):
                add(node.args[0].value, node.lineno)
    return found


def import_graph(package_dir: Path) -> tuple[dict[str, set[str]], dict[tuple[str, str], list[str]]]:
    """The graph of `package_dir` (module -> the dedup modules it imports) and where each edge
    is written."""
    files = {module_name(p, package_dir): p for p in sorted(package_dir.rglob("*.py"))}
    modules = set(files)
    graph: dict[str, set[str]] = {}
    where: dict[tuple[str, str], list[str]] = {}
    for module, path in files.items():
        found = imports_in_source(
            path.read_text(encoding="utf-8"), module, path.name == "__init__.py", modules
        )
        graph[module] = set(found)
        rel = path.relative_to(package_dir.parent).as_posix()
        for target, lines in found.items():
            where[(module, target)] = [f"{rel}:{line}" for line in sorted(set(lines))]
    return graph, where


# --- the checks: a graph in, a list of problems out ---------------------------------------------


def _at(where: Where | None, a: str, b: str) -> str:
    return f" ({', '.join(where[(a, b)])})" if where and (a, b) in where else ""


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's strongly connected components of `graph`, each sorted."""
    nodes = set(graph) | {b for targets in graph.values() for b in targets}
    succ = {n: sorted(set(graph.get(n, ()))) for n in sorted(nodes)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in succ:
        if root in index:
            continue
        # iterative DFS: (node, position in its successor list)
        work = [(root, 0)]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, i = work[-1]
            if i < len(succ[node]):
                work[-1] = (node, i + 1)
                nxt = succ[node][i]
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def cycle_problems(graph: Graph, where: Where | None = None) -> list[str]:
    """Every import cycle: a strongly connected component of more than one module, or a module
    importing itself; named with its modules and the imports inside it."""
    problems = []
    for component in sorted(strongly_connected(graph)):
        members = set(component)
        if len(component) == 1 and component[0] not in set(graph.get(component[0], ())):
            continue
        edges = [
            f"    {a} -> {b}{_at(where, a, b)}"
            for a in component
            for b in sorted(set(graph.get(a, ())))
            if b in members
        ]
        kind = "imports itself" if len(component) == 1 else "is an import cycle"
        problems.append(f"cycle: {' <-> '.join(component)} {kind}:\n" + "\n".join(edges))
    return problems


def layer_of(module: str) -> str | None:
    """The layer of a dedup module (None for the root package)."""
    if module == ROOT_PACKAGE:
        return None
    for layer, patterns in LAYERS:
        if any(fnmatchcase(module, p) for p in patterns):
            return layer
    return STAGES


def _engine_peer(module: str) -> str | None:
    return next((peer for peer, p in ENGINE_PEERS.items() if fnmatchcase(module, p)), None)


def layering_problems(graph: Graph, where: Where | None = None) -> list[str]:
    """Every import of a higher layer, of the root package, between forbidden engine peers, of
    an engine other than the pool from `index`, and any import from a leaf module."""
    rank = {layer: i for i, (layer, _) in enumerate(LAYERS)}
    problems = []
    for a in sorted(graph):
        if a == ROOT_PACKAGE:
            continue  # the public name table: exempt
        la = layer_of(a)
        assert la is not None
        for b in sorted(set(graph[a])):
            at = _at(where, a, b)
            if a in LEAVES:
                problems.append(f"leaf: {a} imports {b}: it may import nothing from dedup{at}")
                continue
            lb = layer_of(b)
            if lb is None:
                problems.append(
                    f"root: {a} imports the root package {b}: import the module needed{at}"
                )
                continue
            if rank[lb] < rank[la]:
                problems.append(f"layer: {a} ({la}) imports {b} ({lb}), a higher layer{at}")
            pa, pb = _engine_peer(a), _engine_peer(b)
            if pa and pb and (pa, pb) in FORBIDDEN_PEER_IMPORTS:
                problems.append(f"peer engines: {a} ({pa}) imports {b} ({pb}){at}")
            if (
                la == "index"
                and lb == "engines"
                and not any(fnmatchcase(b, p) for p in INDEX_MAY_IMPORT_ENGINES)
            ):
                problems.append(
                    f"index: {a} imports {b}: among the engines, index imports the pool only{at}"
                )
    return problems


def missing_module_problems(graph: Graph, where: Where | None = None) -> list[str]:
    """Imports of a dedup module that has no file."""
    modules = set(graph)
    return [
        f"missing: {a} imports {b}, which is no module of the package{_at(where, a, b)}"
        for a in sorted(graph)
        for b in sorted(set(graph[a]))
        if b not in modules
    ]


# --- the real tree ------------------------------------------------------------------------------


def test_the_package_has_no_import_cycle_and_no_layering_breach() -> None:
    graph, where = import_graph(PACKAGE_DIR)
    assert len(graph) > 20 and "dedup.api" in graph  # the tree was read
    problems = (
        missing_module_problems(graph, where)
        + cycle_problems(graph, where)
        + layering_problems(graph, where)
    )
    assert not problems, f"{len(problems)} import problem(s):\n" + "\n".join(problems)


# --- the checks on tiny graphs ------------------------------------------------------------------


def test_a_three_cycle_is_found_with_its_modules() -> None:
    graph = {
        "dedup.shingle": {"dedup.verify"},
        "dedup.verify": {"dedup.cluster"},
        "dedup.cluster": {"dedup.shingle", "dedup.model"},
        "dedup.model": set(),
    }
    [problem] = cycle_problems(graph)
    assert "dedup.cluster <-> dedup.shingle <-> dedup.verify" in problem
    assert "dedup.cluster -> dedup.shingle" in problem and "dedup.model" not in problem


def test_a_self_import_is_a_cycle() -> None:
    [problem] = cycle_problems({"dedup.engines": {"dedup.engines", "dedup.errors"}})
    assert "dedup.engines imports itself" in problem


def test_a_layer_breach_names_both_modules() -> None:
    graph = {"dedup.engines.tasks": {"dedup.api", "dedup.model"}, "dedup.api": set()}
    [problem] = layering_problems(graph, {("dedup.engines.tasks", "dedup.api"): ["x.py:3"]})
    assert "dedup.engines.tasks (engines) imports dedup.api (api)" in problem
    assert "x.py:3" in problem
    [problem] = layering_problems({"dedup.index.lsh": {"dedup.cli.scan"}})
    assert "dedup.index.lsh (index) imports dedup.cli.scan (cli)" in problem


def test_stages_base_and_the_root_package() -> None:
    assert layer_of("dedup.sources.warc") == layer_of("dedup.crosslingual.anchors") == STAGES
    assert layer_of("dedup.config") == "base" and layer_of(ROOT_PACKAGE) is None
    assert layering_problems({"dedup.model": {"dedup.shingle"}}) == [
        "layer: dedup.model (base) imports dedup.shingle (stages), a higher layer"
    ]
    # the root package may import anything; nothing may import it
    assert layering_problems({ROOT_PACKAGE: {"dedup.cli", "dedup.api"}}) == []
    [problem] = layering_problems({"dedup.prepare": {ROOT_PACKAGE}})
    assert "dedup.prepare imports the root package dedup" in problem
    [problem] = layering_problems({"dedup.errors": {"dedup.config"}})
    assert "dedup.errors imports dedup.config" in problem


def test_a_peer_engine_import_is_reported() -> None:
    graph = {
        "dedup.engines.pool": {"dedup.engines.local"},
        "dedup.engines.local": {"dedup.engines.pool", "dedup.engines.dask.tasks"},
        "dedup.engines.dask.tasks": {"dedup.engines.pool", "dedup.engines.local_tasks"},
        "dedup.engines.dask": {"dedup.engines.dask.tasks"},
    }
    problems = layering_problems(graph)
    assert problems == [
        "peer engines: dedup.engines.dask.tasks (dask) imports dedup.engines.local_tasks (local)",
        "peer engines: dedup.engines.local (local) imports dedup.engines.dask.tasks (dask)",
        "peer engines: dedup.engines.pool (pool) imports dedup.engines.local (local)",
    ]


def test_index_imports_the_pool_only_among_the_engines() -> None:
    graph = {"dedup.index.ingest": {"dedup.engines.pool", "dedup.engines.local", "dedup.model"}}
    assert layering_problems(graph) == [
        "index: dedup.index.ingest imports dedup.engines.local: among the engines, "
        "index imports the pool only"
    ]


def test_a_clean_graph_has_no_problem() -> None:
    graph = {
        ROOT_PACKAGE: {"dedup.api", "dedup.config"},
        "dedup.cli": {"dedup.cli.scan"},
        "dedup.cli.scan": {"dedup.api", "dedup.output.text", "dedup.config"},
        "dedup.output.text": {"dedup.model"},
        "dedup.api": {"dedup.engines.local", "dedup.index.lsh", "dedup.prepare"},
        "dedup.index.lsh": {"dedup.engines.pool", "dedup.shingle"},
        "dedup.engines.local": {"dedup.engines.pool", "dedup.prepare"},
        "dedup.engines.pool": {"dedup.prepare"},
        "dedup.prepare": {"dedup.shingle", "dedup.model", "dedup.config"},
        "dedup.shingle": set(),
        "dedup.model": {"dedup.errors"},
        "dedup.config": {"dedup.errors", "dedup.model"},
        "dedup.errors": set(),
    }
    assert cycle_problems(graph) == []
    assert layering_problems(graph) == []
    assert missing_module_problems(graph) == []


def test_every_kind_of_import_is_collected() -> None:
    source = """
from __future__ import annotations
import os
from typing import TYPE_CHECKING
import dedup.model
import dedup.sources.warc as warc
from dedup import crosslingual, scan
from dedup.config import ScanConfig
from . import tasks
from ... import errors
from ...index import lsh

if TYPE_CHECKING:
    from dedup.prepare import Entry

def run():
    from dedup.api import assemble_report
    import importlib
    return importlib.import_module("dedup.verify")

class Engine:
    def go(self):
        try:
            import dedup.cluster
        except ImportError:
            pass
"""
    modules = {
        "dedup",
        "dedup.api",
        "dedup.cluster",
        "dedup.config",
        "dedup.crosslingual",
        "dedup.engines",
        "dedup.engines.dask",
        "dedup.engines.dask.tasks",
        "dedup.errors",
        "dedup.index",
        "dedup.index.lsh",
        "dedup.model",
        "dedup.prepare",
        "dedup.sources",
        "dedup.sources.warc",
        "dedup.verify",
    }
    found = imports_in_source(source, "dedup.engines.dask", True, modules)
    assert found == {
        "dedup.model": [5],
        "dedup.sources.warc": [6],
        "dedup.crosslingual": [7],  # a submodule
        "dedup": [7],  # `scan` is a name of the package
        "dedup.config": [8],
        "dedup.engines.dask.tasks": [9],
        "dedup.errors": [10],  # `...` from the package dedup.engines.dask is dedup
        "dedup.index.lsh": [11],
        "dedup.prepare": [14],  # if TYPE_CHECKING
        "dedup.api": [17],  # in a function
        "dedup.verify": [19],
        "dedup.cluster": [24],  # in a method, in try
    }
    # relative imports from a module (not a package) start at its package
    source = "from . import tasks\nfrom .. import dask\n"
    assert imports_in_source(source, "dedup.engines.dask.run", False, modules) == {
        "dedup.engines.dask.tasks": [1],
        "dedup.engines.dask": [2],
    }


def test_module_names_from_paths(tmp_path: Path) -> None:
    pkg = tmp_path / "dedup"
    assert module_name(pkg / "engines" / "dask" / "tasks.py", pkg) == "dedup.engines.dask.tasks"
    assert module_name(pkg / "engines" / "__init__.py", pkg) == "dedup.engines"
    assert module_name(pkg / "__init__.py", pkg) == "dedup"


def test_the_graph_of_a_small_tree(tmp_path: Path) -> None:
    pkg = tmp_path / "dedup"
    (pkg / "engines").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from dedup.api import scan\n")
    (pkg / "api.py").write_text("from dedup.engines import Engine\n")
    (pkg / "engines" / "__init__.py").write_text("import os\n")
    (pkg / "engines" / "pool.py").write_text(
        "def f():\n    from dedup.api import scan\n    import dedup.nothing\n"
    )
    graph, where = import_graph(pkg)
    assert graph == {
        "dedup": {"dedup.api"},
        "dedup.api": {"dedup.engines"},
        "dedup.engines": set(),
        "dedup.engines.pool": {"dedup.api", "dedup.nothing"},
    }
    assert where[("dedup.engines.pool", "dedup.api")] == ["dedup/engines/pool.py:2"]
    assert layering_problems(graph, where) == [
        "layer: dedup.engines.pool (engines) imports dedup.api (api), a higher layer "
        "(dedup/engines/pool.py:2)",
    ]
    [missing] = missing_module_problems(graph)
    assert "dedup.nothing" in missing
