"""Word shingles of normalised text, hashed to 64-bit integers, computed a batch at a time.

Each text of a batch is put in NFKC (only the lines that need it), the batch joined into one
array of code points and case-folded with the character classes of `dedup.normalize` in one
table lookup; token boundaries are found and token hashes computed with numpy, without a Python
loop over words. The hashing scheme:

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
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.model import HashArray, Layout
from dedup.normalize import (
    APOSTROPHE,
    CLASS_SHIFT,
    MULTI,
    SEPARATOR,
    SOLO,
    WORD,
    bmp_fold_table,
    bmp_table,
    char_class,
)

U64 = np.uint64
IndexArray = npt.NDArray[np.int64]

_P = 0xC6A4A7935BD1E995  # odd base of the polynomial token hash (MurmurHash64A's multiplier)
_G = 0x9E3779B97F4A7C15
_K = 0x2545F4914F6CDD1D
_M = 0xFF51AFD7ED558CCD  # odd multiplier combining token hashes (MurmurHash3's fmix64)
_MIX1 = U64(0xBF58476D1CE4E5B9)
_MIX2 = U64(0x94D049BB133111EB)
_MASK = (1 << 64) - 1
#: characters per internal chunk: bounds the power tables and temporaries. A chunk's 64-bit
#: arrays (~2 MB at this size) stay in cache between the passes over them: signing
#: 600-word articles is ~13% faster than in chunks of 2M characters (AMD EPYC), and smaller
#: chunks lose it again to the per-chunk numpy calls
CHUNK_CHARS = 1 << 18


def mix64(x: HashArray) -> HashArray:
    """splitmix64's finaliser: a bijective 64-bit avalanche, elementwise (a new array)."""
    if not isinstance(x, np.ndarray) or x.ndim == 0:
        with np.errstate(over="ignore"):
            x = x ^ (x >> U64(30))
            x = x * _MIX1
            x = x ^ (x >> U64(27))
            x = x * _MIX2
            return x ^ (x >> U64(31))
    return mix64_inplace(np.array(x, dtype=U64))


def mix64_inplace(x: HashArray) -> HashArray:
    """`mix64` of a contiguous ``uint64`` array, computed in it (one temporary instead of
    eight); returns it."""
    y = np.empty_like(x)
    with np.errstate(over="ignore"):
        np.right_shift(x, U64(30), out=y)
        x ^= y
        x *= _MIX1
        np.right_shift(x, U64(27), out=y)
        x ^= y
        x *= _MIX2
        np.right_shift(x, U64(31), out=y)
        x ^= y
    return x


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


def _nfkc(text: str) -> str:
    """NFKC of one text, normalising only the lines that need it.

    A line break is a stable boundary for NFKC (a starter that takes part in no composition
    and is its own normal form), so NFKC of the whole text is the NFKC of its lines joined by
    line breaks. Most news text is ASCII, or normalised but for a non-breaking space or an
    ellipsis character, which are replaced by their NFKC forms directly: only the lines that
    still need it are normalised, several times faster than whole texts (or one string a
    batch)."""
    if text.isascii():
        return text
    # the two characters that most often make news text not NFKC, replaced by their NFKC forms
    # (both are starters that compose with nothing, as are their replacements)
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    if "\u2026" in text:
        text = text.replace("\u2026", "...")
    if unicodedata.is_normalized("NFKC", text):
        return text
    return "\n".join(unicodedata.normalize("NFKC", line) for line in text.split("\n"))


def _fold_slow(text: str) -> npt.NDArray[np.uint32]:
    """Case folding and classes of an NFKC text by folding the string itself: for a text with
    a character that folds to several, or a character beyond the BMP."""
    cp = np.frombuffer(text.casefold().encode("utf-32-le"), dtype=np.uint32)
    if cp.size == 0:
        return cp
    cls = bmp_table().take(cp, mode="clip")
    if int(cp.max()) > 0xFFFF:
        idx = np.flatnonzero(cp > 0xFFFF)
        uniq, inv = np.unique(cp[idx], return_inverse=True)
        cls[idx] = np.array([char_class(int(u)) for u in uniq], dtype=np.uint8)[inv]
    return (cls.astype(np.uint32) << np.uint32(CLASS_SHIFT)) | cp


