"""`dedup.Index` on its SQLite back end: add, query, remove, stats, duplicate ids, recorded
settings, stored byte order, and the contract that a query finds exactly what a scan verifies."""

from __future__ import annotations

import gzip
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import dedup
from dedup.candidates import sampled
from dedup.config import CandidateConfig, TemplateConfig
from dedup.index.sqlite import SQLiteStore
from tests.conftest import SAMPLE, SHARED_DATA, needs_shared_data
from tests.index_workers import pair_docs, pair_texts

ARTICLES = "articles"  # ids of HTML pages are their paths as given: run in sample/


#: what a pair's evidence is compared on: the words of the first and of the second text inside
#: the passages they share, the shares of their bodies (rounded) and the shared sentences
Evidence = tuple[int, int, float, float, int]


def scan_pairs(inputs: list[str | Path], cfg: dedup.ScanConfig) -> dict[tuple[str, str], Evidence]:
    """Every ordered pair (a, b) a scan finds a copy (`Report.all_matches`), with its
    evidence seen from a. Site templates off: a scan learns them from its whole corpus, which
    the index does not do (it applies none, see `dedup.index.persistent`), so the index's
    contract is with a scan without them."""
    report = dedup.scan(inputs, replace(cfg, templates=TemplateConfig(enabled=False)))
    out: dict[tuple[str, str], Evidence] = {}
    for m in report.all_matches():
        if m.kind == "copy":
            ab = round(m.a_share, 9), round(m.b_share, 9)
            out[(m.a, m.b)] = (m.a_words, m.b_words, *ab, m.shared_sentences)
            out[(m.b, m.a)] = (m.b_words, m.a_words, ab[1], ab[0], m.shared_sentences)
    return out


def index_pairs(report: dedup.QueryReport) -> dict[tuple[str, str], Evidence]:
    out: dict[tuple[str, str], Evidence] = {}
    for r in report.results:
        for m in r.matches:
            assert m.shared_words is not None and m.match_words is not None
            assert m.share is not None and m.match_share is not None
            assert m.shared_sentences is not None
            out[(r.id, m.id)] = (
                m.shared_words,
                m.match_words,
                round(m.share, 9),
                round(m.match_share, 9),
                m.shared_sentences,
            )
    return out


@pytest.fixture(autouse=True)
def _in_sample_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "seen.db"


def test_add_query_remove_stats(db: Path) -> None:
    with dedup.Index.open(db) as index:
        added = index.add([ARTICLES])
        assert len(added.added) == 68 and added.skipped == () and added.documents == 68
        assert added.read == 68 and added.files == 33
        assert index.stats().documents == 68 == len(index)
        page = "articles/pages/census-9990.html"
        text = next(r for r in _sample_docs() if r.id == page).text
        # bare text: the indexed page itself comes first, identical
        matches = index.query(text)
        assert matches[0].id == page and matches[0].jaccard == 1.0
        assert matches[0].containment == matches[0].reuse == 1.0
        assert [m.jaccard for m in matches] == sorted((m.jaccard for m in matches), reverse=True)
        # as a document with its own id: not a copy of itself
        others = index.query(dedup.Document(page, text))
        assert [m.id for m in others] == [m.id for m in matches[1:]]
        assert {m.id for m in others} == {
            "articles/pages/census-8818.html",
            "articles/pages/census-8200.html",
            "articles/pages/census-14730.html",
        }
        best = others[0]
        assert best.site == "syracuse.com" and best.date == "2019-05-31T13:56:35Z"
        assert best.url == "https://www.syracuse.com/news/8818.html" and best.credit == "AP"
        assert 0 < best.jaccard <= min(best.containment, best.reuse)
        assert len(index.query(dedup.Document(page, text), limit=1)) == 1

        gone = index.remove([best.id, "not-there", best.id])
        assert gone.removed == (best.id,) and gone.missing == ("not-there",)
        assert gone.documents == 67 == index.stats().documents
        assert best.id not in {m.id for m in index.query(text)}

        stats = index.stats().to_dict()
        assert stats["backend"] == "sqlite" and stats["documents"] == 67
        assert stats["settings"]["shingle_size"] == 5 and stats["settings"]["bands"] == 85
        assert stats["fingerprint"] == dedup.ScanConfig().fingerprint()
        assert stats["bytes"] > 0


