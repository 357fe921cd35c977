"""MinHash signatures by one-permutation hashing with optimal densification.

Each shingle hash h of a text is mixed once with the seed, ``x = mix64(h ^ S)``; the high 32
bits of x pick one of `num_perm` bins (``((x >> 32) * num_perm) >> 32``) and the low 32 bits are
its value; a bin keeps the minimum value that falls in it (Li, Owen & Zhang 2012). A bin that no
shingle fell in borrows the value of another bin, chosen by a fixed pseudo-random probe sequence
that depends only on the bin and the seed (optimal densification, Shrivastava 2017), so that two
texts agree on a position with probability equal to their Jaccard similarity. One hash per
shingle instead of one per shingle and permutation: the cost does not grow with `num_perm`.

Signatures are ``uint32`` arrays of shape ``(n, num_perm)``; stored, they are written
little-endian (`to_bytes`). ``S = mix64(seed * G + G)``: the same seed gives the same signature
on every machine, in every batch, in every version that keeps `SHINGLE_SCHEME_VERSION`.
The fraction of equal positions estimates Jaccard similarity (an estimate only:
`dedup.verify` computes the exact value of every candidate pair).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dedup.shingle import HashArray, IndexArray, ShingleBatch, mix64, shingle_batch

U64 = np.uint64
SigArray = npt.NDArray[np.uint32]
EMPTY_VALUE = np.uint32(0xFFFFFFFF)
_G = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1


def _seed_key(seed: int) -> np.uint64:
    return U64(int(mix64(np.array([(seed * _G + _G) & _MASK], dtype=U64))[0]))


def oph_signatures(
    hashes: HashArray, offsets: IndexArray, num_perm: int, seed: int
) -> npt.NDArray[np.uint32]:
    """Signatures of texts whose shingle hashes are ``hashes[offsets[i]:offsets[i+1]]``."""
    n = int(offsets.size - 1)
    flat = np.full(n * num_perm, EMPTY_VALUE, dtype=np.uint32)
    if hashes.size:
        x = mix64(hashes ^ _seed_key(seed))
        with np.errstate(over="ignore"):
            bins = (((x >> U64(32)) * U64(num_perm)) >> U64(32)).astype(np.int64)
        values = (x & U64(0xFFFFFFFF)).astype(np.uint32)
        doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
        np.minimum.at(flat, doc * num_perm + bins, values)
    sig = flat.reshape(n, num_perm)
    _densify(sig, np.diff(offsets) > 0, num_perm, seed)
    return sig


def _densify(
    sig: npt.NDArray[np.uint32], nonempty: npt.NDArray[np.bool_], num_perm: int, seed: int
) -> None:
    """Fill empty bins in place from other bins along a fixed probe sequence per bin."""
    filled = sig != EMPTY_VALUE
    rows, cols = np.nonzero(~filled & nonempty[:, None])
    if rows.size == 0:
        return
    key = _seed_key(seed ^ 0x5DEECE66D)
    src_vals = sig.copy()
    attempt = 1
    while rows.size:
        with np.errstate(over="ignore"):
            probe = mix64((cols.astype(U64) << U64(32)) ^ U64(attempt) ^ key)
            cand = (((probe >> U64(32)) * U64(num_perm)) >> U64(32)).astype(np.int64)
        ok = filled[rows, cand]
        sig[rows[ok], cols[ok]] = src_vals[rows[ok], cand[ok]]
        rows, cols = rows[~ok], cols[~ok]
        attempt += 1


class MinHasher:
    """MinHash signatures of texts: normalisation, k-word shingles and hashing included.

    ``MinHasher(num_perm=128, ngram=5, seed=1).signatures(texts)`` returns a ``uint32`` array of
    shape ``(len(texts), num_perm)``. A text with no words gets all positions `EMPTY_VALUE`.
    """

    def __init__(self, num_perm: int = 128, ngram: int = 5, seed: int = 1) -> None:
        if num_perm < 1 or ngram < 1:
            raise ValueError("num_perm and ngram must be positive")
        self.num_perm = num_perm
        self.ngram = ngram
        self.seed = seed

    def signatures(self, texts: Sequence[str]) -> npt.NDArray[np.uint32]:
        """Signatures of a batch of already-extracted texts."""
        return self.sign_batch(shingle_batch(texts, self.ngram))

    def sign_batch(self, batch: ShingleBatch) -> npt.NDArray[np.uint32]:
        """Signatures of texts already shingled (`dedup.shingle.shingle_batch`)."""
        return oph_signatures(batch.hashes, batch.offsets, self.num_perm, self.seed)

    def sign_set(self, shingles: HashArray) -> SigArray:
        """The signature of one set of shingle hashes."""
        offsets = np.array([0, shingles.size], dtype=np.int64)
        sig: SigArray = oph_signatures(shingles, offsets, self.num_perm, self.seed)[0]
        return sig


def to_bytes(sig: SigArray) -> bytes:
    """A signature as little-endian bytes, the stored form."""
    return sig.astype("<u4").tobytes()


def from_bytes(blob: bytes) -> SigArray:
    """Inverse of `to_bytes`."""
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def estimate_jaccard(a: SigArray, b: SigArray) -> float:
    """MinHash estimate of the Jaccard similarity of the sets behind two signatures."""
    return float(np.mean(a == b))
