"""How a document is referred to across the partitions of a Dask scan: ``ref = partition << 32 |
index`` (an int64; up to 2**31 partitions of 2**32 documents)."""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

RefArray = npt.NDArray[np.int64]
SHIFT = 32
MASK = (1 << SHIFT) - 1


@overload
def ref(partition: int, index: int) -> int: ...
@overload
def ref(partition: int, index: RefArray) -> RefArray: ...
def ref(partition: int, index: int | RefArray) -> int | RefArray:
    """The reference of document `index` (or of each of an array of them) of `partition`."""
    return (partition << SHIFT) | index


def partition_of(r: int) -> int:
    return r >> SHIFT


def index_of(r: int) -> int:
    return r & MASK