def _sample_docs() -> list[dedup.Document]:
    """The sample as Documents with their extracted texts (JSONL records carry text)."""
    from dedup.prepare import to_document
    from dedup.sources import read_paths

    cfg = dedup.ScanConfig()
    docs = []
    for _, rec in read_paths([ARTICLES], cfg.input):
        assert not isinstance(rec, dedup.Skip)
        docs.append(to_document(rec, cfg))
    return docs


#: LSH that proposes near-identical texts only (16 rows a band): the passage fingerprints find
#: the rest, and their document-frequency cap decides how many
_WEAK_LSH = dedup.MinHashConfig(num_perm=32, bands=2)


@pytest.mark.parametrize(
    ("minhash", "candidates", "pairs"),
    [
        (dedup.MinHashConfig(), CandidateConfig(), 49),
        (_WEAK_LSH, CandidateConfig(sample=4, min_hits=3, max_df=2), 17),
        (_WEAK_LSH, CandidateConfig(sample=4, min_hits=3, max_df=3), 21),
    ],
    ids=["default", "passages-max-df-2", "passages-max-df-3"],
)
def test_query_finds_exactly_what_scan_verifies_on_the_sample(
    db: Path, minhash: dedup.MinHashConfig, candidates: CandidateConfig, pairs: int
) -> None:
    """Also with weak LSH and other passage-candidate rules (recorded in the index), where
    the fingerprints' document frequencies (counted over the indexed documents, the query in
    place of the one with its id) decide which pairs are candidates."""
    cfg = dedup.ScanConfig(minhash=minhash, candidates=candidates)
    expected = scan_pairs(["articles"], cfg)
    assert len(expected) == 2 * pairs
    with dedup.Index.open(db, cfg) as index:
        # built in small batches, and pages before the JSONL file: order and batching don't matter
        index.add(["articles/spotify.jsonl"], batch_size=7)
        index.add(["articles/pages"], batch_size=5)
        got = index_pairs(index.query_many(["articles"]))
    assert got == expected


def test_query_under_another_copy_rule_matches_scan_under_it(db: Path) -> None:
    strict = dedup.VerifyConfig(min_coverage=0.9, min_sentences=8)
    cfg = dedup.ScanConfig(verify=strict)
    expected = scan_pairs([ARTICLES], cfg)
    with dedup.Index.open(db) as index:
        index.add([ARTICLES])
        index.config = replace(index.config, verify=strict)
        got = index_pairs(index.query_many([ARTICLES]))
    assert got == expected and 0 < len(got) < 102


@needs_shared_data
@pytest.mark.parametrize(
    "data",
    [
        "news_bbc_2225/bbc_articles.jsonl.gz",
        "news_syndication_articlecomparisons/helsinki_articles.csv.gz",
    ],
    ids=["bbc", "helsinki"],
)
def test_query_finds_exactly_what_scan_verifies_on_real_data(db: Path, data: str) -> None:
    """BBC News (2,225 articles with natural duplicates) and the Helsinki-summit set of
    ArticleComparisons (612 articles on one story from 75 outlets: AP/Reuters copies among
    many same-event articles, the hard case for candidate generation). (The set's three files
    reuse ids between them, so one file is taken: a scan keeps one document per id.)"""
    path = SHARED_DATA / data
    cfg = dedup.ScanConfig()
    expected = scan_pairs([path], cfg)
    assert len(expected) > 100
    with dedup.Index.open(db) as index:
        index.add([path], batch_size=500)
        got = index_pairs(index.query_many([path]))
    assert got.keys() == expected.keys()


