"""One document per id (`dedup.ids`), and the `Batch` the stages pass on (`dedup.model`)."""

from __future__ import annotations

import numpy as np

from dedup.ids import dedupe_key, index_choice, losers, natural, one_per_id
from dedup.model import Batch, Entry, Layout


def _layout(words: int) -> Layout:
    """A layout of `words` words in one sentence, one shingle a word."""
    at = np.arange(words, dtype=np.int32)
    return Layout(at, 2 * at, 2 * at + 1, np.zeros(1, np.int32), np.zeros(1, bool))


def _entry(doc_id: str, source: str) -> Entry:
    return Entry(doc_id, None, None, None, None, source, None)


def _batch(rows: list[tuple[str, str, list[int]]]) -> Batch:
    return Batch(
        [_entry(i, src) for i, src, _ in rows],
        [np.array(s, dtype=np.uint64) for _, _, s in rows],
        np.arange(len(rows) * 4, dtype=np.uint32).reshape(len(rows), 4),
        read=len(rows) + 2,
        layouts=[_layout(len(s)) for _, _, s in rows],
    )


def test_natural_order_puts_line_9_before_line_10() -> None:
    assert sorted(["f:line 10", "f:line 9", "e:line 11"], key=natural) == [
        "e:line 11",
        "f:line 9",
        "f:line 10",
    ]


def test_one_per_id_keeps_the_first_by_source_whatever_the_input_order() -> None:
    rows = [
        ("b", "x.jsonl:line 10", [1, 2]),
        ("a", "x.jsonl:line 3", [5]),
        ("b", "x.jsonl:line 9", [3, 4]),
        ("b", "y.jsonl:line 1", [7]),
    ]
    for order in ([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]):
        out = one_per_id(_batch([rows[i] for i in order]))
        assert [e.id for e in out.entries] == ["a", "b"]
        assert out.entries[1].source == "x.jsonl:line 9"
        assert out.sets[1].tolist() == [3, 4] and out.read == 6
        assert out.sigs.shape == (2, 4)
        assert sorted((s.location or "", s.reason) for s in out.skips.listed()) == [
            ("line 1", "duplicate id 'b' (kept the one at x.jsonl:line 9)"),
            ("line 10", "duplicate id 'b' (kept the one at x.jsonl:line 9)"),
        ]


def test_same_source_ties_go_to_the_content() -> None:
    a, b = _entry("d", "api"), _entry("d", "api")
    small, large = np.array([9], np.uint64), np.array([1, 2], np.uint64)
    assert dedupe_key(a, small) < dedupe_key(b, large)  # fewer shingles first
    assert losers([(dedupe_key(b, large), 7), (dedupe_key(a, small), 3)]) == [(7, 3)]


def test_losers_needs_every_row_of_an_id_and_keeps_distinct_ids() -> None:
    rows = [((("x",), 1), 10), ((("y",), 1), 11), ((("x",), 0), 12)]
    assert losers(rows) == [(10, 12)]  # type: ignore[arg-type]
    assert losers([]) == []


def test_index_choice_first_or_last_of_an_id() -> None:
    entries = [_entry("a", "f:line 1"), _entry("a", "f:line 2"), _entry("b", "f:line 3")]
    keep, skips = index_choice(entries, replace=False)
    assert keep == [0, 2] and [s.location for s in skips] == ["line 2"]
    assert "kept the first record" in skips[0].reason
    keep, skips = index_choice(entries, replace=True)
    assert keep == [1, 2] and [s.location for s in skips] == ["line 1"]
    assert "replaced by a later record" in skips[0].reason


def test_batch_take_and_concat() -> None:
    one = _batch([("a", "s", [1]), ("b", "s", [2]), ("c", "s", [3])])
    two = Batch(skips=one.skips, read=4)  # no document: its signatures have no width
    both = Batch.concat([one, two, one.take([2, 0])], num_perm=4)
    assert [e.id for e in both.entries] == ["a", "b", "c", "c", "a"]
    assert both.sigs.shape == (5, 4) and both.read == 5 + 4
    assert both.sigs[3].tolist() == one.sigs[2].tolist()
    empty = Batch.concat([two], num_perm=4)
    assert len(empty) == 0 and empty.sigs.shape == (0, 4)
    assert one.take([]).sigs.shape == (0, 4)
