"""The package's public names, and what importing it loads."""

from __future__ import annotations

import subprocess
import sys

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


def test_a_worker_imports_the_pipeline_only() -> None:
    # a worker process (`import dedup.prepare`) and a scan of plain text do not load the index
    # stores, trafilatura (HTML only), warcio (WARC only), charset_normalizer (text that is not
    # UTF-8 only), the cross-lingual stage or dask
    code = (
        "import sys, dedup.prepare, dedup.parallel; "
        "print(' '.join(m for m in ('dedup.index.persistent', 'dedup.index.sqlite', "
        "'trafilatura', 'warcio', 'dask', 'redis', 'charset_normalizer', 'dedup.anchors', "
        "'dedup.crosslingual') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