def test_duplicate_ids_are_refused_or_replaced_never_doubled(db: Path) -> None:
    a, b = pair_texts(1)
    other, _ = pair_texts(2)
    with dedup.Index.open(db) as index:
        assert index.add([dedup.Document("x", a)]).added == ("x",)
        # refuse (the default): the indexed document stays, the record is a listed skip
        refused = index.add([dedup.Document("x", other), dedup.Document("y", b)])
        assert refused.added == ("y",) and refused.replaced == ()
        (skip,) = refused.skipped
        assert skip.reason == "id 'x' is already in the index (not replaced)"
        assert {m.id for m in index.query(a)} == {"x", "y"}
        # replace: the new text takes its place, in the buckets too
        replaced = index.add([dedup.Document("x", other)], on_duplicate="replace")
        assert replaced.replaced == ("x",) and replaced.added == () and replaced.documents == 2
        assert {m.id for m in index.query(a)} == {"y"}
        assert [m.id for m in index.query(other)] == ["x"]
        # one id twice in one add: the first wins under refuse, the last under replace
        twice = [dedup.Document("z", a), dedup.Document("z", other)]
        first = index.add(twice)
        assert first.added == ("z",) and "kept the first" in first.skipped[0].reason
        assert "z" in {m.id for m in index.query(a)}
        last = index.add(twice, on_duplicate="replace")
        assert last.replaced == ("z",) and "replaced by a later" in last.skipped[0].reason
        assert "z" not in {m.id for m in index.query(a)}
        assert len(index) == 3
        with pytest.raises(dedup.ConfigError, match="on_duplicate"):
            index.add([], on_duplicate="keep")  # type: ignore[arg-type]
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT id) FROM docs").fetchone() == (3, 3)
        (rows,) = con.execute("SELECT count(*) FROM buckets").fetchone()
        assert rows == 3 * 85  # no bucket row of a replaced text is left behind


def test_settings_are_recorded_and_a_mismatch_is_named(db: Path) -> None:
    four = dedup.ScanConfig(shingle=dedup.ShingleConfig(shingle_size=4))
    with dedup.Index.open(db, four) as index:
        index.add([dedup.Document("x", pair_texts(1)[0])])
    with pytest.raises(dedup.IndexStoreError) as err:
        dedup.Index.open(db, dedup.ScanConfig())
    assert str(err.value) == f"{db}: built with shingle size 4, asked for 5"
    bands = replace(four, minhash=dedup.MinHashConfig(num_perm=256, bands=64))
    with pytest.raises(
        dedup.IndexStoreError, match=r"num_perm \(MinHash permutations\) 255, asked"
    ):
        dedup.Index.open(db, bands)
    # no config: the index's own settings; verification settings may change freely
    with dedup.Index.open(db) as index:
        assert index.config.shingle.shingle_size == 4
        index.config = replace(index.config, verify=dedup.VerifyConfig(min_coverage=0.9))
        with pytest.raises(dedup.IndexStoreError, match="shingle size 4, asked for 5"):
            index.config = dedup.ScanConfig()
    # an index written by a dedup with another shingle scheme is refused, with the reason
    with sqlite3.connect(db) as con:
        con.execute("UPDATE meta SET value = '1' WHERE key = 'shingle_scheme'")
    with pytest.raises(dedup.IndexStoreError, match="shingle scheme version 1, this dedup uses"):
        dedup.Index.open(db)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE meta SET value = '2' WHERE key = 'shingle_scheme'")
        con.execute("UPDATE meta SET value = 'x' WHERE key = 'fingerprint'")
    with pytest.raises(dedup.IndexStoreError, match="configuration fingerprint x, asked for"):
        dedup.Index.open(db)