@lru_cache(maxsize=1)
def _fold_nfkc_table() -> npt.NDArray[np.uint32]:
    """`dedup.normalize.bmp_fold_table` for text that has not been put in NFKC.

    A character that NFKC leaves alone, in any context, keeps its entry; one whose NFKC form
    is only separators (a non-breaking or thin space, an ellipsis, ...) is coded as a space:
    the tokens are the same, since separators only part them. Every other character gets
    `MULTI` (the string path): those that NFKC changes, and those it may merge with the
    character before them or move (combining marks of any class, Hangul jamo: the second
    characters of every canonical composition are among them), and the surrogates (of the
    characters beyond the BMP, in UTF-16).
    """
    table = bmp_fold_table().copy()
    space = np.uint32((SEPARATOR << CLASS_SHIFT) | 0x20)
    for cp in range(0x80, 0x10000):
        ch = chr(cp)
        if (
            unicodedata.combining(ch)
            or unicodedata.category(ch)[0] == "M"
            or 0x1100 <= cp <= 0x11FF
        ):
            table[cp] = MULTI
            continue
        nf = unicodedata.normalize("NFKC", ch)
        if nf == ch:
            continue
        if all(char_class(ord(c)) == SEPARATOR for c in nf.casefold()):
            table[cp] = space
        else:
            table[cp] = MULTI
    table[0xD800:0xE000] = MULTI
    return table


