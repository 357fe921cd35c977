import numpy as np
import pytest

from dedup import MinHasher, VerifyConfig
from dedup.candidates import band_keys, bucket_pairs, candidate_pairs
from dedup.shingle import shingle_set
from dedup.verify import is_copy, similarity, verified, verify_pairs


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


def test_copy_rule_covers_truncation_and_embedding_but_not_shared_quotes() -> None:
    cfg = VerifyConfig()
    story = _words(400, 3)
    other = _words(400, 4)
    s = lambda t: shingle_set(" ".join(t), 5)  # noqa: E731
    # truncated to 55% of the story
    assert is_copy(similarity(s(story), s(story[:220])), cfg)
    # embedded in a page with as much again of other text
    assert is_copy(similarity(s(story), s(other[:200] + story + other[200:])), cfg)
    # an excerpt of a fifth of the story is not a copy of it
    assert not is_copy(similarity(s(story), s(story[:80] + other)), cfg)
    # two stories sharing one long quote (30 words) are not copies
    quote = _words(30, 5)
    assert not is_copy(similarity(s(story[:200] + quote), s(other[:200] + quote)), cfg)
    # a short text does not match a longer one on a handful of shared shingles...
    assert not is_copy(similarity(s(story[:12]), s(story[:12] + other[:10])), cfg)
    # ...but the same short text twice is a duplicate (a wire brief sent twice)
    assert is_copy(similarity(s(story[:12]), s(story[:12])), cfg)


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
    base = _words(300, 1)
    story = shingle_set(" ".join(base), 5)
    copy = shingle_set(" ".join(base[:250] + _words(40, 2)), 5)
    other = shingle_set(" ".join(_words(300, 3)), 5)
    sets = [story, other, copy]
    cfg = VerifyConfig()
    pairs = np.array([[0, 2], [0, 1], [1, 2]], dtype=np.int64)
    shared = int(np.intersect1d(story, copy).size)
    seen: list[tuple[str, int, int | None]] = []
    edges = verify_pairs(pairs, sets, dict(enumerate(sets)), cfg, lambda *a: seen.append(a))
    assert edges.tolist() == [[0, 2, shared]] and edges.dtype == np.int64
    assert seen[-1] == ("verify", 3, 3)
    assert verify_pairs(pairs[:0], sets, sets, cfg).shape == (0, 3)
    sim = verified(story, copy, cfg)
    assert sim is not None and sim.shared == shared and verified(story, other, cfg) is None