@pytest.mark.parametrize("old", ["1", "2"])
def test_an_index_written_by_an_older_dedup_is_refused_to_be_rebuilt(db: Path, old: str) -> None:
    """Versions 1 (words) and 2 (with cross-lingual data) stored no layouts nor passage
    fingerprints: such an index cannot answer under passage alignment, so it is refused, in
    one line naming the file, before anything is written."""
    with dedup.Index.open(db) as index:
        index.add([dedup.Document("x", pair_texts(1)[0])])
    with sqlite3.connect(db) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'format_version'", (old,))
    con.close()
    before = db.read_bytes()
    with pytest.raises(dedup.IndexStoreError) as err:
        dedup.Index.open(db)
    assert str(err.value) == (
        f"{db}: dedup index format version {old}, written by an older dedup (no passage "
        "layouts); rebuild the index (this dedup reads versions 3 and 4)"
    )
    assert db.read_bytes() == before


def test_a_partial_copy_is_found_by_passage_fingerprints(db: Path) -> None:
    """A story's first third inside a page three times as long: whole-text LSH does not
    propose the pair (Jaccard ~0.1), the fingerprint postings do, and the match carries the
    passage, placed in both texts."""
    story = " ".join(f"{s}." for s in _sentences(1, 12))
    page = " ".join(f"{s}." for s in _sentences(2, 20) + _sentences(1, 4) + _sentences(3, 12))
    cfg = dedup.ScanConfig()
    from dedup.prepare import prepare_chunk

    q = prepare_chunk([dedup.Document("story", story)], cfg)
    with dedup.Index.open(db) as index:
        index.add([dedup.Document("page", page)])
        assert index.candidates(q.sigs[0]) == []  # not an LSH candidate
        (m,) = index.query(dedup.Document("story", story))
    assert m.id == "page" and m.jaccard < 0.15
    assert m.shared_sentences == 4 and m.shared_words == m.match_words == 40
    (p,) = m.passages
    assert story[p.a_start : p.a_end] == page[p.b_start : p.b_end]
    assert story[p.a_start : p.a_end].startswith(_sentences(1, 1)[0])
    d = m.to_dict()
    assert d["passages"] == [
        {
            "start": p.a_start,
            "end": p.a_end,
            "words": 40,
            "match_start": p.b_start,
            "match_end": p.b_end,
            "match_words": 40,
        }
    ]
    assert d["share"] == round(40 / 120, 4) and d["match_share"] == round(40 / 360, 4)
    assert (d["shared_sentences"], d["shared_words"], d["match_words"]) == (4, 40, 40)
    # the index gives what a scan gives
    report = dedup.scan(
        [dedup.Document("story", story), dedup.Document("page", page)],
        replace(cfg, templates=TemplateConfig(enabled=False)),
    )
    (sm,) = report.matches
    assert (sm.a, sm.b, sm.a_words, sm.b_words, sm.shared_sentences) == (
        "page",
        "story",
        40,
        40,
        4,
    )


def _sentences(seed: int, n: int) -> list[str]:
    """`n` sentences of ten random words (no full stop), unlike those of another seed."""
    import random

    rng = random.Random(seed)
    return [
        " ".join(f"w{rng.randrange(100_000)}" for _ in range(10)).capitalize() for _ in range(n)
    ]