def _coded_points(texts: Sequence[str], slow: list[int] | None = None) -> npt.NDArray[np.uint32]:
    """NFKC + case folding of `texts` joined by NUL, each character coded
    ``class << 24 | code point`` (NUL codes to 0; `texts` must hold no NUL).

    One table lookup (`_fold_nfkc_table`) folds and classifies the characters of the texts
    that NFKC leaves as they are, the great majority; only the texts holding a character the
    table cannot code are put in NFKC and case-folded as strings, their codes spliced in.
    Case folding maps characters one at a time, so this equals folding the whole joined
    string. (The codes of separators may differ from those of the NFKC text: a separator's
    code never reaches a token hash.) The texts that took the string path, whose codes are
    those of their normalised form (not one a character of the text), are added to `slow`.
    """
    # UTF-16 (half the bytes of UTF-32): a character beyond the BMP is a surrogate pair, and
    # surrogates send their text down the string path
    cp = np.frombuffer("\x00".join(texts).encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if cp.size == 0:
        return np.empty(0, dtype=np.uint32)
    # every index is in range (uint16): "wrap" skips the bounds checks of the default "raise"
    coded = _fold_nfkc_table().take(cp, mode="wrap")
    if int(coded.max()) != MULTI:
        return coded
    bad = np.flatnonzero(coded == MULTI)
    breaks = np.flatnonzero(cp == 0)
    bad_docs = np.unique(np.searchsorted(breaks, bad)).tolist()
    starts = np.concatenate(([0], breaks + 1)).tolist()
    ends = [*breaks.tolist(), cp.size]
    pieces: list[npt.NDArray[np.uint32]] = []
    prev = 0
    if slow is not None:
        slow.extend(bad_docs)
    for d in bad_docs:
        pieces.append(coded[prev : starts[d]])
        pieces.append(_fold_slow(_nfkc(texts[d])))
        prev = ends[d]
    pieces.append(coded[prev:])
    return np.concatenate(pieces)


@dataclass(frozen=True, slots=True)
class Words:
    """Where the tokens of a batch of texts are, token by token (all texts concatenated):
    `starts`/`ends`, the character offsets (Python string indices) of each token in its own
    text, end exclusive; `sentence` True where a token begins a sentence; `quoted` True for a
    token inside double quotes (counted from the start of its paragraph) or in a paragraph that
    names a social-media handle (an embedded post: "... — Name (@handle) July 16, 2018")."""

    starts: npt.NDArray[np.int32]
    ends: npt.NDArray[np.int32]
    sentence: npt.NDArray[np.bool_]
    quoted: npt.NDArray[np.bool_]


def token_hashes_batch(texts: Sequence[str]) -> tuple[HashArray, IndexArray]:
    """Token hashes of every text, concatenated, and each text's token count.

    Texts are processed in chunks of about `CHUNK_CHARS` characters; results do not depend on
    the chunking.
    """
    h, c, _ = _token_hashes(texts, words=False)
    return h, c


def _token_hashes(texts: Sequence[str], words: bool) -> tuple[HashArray, IndexArray, Words | None]:
    hashes: list[HashArray] = []
    counts: list[IndexArray] = []
    where: list[Words] = []
    start = 0
    while start < len(texts):
        size, end = 0, start
        while end < len(texts) and (end == start or size + len(texts[end]) < CHUNK_CHARS):
            size += len(texts[end]) + 1
            end += 1
        h, c, w = _token_hashes_chunk(texts[start:end], words)
        hashes.append(h)
        counts.append(c)
        if w is not None:
            where.append(w)
        start = end
    if not hashes:
        empty = np.empty(0, dtype=np.int32)
        no = np.empty(0, dtype=bool)
        none = Words(empty, empty, no, no) if words else None
        return np.empty(0, dtype=U64), np.empty(0, dtype=np.int64), none
    joined = None
    if words:
        joined = Words(
            np.concatenate([w.starts for w in where]),
            np.concatenate([w.ends for w in where]),
            np.concatenate([w.sentence for w in where]),
            np.concatenate([w.quoted for w in where]),
        )
    return np.concatenate(hashes), np.concatenate(counts), joined


#: code points that end a sentence: full stops, question and exclamation marks (Latin, CJK,
#: Arabic, Devanagari); a blank line (two line breaks) ends one too, a single line break does
#: not (hard-wrapped text breaks lines inside sentences)
_TERMINALS = ".!?\u3002\uff01\uff1f\u061f\u0964"
#: double quotation marks (straight, curly, low, guillemets)
_QUOTES = '"\u201c\u201d\u201e\u00ab\u00bb'


@lru_cache(maxsize=1)
def _marks_table() -> npt.NDArray[np.uint8]:
    """1 at the code of a sentence terminal, 2 at the line break's, over the BMP codes of
    separators (class 0: the code is the code point); 0 elsewhere, and in the last slot,
    where every larger code is clipped."""
    table = np.zeros(0x10001, dtype=np.uint8)
    for ch in _TERMINALS:
        table[ord(ch)] = 1
    table[10] = 2
    for ch in _QUOTES:
        table[ord(ch)] = 3
    table[ord("@")] = 4
    return table


#: a sentence of fewer tokens is joined to the next ("U.S.", "Mr.", "No. 1", a list marker)
MIN_SENTENCE_TOKENS = 4


def _token_hashes_chunk(
    texts: Sequence[str], words: bool = False
) -> tuple[HashArray, IndexArray, Words | None]:
    # NUL separates texts: a separator class, so no token crosses from one text to the next.
    slow: list[int] = []
    texts = [t.replace("\x00", " ") if "\x00" in t else t for t in texts]
    cp = _coded_points(texts, slow)
    n = cp.size
    if n == 0:
        none = None
        if words:
            empty = np.empty(0, dtype=np.int32)
            no = np.empty(0, dtype=bool)
            none = Words(empty, empty, no, no)
        return np.empty(0, dtype=U64), np.zeros(len(texts), dtype=np.int64), none
    cls = (cp >> np.uint32(CLASS_SHIFT)).astype(np.uint8)
    # apostrophes between two WORD characters vanish; all others separate. The vanishing ones
    # are kept in place as part of their token here, and taken out of its hash below.
    apos = np.flatnonzero(cls == APOSTROPHE)
    inner = apos[:0]
    if apos.size:
        inner = apos[(apos > 0) & (apos < n - 1)]
        inner = inner[(cls[inner - 1] == WORD) & (cls[inner + 1] == WORD)]
        cls[apos] = SEPARATOR
        cls[inner] = WORD
    is_word = cls == WORD
    if (cls == SOLO).any():
        is_tok = is_word | (cls == SOLO)
        prev_word = np.concatenate(([False], is_word[:-1]))
        next_word = np.concatenate((is_word[1:], [False]))
        starts = np.flatnonzero(is_tok & ~(is_word & prev_word))
        ends = np.flatnonzero(is_tok & ~(is_word & next_word)) + 1  # exclusive
        edges = np.empty(2 * starts.size, dtype=starts.dtype)
        edges[0::2], edges[1::2] = starts, ends
    else:
        # tokens are the runs of WORD characters: their edges are where is_word flips
        padded = np.zeros(n + 2, dtype=bool)
        padded[1:-1] = is_word
        edges = np.flatnonzero(padded[1:] != padded[:-1])
        # contiguous copies: searchsorted would copy a strided array at every call
        starts, ends = edges[0::2].copy(), edges[1::2].copy()
    # tokens per text: how many tokens start before each NUL separator. With no text on the
    # string path every text is as many code units as characters (a surrogate sends its
    # text there): the separators' places follow from the lengths, without a pass over `cp`
    if slow:
        doc_breaks = np.flatnonzero(cp == 0)
    else:
        doc_breaks = np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)) + 1)[:-1] - 1
    bounds = np.concatenate(([0], np.searchsorted(starts, doc_breaks), [starts.size]))
    counts = np.diff(bounds).astype(np.int64)
    # polynomial hashes from prefix sums: prefix[i] = sum of cp[j] * P**j for j < i, over the
    # coded points (class << 24 | code point: never zero for a token character)
    pw, inv = _POWERS.get(n)
    prefix = np.empty(n + 1, dtype=U64)
    prefix[0] = 0
    with np.errstate(over="ignore"):
        # widen into the output, then multiply in place: about twice as fast as a mixed-type
        # multiply, which casts through small buffers
        prefix[1:] = cp
        np.multiply(prefix[1:], pw, out=prefix[1:])
        np.cumsum(prefix[1:], out=prefix[1:])
        # one gather at the token edges (starts and ends interleaved: a contiguous index)
        at_edges = prefix[edges]
        poly = at_edges[1::2] - at_edges[0::2]
        poly *= inv[starts]
        lengths = ends - starts
        if inner.size:
            _without_apostrophes(poly, lengths, prefix, inv, starts, ends, inner)
        poly ^= lengths.view(U64) * U64(_G)
        poly ^= U64(_K)
        th = mix64_inplace(poly)
    where = _words(texts, cp, th, starts, ends, doc_breaks, bounds, slow) if words else None
    return th, counts, where


