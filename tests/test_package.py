"""The package's public names, and what importing it loads."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import dedup


def test_every_public_name_resolves() -> None:
    assert dedup.__all__ == sorted(dedup.__all__)
    for name in dedup.__all__:
        assert getattr(dedup, name) is not None, name
    assert set(dir(dedup)) == set(dedup.__all__)
    from dedup import Index, ScanConfig, scan  # the names load on first use

    assert Index.__module__ == "dedup.index.persistent" and callable(scan)
    assert ScanConfig().minhash.num_perm == 255
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = dedup.nope  # type: ignore[attr-defined]


def test_public_names_come_from_one_table() -> None:
    # __all__ is the table's names (and __version__), each name is found in the module the
    # table gives, and the TYPE_CHECKING imports that type checkers read say the same
    table = {name: module for module, names in dedup.PUBLIC.items() for name in names}
    assert set(dedup.__all__) == {*table, "__version__"}
    for name, module in table.items():
        assert getattr(dedup, name) is getattr(__import__(module, fromlist=[name]), name)
    tree = ast.parse(Path(dedup.__file__).read_text(encoding="utf-8"))
    typed: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module is not None
                typed.update({a.name: imp.module for a in imp.names})
    assert typed == table


def test_a_worker_imports_the_pipeline_only() -> None:
    # a worker process (`import dedup.prepare`) and a scan of plain text do not load the index
    # stores, trafilatura (HTML only), warcio (WARC only), charset_normalizer (text that is not
    # UTF-8 only), the cross-lingual stage or dask
    code = (
        "import sys, dedup.prepare, dedup.engines.pool, dedup.engines.local; "
        "print(' '.join(m for m in ('dedup.index', 'dedup.index.sqlite', "
        "'trafilatura', 'warcio', 'dask', 'redis', 'charset_normalizer', "
        "'dedup.crosslingual.anchors', 'dedup.crosslingual.translations', "
        "'dedup.engines.dask.driver') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