def test_blobs_are_little_endian_and_queries_touch_only_their_buckets(db: Path) -> None:
    doc = dedup.Document("x", pair_texts(7)[0])
    cfg = dedup.ScanConfig()
    from dedup.prepare import prepare_chunk

    part = prepare_chunk([doc], cfg)
    with dedup.Index.open(db) as index:
        index.add([doc])
    with sqlite3.connect(db) as con:
        sig, shingles = con.execute("SELECT signature, shingles FROM docs").fetchone()
        meta = dict(con.execute("SELECT key, value FROM meta"))
        plan = con.execute(
            "EXPLAIN QUERY PLAN SELECT key, band, doc FROM buckets"
            " WHERE key IN (SELECT value FROM json_each(?))",
            ("[1, 2]",),
        ).fetchall()
        posting_plan = con.execute(
            "EXPLAIN QUERY PLAN SELECT doc FROM postings WHERE key = ? LIMIT ?", (1, 66)
        ).fetchall()
        layout, fps = con.execute("SELECT layout, fingerprints FROM docs").fetchone()
        (postings,) = con.execute("SELECT count(*) FROM postings").fetchone()
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert sig == part.sigs[0].astype("<u4").tobytes()
    assert np.array_equal(np.frombuffer(shingles, dtype="<u8"), part.sets[0])
    assert meta["byte_order"] == '"little"' and meta["format"] == "dedup-index"
    assert meta["fingerprint"] == cfg.fingerprint()
    assert json.loads(meta["shingle.size"]) == 5 and json.loads(meta["minhash.bands"]) == 85
    # the bucket look-up is a search of the primary key, never a scan of the table
    assert any("SEARCH buckets USING PRIMARY KEY (key=?)" in row[3] for row in plan), plan
    assert not any("SCAN buckets" in row[3] for row in plan), plan
    # so is the look-up of a passage fingerprint's holders; layouts and fingerprints are stored
    assert any("SEARCH postings USING PRIMARY KEY (key=?)" in r[3] for r in posting_plan)
    assert layout == part.layouts[0].to_array().astype("<i4").tobytes()
    want = sampled(part.sets[0], cfg.candidates.sample)
    assert np.array_equal(np.frombuffer(fps, dtype="<u8"), want) and postings == want.size > 0
    assert json.loads(meta["candidates.max_df"]) == 64 and meta["format_version"] == "3"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        b"id,text\n1,not an index\n",
        "sqlite-foreign",
        "truncated-index",
        "garbled-index",
    ],
    ids=["binary", "csv", "foreign-sqlite", "truncated-index", "garbled-index"],
)
def test_a_corrupt_or_foreign_file_is_refused_and_left_untouched(
    tmp_path: Path, content: bytes | str
) -> None:
    path = tmp_path / "index.db"
    make_bad_file(path, content)
    before = path.read_bytes()
    with pytest.raises(dedup.IndexStoreError) as err:
        with dedup.Index.open(path) as index:
            index.add([dedup.Document("new", pair_texts(3)[0])])
            index.query(pair_texts(3)[0])
            index.stats()
    assert str(err.value).startswith(f"{path}: ") and "\n" not in str(err.value)
    assert path.read_bytes() == before


