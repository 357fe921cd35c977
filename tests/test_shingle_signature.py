"""The hashing core: tokens, shingle hashes and MinHash signatures."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
import xxhash

from dedup import MinHasher
from dedup.normalize import tokens
from dedup.shingle import (
    _G,
    _K,
    _P,
    ShingleBatch,
    mix64,
    shingle_batch,
    shingle_set,
    token_hashes_batch,
)
from dedup.signature import (
    EMPTY_VALUE,
    _compute_probes,
    _seed_key,
    estimate_jaccard,
    from_bytes,
    oph_signatures,
    to_bytes,
)
from tests.conftest import FIXTURES, SHARED_DATA, needs_shared_data

TEXT = "The quick brown fox jumps over the lazy dog near the river bank today"
MULTILINGUAL = [
    "Le maître-espion iranien conseille une escalade mesurée contre les forces U.S.",
    "Die Straße führt über die Brücke nach Köln; „Zitat“ – so heißt es.",
    "Москва — столица России, сказал он в понедельник «Интерфаксу».",
    "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας, δήλωσε ο υπουργός.",
    "قال الرئيس إن المحادثات ستستمر الأسبوع المقبل في القاهرة",
    "北京是中华人民共和国的首都，也是全国政治中心。",
    "東京タワーは港区にある電波塔です。",
    "ข่าวล่าสุดจากกรุงเทพมหานคร วันนี้",
    "नमस्ते दुनिया, यह एक परीक्षण है।",
    "rock’n’roll isn’t dead: ‘quoted’ words, l’Élysée and O’Neill",
    "emoji 😀 in text, 𠀀𠀁 astral CJK and ﬁne ligatures, ß and ǅ",
    "",
    "   ...   ",
    "a\x00b nul inside",
]


def _reference_token_hash(tok: str) -> int:
    """The documented token hash, one token at a time in plain Python."""
    from dedup.normalize import CLASS_SHIFT, bmp_table, char_class

    mask = (1 << 64) - 1
    poly, pw = 0, 1
    for ch in tok:
        cp = ord(ch)
        cls = int(bmp_table()[cp]) if cp < 0x10000 else char_class(cp)
        poly = (poly + ((cls << CLASS_SHIFT) | cp) * pw) & mask
        pw = (pw * _P) & mask
    x = np.array([poly ^ ((len(tok) * _G) & mask) ^ _K], dtype=np.uint64)
    return int(mix64(x)[0])


def test_golden_values() -> None:
    # Pinned: if these change, stored signatures change: bump SHINGLE_SCHEME_VERSION.
    s = shingle_set(TEXT, 5)
    assert s.size == 10
    assert [hex(x) for x in s[:3].tolist()] == [
        "0xd4b8e93cd2ab6dd",
        "0x1df3b12cf8c73021",
        "0x4d47d331383d05b4",
    ]
    sig = MinHasher(num_perm=8, shingle_size=5, seed=1).signatures([TEXT])
    assert sig.dtype == np.uint32 and sig.shape == (1, 8)
    assert sig[0].tolist() == [
        3763424414,
        910505221,
        968813493,
        3763424414,
        3210145009,
        180475968,
        1029227305,
        1029227305,
    ]


@pytest.mark.parametrize("text", MULTILINGUAL)
def test_vectorised_tokens_equal_the_reference(text: str) -> None:
    ref = tokens(text.replace("\x00", " "))
    th, counts = token_hashes_batch([text])
    assert counts.tolist() == [len(ref)]
    assert th.tolist() == [_reference_token_hash(t) for t in ref]


def test_tokenisation_by_script() -> None:
    assert tokens(MULTILINGUAL[5])[:4] == ["北", "京", "是", "中"]  # Han: a token a character
    assert tokens(MULTILINGUAL[2])[:2] == ["москва", "столица"]
    assert tokens(MULTILINGUAL[4])[0] == "قال"
    assert "rocknroll" in tokens(MULTILINGUAL[9]) and "oneill" in tokens(MULTILINGUAL[9])
    assert tokens("Straße STRASSE") == ["strasse", "strasse"]


def test_results_do_not_depend_on_batch_composition() -> None:
    stories = json.loads((FIXTURES / "bbc_stories.json").read_text())["stories"]
    texts = [s["text"] for s in stories] + MULTILINGUAL
    together = shingle_batch(texts, 5)
    hasher = MinHasher(64, 5, seed=9)
    sigs = hasher.sign_batch(together)
    for i, t in enumerate(texts):
        alone = shingle_batch([t], 5)
        assert np.array_equal(alone.of(0), together.of(i))
        assert np.array_equal(hasher.signatures([t])[0], sigs[i])
    rev = hasher.signatures(list(reversed(texts)))
    assert np.array_equal(rev[::-1], sigs)


def test_results_do_not_depend_on_internal_chunking(monkeypatch: pytest.MonkeyPatch) -> None:
    import dedup.shingle as sh

    texts = [s["text"] for s in json.loads((FIXTURES / "bbc_stories.json").read_text())["stories"]]
    whole = shingle_batch(texts * 3, 5)
    monkeypatch.setattr(sh, "CHUNK_CHARS", 500)
    small = shingle_batch(texts * 3, 5)
    assert np.array_equal(whole.hashes, small.hashes)
    assert np.array_equal(whole.offsets, small.offsets)


def test_shingles_depend_on_order_not_on_formatting() -> None:
    a = shingle_set("one two three four five six", 3)
    assert np.array_equal(a, shingle_set("One, two; THREE four... five six!", 3))
    assert not np.array_equal(a, shingle_set("six five four three two one", 3))


def test_short_and_empty_texts() -> None:
    assert shingle_set("two words", 5).size == 1
    assert shingle_set("", 5).size == 0
    sigs = MinHasher(16).signatures(["", "some words here and there, enough"])
    assert (sigs[0] == EMPTY_VALUE).all()
    assert not (sigs[1] == EMPTY_VALUE).any()  # densified: no empty position left


def test_signature_bytes_roundtrip_little_endian() -> None:
    sig = MinHasher(16).signatures([TEXT])[0]
    blob = to_bytes(sig)
    assert len(blob) == 64
    assert int.from_bytes(blob[:4], "little") == int(sig[0])
    assert np.array_equal(from_bytes(blob), sig)


@pytest.mark.parametrize(("num_perm", "length"), [(128, 600), (128, 60), (256, 200)])
def test_estimate_unbiased_and_within_theoretical_error(num_perm: int, length: int) -> None:
    """Planted near-duplicates: mean error ~0; MAE no worse than 1.1x the MinHash theory
    sqrt(J(1-J)/k)*sqrt(2/pi) (one-permutation hashing samples without replacement, so it is
    usually a little better than k independent permutations)."""
    rng = np.random.default_rng(num_perm + length)
    vocab = [f"w{i}" for i in range(20000)]
    hasher = MinHasher(num_perm, 5, seed=3)
    errors, theory = [], []
    for _ in range(400):
        base = list(rng.choice(vocab, length))
        other = list(base)
        for i in rng.choice(length, int(rng.integers(0, length * 2 // 3)), replace=False):
            other[i] = f"x{rng.integers(10**9)}"
        a, b = shingle_set(" ".join(base), 5), shingle_set(" ".join(other), 5)
        j = np.intersect1d(a, b).size / np.union1d(a, b).size
        sig = hasher.signatures([" ".join(base), " ".join(other)])
        errors.append(estimate_jaccard(sig[0], sig[1]) - j)
        theory.append(np.sqrt(j * (1 - j) / num_perm) * np.sqrt(2 / np.pi))
    err = np.array(errors)
    assert abs(err.mean()) < 0.004
    assert np.abs(err).mean() <= 1.1 * np.mean(theory)
    assert np.abs(err).mean() >= 0.6 * np.mean(theory)  # not degenerate either


@needs_shared_data
def test_vectorised_tokens_equal_reference_on_real_multilingual_news() -> None:
    path = SHARED_DATA / "parallel_news_wmt" / "newstest2021.en-de_cs_ru_zh.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh][:25]
    texts = [" ".join(side["segments"]) for r in records for side in [r["src"], *r["refs"]]]
    assert texts
    _, counts = token_hashes_batch(texts)
    assert counts.tolist() == [len(tokens(t)) for t in texts]


def test_signatures_work_as_datasketch_lean_minhashes() -> None:
    """The documented bridge to datasketch: LSH and the Jaccard estimate agree with ours."""
    from datasketch import LeanMinHash, MinHashLSH

    stories = json.loads((FIXTURES / "bbc_stories.json").read_text())["stories"]
    text = stories[1]["text"]
    sigs = MinHasher(128, 5, seed=1).signatures([text, "Read more\n" + text, stories[2]["text"]])
    lean = [LeanMinHash(seed=1, hashvalues=s, scheme="affine32") for s in sigs]
    assert lean[0].jaccard(lean[1]) == pytest.approx(estimate_jaccard(sigs[0], sigs[1]))
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    lsh.insert("original", lean[0])
    lsh.insert("other", lean[2])
    assert lsh.query(lean[1]) == ["original"]


def test_batch_sets_are_each_texts_unique_sorted_hashes() -> None:
    # empty texts anywhere, repeats inside a text, the same hash ending one text and starting
    # the next (a repeat across texts is no repeat)
    texts = ["", "a b c d e f a b c d e f", "", "one", "x y z " * 40, "", "x y z " * 3, ""]
    batch = shingle_batch(texts, 5)
    sets = batch.sets()
    assert len(sets) == len(texts)
    for i, s in enumerate(sets):
        assert s.dtype == np.uint64
        assert np.array_equal(s, np.unique(batch.of(i))), i
    crafted = ShingleBatch(
        np.array([5, 3, 3, 3, 3, 7, 7], dtype=np.uint64), np.array([0, 3, 3, 7], dtype=np.int64)
    )
    assert [s.tolist() for s in crafted.sets()] == [[3, 5], [], [3, 7]]
    assert shingle_batch([], 5).sets() == []


def _densify_reference(sig: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """Optimal densification as defined, one empty bin at a time: bin c of a text with at
    least one filled bin takes the value of bin probe(c, a) for the first attempt a = 1, 2, ...
    landing on a bin filled by a shingle."""
    out = sig.copy()
    for r in range(sig.shape[0]):
        filled = sig[r] != EMPTY_VALUE
        if not filled.any():
            continue
        for c in np.flatnonzero(~filled).tolist():
            a = 1
            while True:
                b = int(_compute_probes(np.array([c]), a, 1, num_perm, seed)[0, 0])
                if filled[b]:
                    out[r, c] = sig[r, b]
                    break
                a += 1
    return out


@pytest.mark.parametrize("num_perm", [16, 64, 255, 1100])
def test_densification_is_the_first_filled_bin_of_each_probe_sequence(num_perm: int) -> None:
    # texts of 1 to ~3 * num_perm shingles: from one filled bin (every empty bin borrows from
    # it) to nearly full signatures, and an empty text (left empty); every path of
    # `_densify` (walk, first-hit table, probing)
    rng = np.random.default_rng(7)
    sizes = [0, 1, 2, 3, 5, 8, 13, 30, num_perm // 2, num_perm, 3 * num_perm]
    if num_perm > 1024:
        # no first-hit table: probing alone (few filled bins would make the reference slow)
        sizes = [0, 2 * num_perm, 3 * num_perm]
    hashes = rng.integers(0, 2**63, size=sum(sizes), dtype=np.uint64)
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    raw = np.full((len(sizes), num_perm), EMPTY_VALUE, dtype=np.uint32)
    sig = oph_signatures(hashes, offsets, num_perm, seed=3)
    # the undensified signature: each bin's minimum over its own shingles only
    from dedup.shingle import mix64 as mix

    x = mix(hashes ^ _seed_key(3))
    bins = (((x >> np.uint64(32)) * np.uint64(num_perm)) >> np.uint64(32)).astype(np.int64)
    doc = np.repeat(np.arange(len(sizes)), sizes)
    np.minimum.at(raw.ravel(), doc * num_perm + bins, (x & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    assert np.array_equal(sig, _densify_reference(raw, num_perm, 3))
    assert (sig[0] == EMPTY_VALUE).all() and not (sig[1:] == EMPTY_VALUE).any()


GOLDEN_255 = 11452606850990713572


def test_golden_signature_of_a_short_text_with_many_empty_bins() -> None:
    # Pinned (255 permutations, the scan's default, on texts of 9 and 10 shingles:
    # densification decides ~245 of each 255 values). If this changes, stored signatures change.
    sig = MinHasher(num_perm=255, shingle_size=5, seed=1).signatures([TEXT[:60], TEXT])
    assert int(xxhash.xxh3_64_intdigest(sig.astype("<u4").tobytes())) == GOLDEN_255
