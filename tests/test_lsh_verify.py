import numpy as np
import pytest

from dedup import Document, MinHasher, ScanConfig, VerifyConfig
from dedup.candidates import band_keys, bucket_pairs, candidate_pairs, distinct_rows
from dedup.prepare import prepare_chunk
from dedup.verify import Shingled, similarity, verified, verify_pairs


def _words(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [f"w{x}" for x in rng.integers(0, 50000, n)]


def test_band_keys_equal_only_for_equal_bands() -> None:
    sigs = np.array([[1, 2, 3, 4, 5, 6], [1, 2, 3, 9, 9, 9], [9, 9, 9, 4, 5, 6]], dtype=np.uint32)
    k = band_keys(sigs, 2)
    assert k[0, 0] == k[1, 0] and k[0, 1] != k[1, 1]
    assert k[0, 1] == k[2, 1] and k[0, 0] != k[2, 0]
    # the same rows in another band are another key
    same = np.array([[7, 7, 7, 7, 7, 7]], dtype=np.uint32)
    kk = band_keys(same, 2)
    assert kk[0, 0] != kk[0, 1]


def test_candidates_find_copies_and_skip_unrelated() -> None:
    base = _words(300, 1)
    half = base[:150]  # a copy holding half the story: Jaccard about 0.5
    unrelated = _words(300, 2)
    sigs = MinHasher(255, 5, seed=1).signatures([" ".join(t) for t in (base, half, unrelated)])
    pairs = candidate_pairs(sigs, 85).tolist()
    assert [0, 1] in pairs
    assert [0, 2] not in pairs and [1, 2] not in pairs


def test_candidates_are_sorted_unique_and_respect_valid_mask() -> None:
    sigs = np.zeros((4, 6), dtype=np.uint32)  # all identical: every pair is a candidate
    assert candidate_pairs(sigs, 3).tolist() == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
    mask = np.array([True, False, True, True])
    assert candidate_pairs(sigs, 3, mask).tolist() == [[0, 2], [0, 3], [2, 3]]


def test_similarity_is_exact() -> None:
    a = np.array([1, 2, 3, 4], dtype=np.uint64)
    b = np.array([3, 4, 5, 6, 7, 8], dtype=np.uint64)
    s = similarity(a, b)
    assert (s.shared, s.jaccard, s.containment_ab, s.containment_ba) == (2, 0.25, 0.5, 2 / 6)
    assert similarity(a, np.empty(0, dtype=np.uint64)).jaccard == 0.0


def _sentences(n: int, seed: int, quoted: bool = False) -> list[str]:
    """`n` sentences of 15 random words, each capitalised and ended with a full stop."""
    words = _words(15 * n, seed)
    out = []
    for i in range(n):
        body = " ".join(words[15 * i : 15 * i + 15])
        sent = body[0].upper() + body[1:] + "."
        out.append(f'"{sent}"' if quoted else sent)
    return out


def _shingled(*parts: list[str]) -> Shingled:
    text = "\n\n".join(" ".join(p) for p in parts if p)
    batch = prepare_chunk([Document(id="x", text=text)], ScanConfig())
    return Shingled(batch.sets[0], batch.layouts[0], None)


def test_copy_rule_is_the_users_definition() -> None:
    """A copy reuses >= 3 sentences and >= a quarter of the shorter text, verbatim or nearly;
    shared quotes, background paragraphs and stock text are not copies."""
    cfg = VerifyConfig()
    story, other = _sentences(20, 3), _sentences(40, 4)
    copy = lambda a, b: verified(_shingled(*a), _shingled(*b), cfg, 5) is not None  # noqa: E731
    # the first third of the story, with other text around it
    assert copy([story], [other[:3], story[:7], other[3:6]])
    # the whole story embedded in three times as much other text
    assert copy([story], [other[:30], story, other[30:]])
    # write-thru: a third of the paragraphs kept, the rest new
    assert copy([story], [story[:7], other[:13]])
    # two sentences are not enough, however short the other text
    assert not copy([story], [story[:2], other[:3]])
    # three background sentences in two long stories: a small part of both
    assert not copy([story[:3], other[:20]], [story[:3], other[20:40]])
    # the same three sentences as quotations in two short articles: quotes, not a copy
    quote = _sentences(3, 7, quoted=True)
    assert not copy([quote, story[:4]], [quote, other[:4]])
    # formula text: the same frame, other names every few words (near-verbatim it is not)
    frame = _words(300, 8)
    names_a, names_b = _words(60, 9), _words(60, 10)
    a = [" ".join([*frame[5 * i : 5 * i + 5], names_a[i]]) + "." for i in range(60)]
    b = [" ".join([*frame[5 * i : 5 * i + 5], names_b[i]]) + "." for i in range(60)]
    assert not copy([a], [b])
    # the same short brief twice is a duplicate (a wire brief sent twice)...
    assert copy([story[:1]], [story[:1]])
    # ...but a short text does not match a longer one on a few shared words
    assert not copy([story[:1]], [story[:1], other[:10]])


def test_bucket_pairs_are_every_pair_of_every_bucket() -> None:
    # buckets of 1 to 40 documents, each id once a bucket (as band keys give them), any order
    rng = np.random.default_rng(5)
    for _ in range(50):
        n_keys = int(rng.integers(1, 12))
        keys_l, ids_l = [], []
        for key in range(n_keys):
            members = rng.choice(100, size=int(rng.integers(1, 41)), replace=False)
            keys_l += [key * 7919] * members.size
            ids_l += members.tolist()
        perm = rng.permutation(len(keys_l))
        keys = np.array(keys_l, dtype=np.uint64)[perm]
        ids = np.array(ids_l, dtype=np.int64)[perm]
        want = sorted(
            (min(a, b), max(a, b))
            for k in set(keys_l)
            for i, a in enumerate(x for x, kk in zip(ids_l, keys_l, strict=True) if kk == k)
            for b in [x for x, kk in zip(ids_l, keys_l, strict=True) if kk == k][i + 1 :]
        )
        got = sorted(map(tuple, bucket_pairs(keys, ids).tolist()))
        assert got == want
    assert bucket_pairs(np.array([3], dtype=np.uint64), np.array([1])).shape == (0, 2)
    assert bucket_pairs(np.array([1, 2], dtype=np.uint64), np.array([1, 2])).shape == (0, 2)


def test_band_keys_do_not_depend_on_blocks_or_band_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    import dedup.candidates as lsh

    sigs = np.random.default_rng(3).integers(0, 2**32, size=(1000, 255), dtype=np.uint32)
    whole = band_keys(sigs, 85)
    assert whole.shape == (1000, 85) and whole.dtype == np.uint64
    monkeypatch.setattr(lsh, "_KEY_BLOCK", 7)  # many blocks, the last one short
    assert np.array_equal(band_keys(sigs, 85), whole)
    assert np.array_equal(band_keys(sigs, 85, 17, 34), whole[:, 17:34])
    assert np.array_equal(band_keys(sigs[:1], 85, 84), whole[:1, 84:])
    # rows of a band and bands are not interchangeable
    assert len(np.unique(whole)) == whole.size


def test_verify_pairs_keeps_the_copies_in_order_from_either_kind_of_lookup() -> None:
    base = _sentences(20, 1)
    story = _shingled(base)
    copy = _shingled(base[:16], _sentences(3, 2))
    other = _shingled(_sentences(20, 3))
    docs = [story, other, copy]
    cfg = VerifyConfig()
    pairs = np.array([[0, 2], [0, 1], [1, 2]], dtype=np.int64)
    seen: list[tuple[str, int, int | None]] = []
    edges = verify_pairs(
        pairs, docs, dict(enumerate(docs)), cfg, 5, progress=lambda *a: seen.append(a)
    )
    al = verified(story, copy, cfg, 5)
    assert al is not None and verified(story, other, cfg, 5) is None
    row = [0, 2, al.covered_a, al.covered_b, al.body_a, al.body_b, al.shared_sentences]
    assert edges.tolist() == [row] and edges.dtype == np.int64
    assert seen[-1] == ("verify", 3, 3)
    assert verify_pairs(pairs[:0], docs, docs, cfg, 5).shape == (0, 7)
    # the passage: offsets into both texts, the 16 sentences of 15 words
    assert len(al.passages) == 1 and al.passages[0].a_words == 16 * 15
    assert al.sentences_a == al.sentences_b == 16 and al.coverage == 240 / 285


@pytest.mark.parametrize("high", [2, 50, 2**40, 2**62])
def test_distinct_rows_is_numpys_unique_of_rows(high: int) -> None:
    """`distinct_rows` gives `np.unique(axis=0, return_inverse=True)`'s rows and places, for
    small ids and for the Dask engine's (partition << 32 | index) references."""
    rng = np.random.default_rng(high)
    for m in (0, 1, 2, 7, 1000):
        pairs = rng.integers(0, high, size=(m, 2), dtype=np.int64)
        want, place = np.unique(pairs, axis=0, return_inverse=True)
        got, got_place = distinct_rows(pairs)
        assert np.array_equal(got, want.reshape(-1, 2))
        assert np.array_equal(got_place, place.reshape(-1))