def make_bad_file(path: Path, content: bytes | str) -> None:
    """A file that is no usable index: given bytes, another program's SQLite database, or a
    real index cut short or overwritten in places ("damaged-page": one page in its middle
    zeroed, which opening does not notice)."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "sqlite-foreign":
        with sqlite3.connect(path) as con:
            con.execute("CREATE TABLE notes (body TEXT)")
            con.execute("INSERT INTO notes VALUES ('mine')")
        con.close()
    else:
        with dedup.Index.open(path) as index:
            index.add(pair_docs(0, 300))
        data = path.read_bytes()
        assert not Path(f"{path}-wal").exists()  # checkpointed on close
        page = 8192
        if content == "truncated-index":
            path.write_bytes(data[: len(data) // 3])
        elif content == "damaged-page":
            middle = len(data) // 2 // page * page
            path.write_bytes(data[:middle] + bytes(page) + data[middle + page :])
        else:
            middle = len(data) // 2 // page * page
            garbage = bytes((i * 7 + 3) % 256 for i in range(page * 4))
            path.write_bytes(data[: page * 2] + garbage + data[page * 6 : middle] + garbage)


def test_check_reads_every_page_for_damage(tmp_path: Path) -> None:
    """Damage in pages an operation does not read goes unnoticed by it (SQLite keeps no page
    checksums); `check` reads them all."""
    path = tmp_path / "index.db"
    with dedup.Index.open(path) as index:
        index.add(pair_docs(0, 300))
        assert index.check() == []
    make_bad_file(path, "damaged-page")
    with dedup.Index.open(path) as index:
        problems = index.check()
    assert problems and all(isinstance(p, str) for p in problems)


def test_missing_and_empty_index(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    with pytest.raises(dedup.IndexStoreError, match="no such index"):
        dedup.Index.open(path, create=False)
    assert not path.exists()
    with pytest.raises(dedup.IndexStoreError, match=r"directory .* does not exist"):
        dedup.Index.open(tmp_path / "nodir" / "x.db")
    with dedup.Index.open(path) as index:
        assert len(index) == 0 and index.query("anything at all here") == []
        assert index.remove(["a"]).missing == ("a",)
        empty = index.add([dedup.Document("blank", " ... ")])
        assert empty.added == () and "no words" in empty.skipped[0].reason
        assert index.query("") == []
    with pytest.raises(dedup.InputError, match="no such file"):
        with dedup.Index.open(path) as index:
            index.add([tmp_path / "missing.jsonl"])


def test_store_rejects_a_directory(tmp_path: Path) -> None:
    with pytest.raises(dedup.IndexStoreError, match="is a directory"):
        SQLiteStore(tmp_path, create=True, cache_mb=8)


def test_reads_every_input_format_scan_reads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    bbc = data / "wire.jsonl.gz"
    a, b = pair_texts(11)
    with gzip.open(bbc, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "wire-1", "text": a, "url": "https://wire.example/1"}) + "\n")
        fh.write("{broken\n")
    (data / "copy.txt").write_text(b, encoding="utf-8")
    with dedup.Index.open(tmp_path / "i.db") as index:
        result = index.add([data])
        assert sorted(result.added) == [str(data / "copy.txt"), "wire-1"]
        assert len(result.skipped) == 1 and result.read == 3
        copy, wire = index.query(dedup.Document("q", b))
        assert copy.id == str(data / "copy.txt") and copy.jaccard == 1.0
        assert wire.id == "wire-1" and wire.site == "wire.example" and wire.jaccard < 1.0


@pytest.mark.parametrize("form", ["plain", "gzip", "gzip-members"])
def test_add_progress_of_one_file_moves_chunk_by_chunk(tmp_path: Path, form: str) -> None:
    """One 1,200-record file is five chunks of 256: progress rises at each one and reaches
    the total only with the last (it showed 100% after the first chunk of five). A gzip file
    of many members (its trailer gives the size of its last one only) included."""
    import random

    rng = random.Random(7)
    words = [f"w{i}" for i in range(5000)]
    lines = [
        json.dumps({"id": f"d{i}", "text": " ".join(rng.choices(words, k=60))}) + "\n"
        for i in range(1200)
    ]
    data = "".join(lines).encode()
    path = tmp_path / ("docs.jsonl" if form == "plain" else "docs.jsonl.gz")
    if form == "plain":
        path.write_bytes(data)
    elif form == "gzip":
        path.write_bytes(gzip.compress(data, mtime=0))
    else:
        members = ("".join(lines[i : i + 100]).encode() for i in range(0, 1200, 100))
        path.write_bytes(b"".join(gzip.compress(m, mtime=0) for m in members))
    calls: list[tuple[str, int, int | None]] = []
    with dedup.Index.open(tmp_path / "index.db") as index:
        result = index.add([path], progress=lambda *c: calls.append(c))
    assert len(result.added) == 1200
    size = path.stat().st_size
    assert {(stage, total) for stage, _, total in calls} == {("add", size)}
    done = [d for _, d, _ in calls]
    assert done[0] == 0 and done[-1] == size and done == sorted(done)
    steps = sorted(set(done) - {0, size})
    assert len(steps) == 4, done  # one step a chunk but the last, none at the total