def _words(
    texts: Sequence[str],
    cp: npt.NDArray[np.uint32],
    th: HashArray,
    starts: IndexArray,
    ends: IndexArray,
    doc_breaks: IndexArray,
    bounds: IndexArray,
    slow: Sequence[int],
) -> Words:
    """The `Words` of a chunk from its coded points and token edges (indices into `cp`)."""
    text_start = np.concatenate(([0], doc_breaks + 1))
    doc = np.repeat(np.arange(len(texts)), np.diff(bounds))
    local_s = starts - text_start[doc]
    local_e = ends - text_start[doc]
    # a sentence starts at a text's first token and after a terminal between two tokens
    marks = _marks_table().take(cp, mode="clip")
    new = np.zeros(starts.size, dtype=bool)
    if starts.size:
        # the token after a terminal starts a sentence when a space comes between them ("3.5"
        # and "U.S" go on), the token does not begin in lower case ("U.S. officials") and the
        # token before is not an initial or a title ("Mr. Putin", "Sen. Mark Warner");
        # terminals are never inside a token
        stops = np.flatnonzero(marks == 1)
        after = np.searchsorted(starts, stops)
        inside = (after < starts.size) & (after > 0)
        after, stops = after[inside], stops[inside]
        # full-width terminals (Chinese, Japanese) are not followed by a space
        wide = cp[stops] >= np.uint32(0x3000)
        ok = (starts[after] > stops + 1) | wide
        ok &= ~_in_sorted(th[after - 1], _abbreviations())
        ok &= ((ends[after - 1] - starts[after - 1]) > 1) | wide
        ok &= ~_lower_case(texts, doc[after], local_s[after], slow)
        new[after[ok]] = True
        # the token after two line breaks of one gap
        lines = np.searchsorted(starts, np.flatnonzero(marks == 2))
        twice = lines[1:][lines[1:] == lines[:-1]]
        twice = twice[twice < starts.size]
        new[twice] = True
        # a line that ends a sentence ends a paragraph too (extracted pages put one line
        # break between paragraphs; hard-wrapped text breaks lines inside sentences)
        broken = _sorted_unique(after[ok])  # both sorted: their common values, sorted
        broken = broken[_in_sorted(broken, lines[lines < starts.size])]
    else:
        twice = broken = np.empty(0, dtype=np.int64)
    first = bounds[:-1][np.diff(bounds) > 0]
    new[first] = True
    paragraphs = np.unique(np.concatenate((first, twice, broken)))
    # where each paragraph's text begins: at the line break before it, or where its text does
    breaks = np.flatnonzero(marks == 2)
    before = (
        breaks[np.maximum(np.searchsorted(breaks, starts[paragraphs]) - 1, 0)]
        if breaks.size
        else starts[paragraphs]
    )
    begins = np.where(_in_sorted(paragraphs, first), text_start[doc[paragraphs]], before)
    quoted = _quoted(marks, starts, paragraphs, begins)
    # a sentence of too few tokens runs on into the next one of its paragraph
    begin = np.flatnonzero(new)
    length = np.diff(np.append(begin, starts.size))
    nxt = begin[1:][length[:-1] < MIN_SENTENCE_TOKENS]
    new[nxt] = False
    new[first] = True
    new[twice] = True
    for d in slow:  # offsets into the normalised text, mapped back to the text's own
        lo, hi = int(bounds[d]), int(bounds[d + 1])
        if hi > lo:
            back = _offsets_back(texts[d])
            local_s[lo:hi] = back[np.minimum(local_s[lo:hi], back.size - 1)]
            local_e[lo:hi] = back[np.minimum(local_e[lo:hi] - 1, back.size - 1)] + 1
    return Words(local_s.astype(np.int32), local_e.astype(np.int32), new, quoted)


