"""Word shingles of normalised text, hashed to 64-bit integers.

Each token is hashed once with xxh3-64 (seeded); the hash of a shingle of k tokens is computed
from its token hashes in numpy: ``h = 0; for j in 0..k-1: h = (h ^ t[i+j]) * P`` (mod 2**64,
P = 0x100000001B3 << 32 | 0x9E3779B1, an odd 64-bit multiplier), then a 64-bit avalanche
(splitmix64's finaliser). The scheme is order sensitive, seeded, and byte-order free: it is
plain integer arithmetic, identical on every machine. Changing it means bumping
`dedup.config.SHINGLE_SCHEME_VERSION`.

A text with fewer than k tokens (but at least one) has a single shingle of all its tokens.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import xxhash

from dedup.normalize import normalize

U64 = np.uint64
_MULT = U64(0x100000001B3_9E3779B1 & 0xFFFFFFFFFFFFFFFF)
_MIX1 = U64(0xBF58476D1CE4E5B9)
_MIX2 = U64(0x94D049BB133111EB)

HashArray = npt.NDArray[np.uint64]


def mix64(x: HashArray) -> HashArray:
    """splitmix64's finaliser: a bijective 64-bit avalanche, elementwise."""
    x = x ^ (x >> U64(30))
    x = x * _MIX1
    x = x ^ (x >> U64(27))
    x = x * _MIX2
    return x ^ (x >> U64(31))


def token_hashes(toks: list[str], seed: int = 0) -> HashArray:
    """xxh3-64 of every token (UTF-8), with `seed`."""
    h = xxhash.xxh3_64_intdigest
    return np.fromiter((h(t.encode(), seed) for t in toks), dtype=U64, count=len(toks))


def shingle_hashes_from_tokens(th: HashArray, k: int) -> HashArray:
    """Hashes of every k-token window of `th` (in order, with repeats)."""
    n = int(th.shape[0])
    if n == 0:
        return np.empty(0, dtype=U64)
    m = max(n - k + 1, 1)
    width = min(k, n)
    acc = np.zeros(m, dtype=U64)
    with np.errstate(over="ignore"):
        for j in range(width):
            acc = (acc ^ th[j : j + m]) * _MULT
        return mix64(acc)


def shingle_set(text: str, k: int = 5, seed: int = 0) -> HashArray:
    """Sorted unique shingle hashes of `text` (normalised first). Empty for a text with no words."""
    norm = normalize(text)
    toks = norm.split(" ") if norm else []
    return np.unique(shingle_hashes_from_tokens(token_hashes(toks, seed), k))
