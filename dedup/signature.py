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
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.config import MinHashConfig, ShingleConfig, renamed
from dedup.errors import ConfigError
from dedup.model import HashArray
from dedup.shingle import IndexArray, ShingleBatch, mix64, mix64_inplace, shingle_batch

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
        x = mix64_inplace(hashes ^ _seed_key(seed))
        values = x.astype(np.uint32)  # the low 32 bits
        # the flat index of each hash's bin, computed in place: bin < num_perm, so the
        # uint64 bits read as int64 are the same number
        x >>= U64(32)
        with np.errstate(over="ignore"):
            x *= U64(num_perm)
        x >>= U64(32)
        at = x.view(np.int64)
        at += np.repeat(np.arange(0, n * num_perm, num_perm, dtype=np.int64), np.diff(offsets))
        np.minimum.at(flat, at, values)
    sig = flat.reshape(n, num_perm)
    _densify(sig, np.diff(offsets) > 0, num_perm, seed)
    return sig


# Densification looks the probe sequences up rather than hashing them for every text:
#: most (empty bin, attempt) pairs handled at once (bounds the temporaries to ~32 MB)
_DENSIFY_BLOCK = 1 << 22
#: the first attempts of every bin's probe sequence are kept in a table per (num_perm, seed)
#: of at most this many entries
_PROBE_TABLE_ENTRIES = 1 << 21
#: the first-hit table (`_first_hits`) is kept for num_perm up to this
_FIRST_HIT_MAX_PERM = 1024
_NEVER = np.iinfo(np.int32).max
_PROBE_TABLES: dict[tuple[int, int], IndexArray] = {}
_FIRST_HITS: dict[tuple[int, int], npt.NDArray[np.int32]] = {}
#: distinct bins of a probe sequence looked at per step of `_densify_walk`
_WALK_WIDTH = 4
_WALKS: dict[tuple[int, int], npt.NDArray[np.int32] | None] = {}
#: index of the lowest set bit of a 4-bit code (4: none set)
_LOWEST_BIT = np.array([4] + [(c & -c).bit_length() - 1 for c in range(1, 16)], dtype=np.int8)


def _compute_probes(
    cols: IndexArray, first: int, count: int, num_perm: int, seed: int
) -> IndexArray:
    """Bins probed by attempts ``first .. first+count-1`` of bins `cols`, shape (cols, count)."""
    key = _seed_key(seed ^ 0x5DEECE66D)
    attempts = np.arange(first, first + count, dtype=U64)
    with np.errstate(over="ignore"):
        probe = mix64((cols.astype(U64) << U64(32))[:, None] ^ attempts[None, :] ^ key)
        return (((probe >> U64(32)) * U64(num_perm)) >> U64(32)).astype(np.int64)


