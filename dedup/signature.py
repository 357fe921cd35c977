"""MinHash signatures of shingle sets.

Permutation i maps a 64-bit shingle hash h to ``(h ^ s_i) * m_i`` (mod 2**64) and keeps the
high 32 bits; the signature value is the minimum over the set. `s_i` and `m_i` (odd) come from
splitmix64 of ``seed + i``: pure integer arithmetic, so the same seed gives the same permutations
on every machine and in every version that keeps `SHINGLE_SCHEME_VERSION`. Signatures are
``uint32`` arrays; stored, they are written little-endian (`to_bytes`).

The fraction of equal positions in two signatures estimates the Jaccard similarity of the two
sets (an estimate only: `dedup.verify` computes the exact value of every candidate pair).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dedup.shingle import HashArray, mix64

U64 = np.uint64
SigArray = npt.NDArray[np.uint32]
EMPTY_VALUE = np.uint32(0xFFFFFFFF)
_GOLDEN = 0x9E3779B97F4A7C15
_CHUNK = 4096  # shingles per block: bounds the (num_perm x chunk) temporary to a few MB


def _splitmix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    with np.errstate(over="ignore"):
        return mix64(values * U64(_GOLDEN) + U64(_GOLDEN))


def permutation_params(num_perm: int, seed: int) -> tuple[HashArray, HashArray]:
    """The (xor, multiplier) pair of each permutation, derived from `seed` only."""
    with np.errstate(over="ignore"):
        idx = np.arange(num_perm, dtype=U64) + U64(seed)
        xors = _splitmix(idx)
        mults = _splitmix(idx ^ U64(0xD6E8FEB86659FD93)) | U64(1)
    return xors, mults


class MinHasher:
    """Signs shingle sets with `num_perm` seeded hash permutations."""

    def __init__(self, num_perm: int = 255, seed: int = 1) -> None:
        self.num_perm = num_perm
        self.seed = seed
        xors, mults = permutation_params(num_perm, seed)
        self._xors = xors[:, None]
        self._mults = mults[:, None]

    def sign(self, shingles: HashArray) -> SigArray:
        """The signature of one shingle set; all positions are `EMPTY_VALUE` for an empty set."""
        sig = np.full(self.num_perm, EMPTY_VALUE, dtype=np.uint32)
        with np.errstate(over="ignore"):
            for start in range(0, int(shingles.shape[0]), _CHUNK):
                block = shingles[None, start : start + _CHUNK]
                v = ((block ^ self._xors) * self._mults) >> U64(32)
                np.minimum(sig, v.min(axis=1).astype(np.uint32), out=sig)
        return sig

    def sign_many(self, sets: list[HashArray]) -> npt.NDArray[np.uint32]:
        """Signatures of many sets, shape ``(len(sets), num_perm)``."""
        out = np.empty((len(sets), self.num_perm), dtype=np.uint32)
        for i, s in enumerate(sets):
            out[i] = self.sign(s)
        return out


def to_bytes(sig: SigArray) -> bytes:
    """A signature as little-endian bytes, the stored form."""
    return sig.astype("<u4").tobytes()


def from_bytes(blob: bytes) -> SigArray:
    """Inverse of `to_bytes`."""
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def estimate_jaccard(a: SigArray, b: SigArray) -> float:
    """MinHash estimate of the Jaccard similarity of the sets behind two signatures."""
    return float(np.mean(a == b))