def _sorted_unique(a: IndexArray) -> IndexArray:
    """The distinct values of sorted `a` (`np.unique` without its sort)."""
    if a.size == 0:
        return a
    keep = np.empty(a.size, dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _in_sorted(x: npt.NDArray[Any], table: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Whether each value of `x` is in sorted `table` (`np.isin` by binary search)."""
    if table.size == 0:
        return np.zeros(x.shape, dtype=bool)
    at = np.minimum(np.searchsorted(table, x), table.size - 1)
    found: npt.NDArray[np.bool_] = table[at] == x
    return found


#: a paragraph naming a handle with at most this many tokens is a post's signature line
_SIGNATURE_TOKENS = 16

#: words that end with a full stop without ending a sentence
_ABBREVIATIONS = (
    "mr mrs ms dr st jr sr sen rep gov gen col lt sgt capt cmdr adm prof rev fr vs no nos inc "
    "corp co ltd jan feb mar apr aug sep sept oct nov dec mt ft pres supt ave blvd"
)


@lru_cache(maxsize=1)
def _abbreviations() -> HashArray:
    """Token hashes of `_ABBREVIATIONS`."""
    th, _, _ = _token_hashes_chunk([_ABBREVIATIONS], False)
    return np.unique(th)


@lru_cache(maxsize=1)
def _lower_table() -> npt.NDArray[np.bool_]:
    """Lower-case letters of the BMP."""
    return np.array([chr(c).islower() for c in range(0x10000)], dtype=bool)


def _lower_case(
    texts: Sequence[str], doc: IndexArray, offset: IndexArray, slow: Sequence[int]
) -> npt.NDArray[np.bool_]:
    """Whether character `offset[i]` of text `doc[i]` is a lower-case letter (False in texts
    that took the string path, whose token offsets are not yet the text's own)."""
    if doc.size == 0:
        return np.zeros(0, dtype=bool)
    units = np.frombuffer("\x00".join(texts).encode("utf-16-le", "surrogatepass"), np.uint16)
    first = np.concatenate(([0], np.flatnonzero(units == 0) + 1))  # texts hold no NUL here
    at = np.minimum(first[doc] + offset, max(units.size - 1, 0))
    out: npt.NDArray[np.bool_] = _lower_table()[units[at]]
    if slow:
        out &= ~np.isin(doc, np.asarray(slow))
    return out


def _quoted(
    marks: npt.NDArray[np.uint8], starts: IndexArray, paragraphs: IndexArray, begins: IndexArray
) -> npt.NDArray[np.bool_]:
    """`Words.quoted` from the marks of a chunk, its tokens' starts, the tokens that begin a
    paragraph (sorted; the first token of every text among them) and where in the chunk each
    of those paragraphs begins."""
    if starts.size == 0:
        return np.zeros(0, dtype=bool)
    quotes = np.flatnonzero(marks == 3)
    marks_before = np.searchsorted(quotes, starts)
    # the paragraph of each token: how many paragraphs begin at or before it, less one
    begun = np.zeros(starts.size, dtype=np.int64)
    begun[paragraphs] = 1
    para = np.cumsum(begun) - 1
    inside = (marks_before - np.searchsorted(quotes, begins)[para]) % 2 == 1
    handles = np.flatnonzero(marks == 4) + 1
    at = np.searchsorted(starts, handles)
    ok = at < starts.size
    named = at[ok][starts[at[ok]] == handles[ok]]  # "@" right before a token
    if named.size:
        posts = np.unique(para[named])
        # a signature paragraph of its own ("— Name (@handle) July 15, 2018"): the post is
        # the paragraph before it
        size = np.diff(np.append(paragraphs, starts.size))
        alone = posts[(size[posts] <= _SIGNATURE_TOKENS) & (posts > 0)]
        inside |= np.isin(para, np.concatenate((posts, alone - 1)))
    out: npt.NDArray[np.bool_] = inside
    return out


def _offsets_back(text: str) -> IndexArray:
    """For each code point of the normalised (NFKC, case-folded) `text`, the offset in `text`
    of the character it comes from. Each character is normalised on its own; where that does
    not add up to the normalised text (a composition across characters, rare), the offsets
    are spread proportionally (they stay within the text, in order)."""
    norm_len = len(_nfkc(text.replace("\x00", " ")).casefold())
    pieces = np.fromiter(
        (len(unicodedata.normalize("NFKC", ch).casefold()) for ch in text),
        dtype=np.int64,
        count=len(text),
    )
    if int(pieces.sum()) == norm_len:
        return np.repeat(np.arange(len(text), dtype=np.int64), pieces)
    return np.minimum(
        (np.arange(norm_len, dtype=np.int64) * max(len(text), 1)) // max(norm_len, 1),
        max(len(text) - 1, 0),
    )


def _without_apostrophes(
    poly: HashArray,
    lengths: IndexArray,
    prefix: HashArray,
    inv: HashArray,
    starts: IndexArray,
    ends: IndexArray,
    inner: IndexArray,
) -> None:
    """Correct, in place, the hashes and lengths of the tokens that hold vanishing apostrophes
    (at sorted positions `inner`) to those of the tokens without them.

    A token [s, e) with apostrophes at a_1 < ... < a_m is the pieces [s, a_1), [a_1 + 1, a_2),
    ..., [a_m + 1, e); a character of piece j sits j places earlier once the apostrophes are
    gone, so ``poly = P**-s * sum_j P**-j * (prefix[end_j] - prefix[start_j])``.
    """
    tok = np.searchsorted(starts, inner, side="right") - 1
    first = np.empty(inner.size, dtype=bool)
    first[0] = True
    np.not_equal(tok[1:], tok[:-1], out=first[1:])
    last = np.empty(inner.size, dtype=bool)
    last[-1] = True
    last[:-1] = first[1:]
    group = np.flatnonzero(first)
    rank = np.arange(1, inner.size + 1) - np.repeat(group, np.diff(np.append(group, inner.size)))
    piece_end = np.where(last, ends[tok], np.append(inner[1:], 0))
    with np.errstate(over="ignore"):
        after = (prefix[piece_end] - prefix[inner + 1]) * inv[rank]
        utok = tok[group]
        head = prefix[inner[group]] - prefix[starts[utok]]
        poly[utok] = (head + np.add.reduceat(after, group)) * inv[starts[utok]]
    lengths[utok] -= np.diff(np.append(group, inner.size))


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
    with np.errstate(over="ignore"):
        acc = th[:m] * U64(_M)
        for j in range(1, k):
            acc ^= th[j : j + m]
            acc *= U64(_M)
    # window i is valid when it ends inside the text it starts in: not when a text starts at
    # one of the tokens i+1 .. i+k-1
    valid = np.ones(m, dtype=bool)
    for o in range(1, k):
        i = tok_start[1:] - o
        valid[i[(i >= 0) & (i < m)]] = False
    full = acc[valid]
    short_docs = np.flatnonzero((counts > 0) & (counts < k))
    if short_docs.size == 0:
        return mix64_inplace(full), sh_counts
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
    return mix64_inplace(out), sh_counts


@dataclass(frozen=True, slots=True)
class ShingleBatch:
    """Shingle hashes of a batch of texts: text i owns ``hashes[offsets[i]:offsets[i+1]]``;
    with `words` (`shingle_batch(..., layouts=True)`), where its tokens are: text i owns
    tokens ``token_offsets[i]:token_offsets[i+1]`` of `words`."""

    hashes: HashArray
    offsets: IndexArray
    words: Words | None = None
    token_offsets: IndexArray | None = None

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    def of(self, i: int) -> HashArray:
        """Shingle hashes of text i, in text order with repeats."""
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]

    def sets(self) -> list[HashArray]:
        """Sorted unique shingle hashes of every text (what exact verification compares):
        each text's hashes sorted in place in one copy of the batch (small sorts, in cache),
        repeats dropped in one pass, the texts' sets views of one array."""
        return self._sets(False)[0]

    def _sets(self, orders: bool) -> tuple[list[HashArray], IndexArray | None]:
        """`sets`, and with `orders`, for every shingle (in text order) its index in its
        text's set, all texts concatenated."""
        n = len(self)
        off = self.offsets
        bounds = off.tolist()
        perm = None
        if orders:
            # each text's hashes sorted by an argsort: where each one lands
            perm = np.empty(self.hashes.size, dtype=np.int64)
            for i in range(n):
                lo, hi = bounds[i], bounds[i + 1]
                perm[lo:hi] = self.hashes[lo:hi].argsort() + lo
            h = self.hashes[perm]
        else:
            h = self.hashes.copy()
            for i in range(n):
                h[bounds[i] : bounds[i + 1]].sort()
        keep = np.ones(h.size, dtype=bool)
        keep[1:] = h[1:] != h[:-1]
        keep[off[:-1][np.diff(off) > 0]] = True  # a text's first hash is never a repeat
        kept = np.zeros(h.size + 1, dtype=np.int64)
        np.cumsum(keep, out=kept[1:])
        cut = kept[off].tolist()
        order = None
        if perm is not None:
            # the sorted place of each hash, as an index into its text's set
            rank = kept[1:] - 1 - np.repeat(kept[off[:-1]], np.diff(off))
            order = np.empty(h.size, dtype=np.int64)
            order[perm] = rank
        h = h[keep]
        return [h[cut[i] : cut[i + 1]] for i in range(n)], order

    def sets_and_layouts(self) -> tuple[list[HashArray], list[Layout]]:
        """`sets` and the `Layout` of every text (`shingle_batch(..., layouts=True)`)."""
        if self.words is None or self.token_offsets is None:
            raise ValueError("shingle_batch(..., layouts=True) keeps the words' places")
        sets, order = self._sets(True)
        assert order is not None
        order32 = order.astype(np.int32)
        w = self.words
        toff, off = self.token_offsets.tolist(), self.offsets.tolist()
        firsts = np.flatnonzero(w.sentence).astype(np.int32)
        cuts = np.searchsorted(firsts, self.token_offsets).tolist()
        # a sentence is a quotation when most of its tokens are quoted
        if firsts.size:
            inside = np.add.reduceat(w.quoted, firsts, dtype=np.int64)
            length = np.diff(np.append(firsts, w.quoted.size))
            quote = 2 * inside > length
        else:
            quote = np.zeros(0, dtype=bool)
        out = []
        for i in range(len(sets)):
            lo, hi = toff[i], toff[i + 1]
            out.append(
                Layout(
                    order32[off[i] : off[i + 1]],
                    w.starts[lo:hi],
                    w.ends[lo:hi],
                    firsts[cuts[i] : cuts[i + 1]] - np.int32(lo),
                    quote[cuts[i] : cuts[i + 1]],
                )
            )
        return sets, out


def shingle_batch(texts: Sequence[str], k: int = 5, layouts: bool = False) -> ShingleBatch:
    """Shingle hashes of every text in `texts` (k-word shingles over normalised text); with
    `layouts`, also where the words are (`ShingleBatch.layouts`)."""
    th, counts, words = _token_hashes(texts, layouts)
    hashes, sh_counts = shingles_from_tokens(th, counts, k)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(sh_counts, out=offsets[1:])
    if not layouts:
        return ShingleBatch(hashes, offsets)
    token_offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=token_offsets[1:])
    return ShingleBatch(hashes, offsets, words, token_offsets)


def shingle_set(text: str, k: int = 5) -> HashArray:
    """Sorted unique shingle hashes of one text. Empty for a text with no words."""
    return np.unique(shingle_batch([text], k).of(0))
