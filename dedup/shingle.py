"""Word shingles of normalised text, hashed to 64-bit integers, computed a batch at a time.

A whole batch of texts is folded (NFKC + case folding) as one string and turned into one array
of code points; the character classes of `dedup.normalize` are looked up, token boundaries found
and token hashes computed with numpy, without a Python loop over words. The hashing scheme:

- token hash: ``mix64(poly ^ (len * G) ^ K)`` where ``poly = sum(c_i * P**i)`` over the
  token's coded points ``c_i = class << 24 | code point`` (see `dedup.normalize`), mod 2**64,
  P an odd constant; computed for every token at once from prefix sums of
  ``c * P**position`` and the modular inverse of P; G the golden ratio constant, K a key;
- shingle hash of tokens t_0..t_k-1: ``h = 0; for t: h = (h ^ t) * M``, then ``mix64(h)``
  (M an odd 64-bit constant); a text with fewer than k tokens (but at least one) has a single
  shingle of all its tokens;
- `mix64` is the splitmix64 finaliser.

It is plain unsigned 64-bit arithmetic: identical on every machine and independent of how texts
are grouped into batches (a test holds this). Changing any of it means bumping
`dedup.config.SHINGLE_SCHEME_VERSION`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedup.normalize import (
    APOSTROPHE,
    CLASS_SHIFT,
    MULTI,
    SOLO,
    WORD,
    bmp_fold_table,
    bmp_table,
    char_class,
)

U64 = np.uint64
HashArray = npt.NDArray[np.uint64]
IndexArray = npt.NDArray[np.int64]

_P = 0xC6A4A7935BD1E995  # odd base of the polynomial token hash (MurmurHash64A's multiplier)
_G = 0x9E3779B97F4A7C15
_K = 0x2545F4914F6CDD1D
_M = 0xFF51AFD7ED558CCD  # odd multiplier combining token hashes (MurmurHash3's fmix64)
_MIX1 = U64(0xBF58476D1CE4E5B9)
_MIX2 = U64(0x94D049BB133111EB)
_MASK = (1 << 64) - 1
#: characters per internal chunk: bounds the power tables and temporaries (~70 MB at most)
CHUNK_CHARS = 1 << 21


def mix64(x: HashArray) -> HashArray:
    """splitmix64's finaliser: a bijective 64-bit avalanche, elementwise."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> U64(30))
        x = x * _MIX1
        x = x ^ (x >> U64(27))
        x = x * _MIX2
        return x ^ (x >> U64(31))


def _inverse(a: int) -> int:
    """Inverse of odd `a` modulo 2**64 (Newton's iteration)."""
    x = a
    for _ in range(6):
        x = (x * (2 - a * x)) & _MASK
    return x


class _Powers:
    """P**i and P**-i mod 2**64 for i < n, grown on demand."""

    def __init__(self) -> None:
        self.pw = np.ones(1, dtype=U64)
        self.inv = np.ones(1, dtype=U64)

    def get(self, n: int) -> tuple[HashArray, HashArray]:
        if self.pw.size < n:
            size = max(n, 2 * self.pw.size)
            with np.errstate(over="ignore"):
                self.pw = np.cumprod(np.full(size, U64(_P), dtype=U64), dtype=U64) * U64(
                    _inverse(_P)
                )
                self.inv = np.cumprod(np.full(size, U64(_inverse(_P)), dtype=U64), dtype=U64) * U64(
                    _P
                )
        return self.pw[:n], self.inv[:n]


_POWERS = _Powers()


def _coded_points(joined: str) -> npt.NDArray[np.uint32]:
    """NFKC + case folding of `joined`, each character coded ``class << 24 | code point``."""
    nfkc = unicodedata.normalize("NFKC", joined)
    cp = np.frombuffer(nfkc.encode("utf-32-le"), dtype=np.uint32)
    if cp.size == 0:
        return cp
    if int(cp.max()) <= 0xFFFF:
        coded = bmp_fold_table().take(cp)
        if int(coded.max()) != MULTI:
            return coded
    # a character that folds to several, or beyond the table: fold the string itself
    cp = np.frombuffer(nfkc.casefold().encode("utf-32-le"), dtype=np.uint32)
    cls = bmp_table().take(cp, mode="clip")
    if int(cp.max()) > 0xFFFF:
        idx = np.flatnonzero(cp > 0xFFFF)
        uniq, inv = np.unique(cp[idx], return_inverse=True)
        cls[idx] = np.array([char_class(int(u)) for u in uniq], dtype=np.uint8)[inv]
    return (cls.astype(np.uint32) << np.uint32(CLASS_SHIFT)) | cp


def token_hashes_batch(texts: Sequence[str]) -> tuple[HashArray, IndexArray]:
    """Token hashes of every text, concatenated, and each text's token count.

    Texts are processed in chunks of about `CHUNK_CHARS` characters; results do not depend on
    the chunking.
    """
    hashes: list[HashArray] = []
    counts: list[IndexArray] = []
    start = 0
    while start < len(texts):
        size, end = 0, start
        while end < len(texts) and (end == start or size + len(texts[end]) < CHUNK_CHARS):
            size += len(texts[end]) + 1
            end += 1
        h, c = _token_hashes_chunk(texts[start:end])
        hashes.append(h)
        counts.append(c)
        start = end
    if not hashes:
        return np.empty(0, dtype=U64), np.empty(0, dtype=np.int64)
    return np.concatenate(hashes), np.concatenate(counts)