def _probes(cols: IndexArray, first: int, count: int, num_perm: int, seed: int) -> IndexArray:
    """`_compute_probes`, from a table for the first attempts."""
    width = min(1024, _PROBE_TABLE_ENTRIES // num_perm)
    if first + count - 1 > width:
        return _compute_probes(cols, first, count, num_perm, seed)
    table = _PROBE_TABLES.get((num_perm, seed))
    if table is None:
        every = np.arange(num_perm, dtype=np.int64)
        table = _PROBE_TABLES[(num_perm, seed)] = _compute_probes(every, 1, width, num_perm, seed)
    return table[cols, first - 1 : first - 1 + count]


def _first_hits(num_perm: int, seed: int) -> npt.NDArray[np.int32] | None:
    """``R[c, b]``: the first attempt at which bin c's probe sequence lands on bin b
    (`_NEVER` if not within 64 * num_perm attempts); None when num_perm is too large to keep it.

    The bin an empty bin c borrows from is then the filled bin b with the smallest ``R[c, b]``:
    for a text with k filled bins that takes k look-ups per empty bin, where probing takes
    about num_perm / k attempts.
    """
    if num_perm > _FIRST_HIT_MAX_PERM:
        return None
    table = _FIRST_HITS.get((num_perm, seed))
    if table is None:
        every = np.arange(num_perm, dtype=np.int64)
        hits = np.full(num_perm * num_perm, _NEVER, dtype=np.int32)
        attempt = 1
        while attempt <= 64 * num_perm and (hits == _NEVER).any():
            cand = _compute_probes(every, attempt, num_perm, num_perm, seed)
            at = np.broadcast_to(np.arange(attempt, attempt + num_perm, dtype=np.int32), cand.shape)
            np.minimum.at(hits, (every[:, None] * num_perm + cand).ravel(), at.ravel())
            attempt += num_perm
        table = _FIRST_HITS[(num_perm, seed)] = hits.reshape(num_perm, num_perm)
    return table


def _walk_table(num_perm: int, seed: int) -> npt.NDArray[np.int32] | None:
    """``T[c * num_perm + j]``: the j-th to (j+3)-th distinct bins that bin c's probe sequence
    reaches, in the order it first reaches them (rows of the first-hit table sorted). None
    when there is no first-hit table or some bin is not reached within it (never seen for the
    sizes in use: the walk then is not used)."""
    key = (num_perm, seed)
    if key not in _WALKS:
        hits = _first_hits(num_perm, seed)
        table = None
        if hits is not None and (hits != _NEVER).all(axis=1).all():
            order = np.argsort(hits, axis=1, kind="stable").astype(np.int32).ravel()
            padded = np.concatenate((order, np.zeros(_WALK_WIDTH, dtype=np.int32)))
            windows = np.lib.stride_tricks.sliding_window_view(padded, _WALK_WIDTH)
            table = np.ascontiguousarray(windows[: order.size])
        _WALKS[key] = table
    return _WALKS[key]


def _densify_walk(
    flat: npt.NDArray[np.uint32],
    filled: npt.NDArray[np.bool_],
    rows: IndexArray,
    cols: IndexArray,
    table: npt.NDArray[np.int32],
    num_perm: int,
) -> tuple[IndexArray, IndexArray]:
    """Fill empty bins (rows, cols) from the first filled bin of their probe sequence, walking
    the distinct bins of the sequences (`_walk_table`) four at a time, until at most 1% of
    them (or 64) are left; returns the (rows, cols) left. With half the bins of a text
    filled, a step fills ~94% of what is left."""
    dtype = np.int32 if flat.size < 2**31 else np.int64  # int32: half the memory traffic
    base: npt.NDArray[Any] = rows.astype(dtype) * num_perm
    dst = base + cols.astype(dtype)
    at: npt.NDArray[Any] = cols.astype(dtype) * num_perm
    stop = max(64, rows.size // 100)
    done = 0
    while base.size > stop and done + _WALK_WIDTH <= num_perm:
        src: npt.NDArray[Any] = table.take(at, axis=0).astype(dtype, copy=False)
        src += base[:, None]
        g = filled[src]
        first = _LOWEST_BIT[g[:, 0] | (g[:, 1] << 1) | (g[:, 2] << 2) | (g[:, 3] << 3)]
        hit = first < _WALK_WIDTH
        h = np.flatnonzero(hit)
        flat[dst[h]] = flat[src.ravel()[h * _WALK_WIDTH + first[h]]]
        m = np.flatnonzero(~hit)
        base, dst, at = base[m], dst[m], at[m] + _WALK_WIDTH
        done += _WALK_WIDTH
    return (base // num_perm).astype(np.int64), (dst - base).astype(np.int64)


def _densify(
    sig: npt.NDArray[np.uint32], nonempty: npt.NDArray[np.bool_], num_perm: int, seed: int
) -> None:
    """Fill empty bins in place from other bins along a fixed probe sequence per bin.

    Empty bin c of a text takes the value of bin ``probe(c, a)`` for the first attempt
    a = 1, 2, ... that lands on a bin filled by a shingle. The probe sequences depend on the
    bin and the seed only, so they are computed once per (num_perm, seed) and looked up:

    - texts with many filled bins walk their sequences in first-hit order (`_densify_walk`:
      the distinct bins each sequence reaches, in order, four at a time);
    - texts with few filled bins (k * k < num_perm), and the few bins the walk left, take the
      filled bin that their sequence reaches first from the first-hit table (k look-ups an
      empty bin);
    - what is still left (no table: num_perm above `_FIRST_HIT_MAX_PERM`; filled bins all
      beyond the table) probes: all together, attempts in blocks that double in length (1,
      2, 4, ... attempts at a time), which ends in a few numpy passes.

    All give the bin of the first attempt that hits a filled bin: the result is the same.
    """
    empty = sig == EMPTY_VALUE
    rows, cols = np.nonzero(empty & nonempty[:, None])
    if rows.size == 0:
        return
    flat = sig.ravel()
    filled = ~empty.ravel()
    k = num_perm - empty.sum(axis=1)
    hits = _first_hits(num_perm, seed)
    walk = _walk_table(num_perm, seed)
    if hits is not None:
        sparse = (k * k < num_perm)[rows]
        if walk is not None:  # the others walk first; what is left joins the sparse ones
            left_rows, left_cols = _densify_walk(
                flat, filled, rows[~sparse], cols[~sparse], walk, num_perm
            )
            rows = np.concatenate((rows[sparse], left_rows))
            cols = np.concatenate((cols[sparse], left_cols))
            sparse = np.ones(rows.size, dtype=bool)
        if sparse.any():
            done = _densify_sparse(flat, filled, k, rows[sparse], cols[sparse], hits)
            rows = np.concatenate((rows[~sparse], rows[sparse][~done]))
            cols = np.concatenate((cols[~sparse], cols[sparse][~done]))
    base = rows * num_perm
    attempt, block = 1, 1
    while base.size:
        src = base[:, None] + _probes(cols, attempt, block, num_perm, seed)
        hit = filled[src]
        ok = hit.any(axis=1)
        first = hit.argmax(axis=1)
        # a filled bin is never written here, so reading sig gives its own shingle's value
        flat[base[ok] + cols[ok]] = flat[src[ok, first[ok]]]
        base, cols = base[~ok], cols[~ok]
        attempt += block
        block = max(1, min(block * 2, _DENSIFY_BLOCK // max(base.size, 1)))
    if not np.shares_memory(flat, sig):  # sig was not contiguous: ravel made a copy
        sig[...] = flat.reshape(sig.shape)


def _densify_sparse(
    flat: npt.NDArray[np.uint32],
    filled: npt.NDArray[np.bool_],
    k: IndexArray,
    rows: IndexArray,
    cols: IndexArray,
    hits: npt.NDArray[np.int32],
) -> npt.NDArray[np.bool_]:
    """Fill empty bins (rows, cols) of texts with few filled bins from the first-hit table;
    returns which were filled (a pair whose filled bins all lie beyond the table is not)."""
    num_perm = hits.shape[0]
    # the filled bins of every row concerned, row by row
    urows = np.unique(rows)
    _, fbin = np.nonzero(filled.reshape(-1, num_perm)[urows])
    fstart = np.zeros(urows.size + 1, dtype=np.int64)
    np.cumsum(k[urows], out=fstart[1:])
    slot = np.searchsorted(urows, rows)
    # one (empty bin, filled bin) pair for each filled bin of its row
    per = k[rows]
    seg = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(per, out=seg[1:])
    owner = np.repeat(np.arange(rows.size), per)
    b = fbin[fstart[slot][owner] + np.arange(seg[-1]) - seg[:-1][owner]]
    # first-hit attempt and bin in one key: attempts differ across bins, so the minimum is unique
    key = hits[cols[owner], b].astype(np.int64) * num_perm + b
    best = np.minimum.reduceat(key, seg[:-1])
    ok: npt.NDArray[np.bool_] = best // num_perm < _NEVER
    src = rows[ok] * num_perm + best[ok] % num_perm
    flat[rows[ok] * num_perm + cols[ok]] = flat[src]
    return ok


@renamed("ngram", "shingle_size")
class MinHasher:
    """MinHash signatures of texts: normalisation, k-word shingles and hashing included.

    ``MinHasher(num_perm=128, shingle_size=5, seed=1).signatures(texts)`` returns a ``uint32``
    array of shape ``(len(texts), num_perm)``. A text with no words gets all positions
    `EMPTY_VALUE`.

    `num_perm`: positions of a signature (`MinHashConfig.num_perm`, ``--num-perm``; a scan
    uses 255). `shingle_size`: words a shingle (`ShingleConfig.shingle_size`,
    ``--shingle-size``; ``ngram=`` is its deprecated name). `seed`: the hashing seed
    (`MinHashConfig.seed`).
    """

    def __init__(self, num_perm: int = 128, shingle_size: int = 5, seed: int = 1) -> None:
        # the rules of the settings they are: ConfigError as a scan's config gives it
        MinHashConfig(num_perm=num_perm, bands=1, seed=seed)
        ShingleConfig(shingle_size=shingle_size)
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed

    def signatures(self, texts: str | Sequence[str]) -> npt.NDArray[np.uint32]:
        """Signatures of `texts` (already extracted), one row a text; one text given alone (a
        ``str``) is one text, one row (not one a character)."""
        if isinstance(texts, str):
            texts = [texts]
        elif not all(isinstance(t, str) for t in texts):
            raise ConfigError("MinHasher.signatures: texts must be a str or a sequence of str")
        return self.sign_batch(shingle_batch(texts, self.shingle_size))

    def sign_batch(self, batch: ShingleBatch) -> npt.NDArray[np.uint32]:
        """Signatures of texts already shingled (`dedup.shingle.shingle_batch`)."""
        return oph_signatures(batch.hashes, batch.offsets, self.num_perm, self.seed)


def to_bytes(sig: SigArray) -> bytes:
    """A signature as little-endian bytes, the stored form."""
    return sig.astype("<u4").tobytes()


def from_bytes(blob: bytes) -> SigArray:
    """Inverse of `to_bytes`."""
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def estimate_jaccard(a: SigArray, b: SigArray) -> float:
    """MinHash estimate of the Jaccard similarity of the sets behind two signatures."""
    return float(np.mean(a == b))
