"""Shared test helpers. Tests on ../shared/data skip with a reason when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"

needs_shared_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(),
    reason="../shared/data (real evaluation data sets) is not present in this checkout",
)


@pytest.fixture
def shared_example() -> str:
    """The seed page of a translated syndicated copy (../shared/examples)."""
    path = ROOT.parent / "shared" / "examples" / "syndicated-copy-fr.txt"
    if not path.is_file():
        pytest.skip("../shared/examples/syndicated-copy-fr.txt is not present in this checkout")
    return path.read_text(encoding="utf-8")