def _token_hashes_chunk(texts: Sequence[str]) -> tuple[HashArray, IndexArray]:
    # NUL separates texts: a separator class, so no token crosses from one text to the next.
    joined = "\x00".join(t.replace("\x00", " ") if "\x00" in t else t for t in texts)
    cp = _coded_points(joined)
    n = cp.size
    if n == 0:
        return np.empty(0, dtype=U64), np.zeros(len(texts), dtype=np.int64)
    cls = (cp >> np.uint32(CLASS_SHIFT)).astype(np.uint8)
    # apostrophes between two WORD characters vanish; all others separate
    apos = np.flatnonzero(cls == APOSTROPHE)
    if apos.size:
        inner = apos[(apos > 0) & (apos < n - 1)]
        inner = inner[(cls[inner - 1] == WORD) & (cls[inner + 1] == WORD)]
        cls[apos] = 0
        if inner.size:
            keep = np.ones(n, dtype=bool)
            keep[inner] = False
            cp, cls = cp[keep], cls[keep]
            n = cp.size
    is_word = cls == WORD
    if (cls == SOLO).any():
        is_tok = is_word | (cls == SOLO)
        prev_word = np.concatenate(([False], is_word[:-1]))
        next_word = np.concatenate((is_word[1:], [False]))
        starts = np.flatnonzero(is_tok & ~(is_word & prev_word))
        ends = np.flatnonzero(is_tok & ~(is_word & next_word)) + 1  # exclusive
    else:
        # tokens are the runs of WORD characters: their edges are where is_word flips
        padded = np.zeros(n + 2, dtype=np.int8)
        padded[1:-1] = is_word
        edges = np.flatnonzero(np.diff(padded))
        starts, ends = edges[0::2], edges[1::2]
    # tokens per text: how many tokens start before each NUL separator
    doc_breaks = np.flatnonzero(cp == 0)
    bounds = np.concatenate(([0], np.searchsorted(starts, doc_breaks), [starts.size]))
    counts = np.diff(bounds).astype(np.int64)
    # polynomial hashes from prefix sums: prefix[i] = sum of cp[j] * P**j for j < i, over the
    # coded points (class << 24 | code point: never zero for a token character)
    pw, inv = _POWERS.get(n)
    prefix = np.empty(n + 1, dtype=U64)
    prefix[0] = 0
    with np.errstate(over="ignore"):
        np.multiply(cp, pw, out=prefix[1:], dtype=U64)
        np.cumsum(prefix[1:], out=prefix[1:])
        poly = (prefix[ends] - prefix[starts]) * inv[starts]
        lengths = (ends - starts).astype(U64)
        th = mix64(poly ^ (lengths * U64(_G)) ^ U64(_K))
    return th, counts


def shingles_from_tokens(th: HashArray, counts: IndexArray, k: int) -> tuple[HashArray, IndexArray]:
    """Shingle hashes (in order, repeats kept) of every text and each text's shingle count."""
    ndoc = counts.size
    tok_start = np.zeros(ndoc + 1, dtype=np.int64)
    np.cumsum(counts, out=tok_start[1:])
    ntok = int(tok_start[-1])
    # each full window i covers tokens i..i+k-1 of the same text
    sh_counts = np.where(counts >= k, counts - k + 1, np.minimum(counts, 1)).astype(np.int64)
    if ntok == 0:
        return np.empty(0, dtype=U64), sh_counts
    m = max(ntok - k + 1, 0)
    acc = np.zeros(m, dtype=U64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = (acc ^ th[j : j + m]) * U64(_M)
    # window i is valid when it ends inside the text it starts in
    doc_of_tok = np.repeat(np.arange(ndoc), counts)
    valid = doc_of_tok[:m] == doc_of_tok[k - 1 : k - 1 + m] if m else np.empty(0, dtype=bool)
    full = acc[valid]
    short_docs = np.flatnonzero((counts > 0) & (counts < k))
    if short_docs.size == 0:
        return mix64(full), sh_counts
    # texts shorter than k: one shingle of all their tokens, put in text order
    shorts = np.empty(short_docs.size, dtype=U64)
    with np.errstate(over="ignore"):
        for n, d in enumerate(short_docs.tolist()):
            h = U64(0)
            for t in th[tok_start[d] : tok_start[d + 1]]:
                h = (h ^ t) * U64(_M)
            shorts[n] = h
    out = np.empty(int(sh_counts.sum()), dtype=U64)
    sh_start = np.zeros(ndoc + 1, dtype=np.int64)
    np.cumsum(sh_counts, out=sh_start[1:])
    is_short = np.zeros(out.size, dtype=bool)
    is_short[sh_start[short_docs]] = True
    out[is_short] = shorts
    out[~is_short] = full
    return mix64(out), sh_counts


@dataclass(frozen=True, slots=True)
class ShingleBatch:
    """Shingle hashes of a batch of texts: text i owns ``hashes[offsets[i]:offsets[i+1]]``."""

    hashes: HashArray
    offsets: IndexArray

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    def of(self, i: int) -> HashArray:
        """Shingle hashes of text i, in text order with repeats."""
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]

    def sets(self) -> list[HashArray]:
        """Sorted unique shingle hashes of every text (what exact verification compares)."""
        return [np.unique(self.of(i)) for i in range(len(self))]


def shingle_batch(texts: Sequence[str], k: int = 5) -> ShingleBatch:
    """Shingle hashes of every text in `texts` (k-word shingles over normalised text)."""
    th, counts = token_hashes_batch(texts)
    hashes, sh_counts = shingles_from_tokens(th, counts, k)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(sh_counts, out=offsets[1:])
    return ShingleBatch(hashes, offsets)


def shingle_set(text: str, k: int = 5) -> HashArray:
    """Sorted unique shingle hashes of one text. Empty for a text with no words."""
    return np.unique(shingle_batch([text], k).of(0))
