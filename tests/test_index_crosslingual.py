"""Cross-lingual matching on the persistent index (SQLite and Redis): a query finds the
translations a scan verifies, with the scan's weights and bucket cap; the anchor tables and
feature counts stay consistent through add, replace and remove; refusals and odd documents."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis
from typer.testing import CliRunner, Result

import dedup
from dedup.cli import app
from dedup.config import CrossLingualConfig, ScanConfig
from dedup.crosslingual.translations import find_translations
from dedup.engines.local import collect
from dedup.index.translations import cross_pairs, keys_from_bytes, open_buckets
from tests.conftest import (
    FIXTURES,
    SAMPLE,
    SHARED_DATA,
    assert_one_line_error,
    needs_shared_data,
)

WMT = FIXTURES / "crosslingual" / "wmt_translations.jsonl"
ON = ScanConfig(crosslingual=CrossLingualConfig(enabled=True))
runner = CliRunner()


def _rows() -> list[dict[str, str]]:
    return [json.loads(line) for line in WMT.read_text(encoding="utf-8").splitlines()]


def _docs(rows: Sequence[dict[str, str]] | None = None) -> list[dedup.Document]:
    return [dedup.Document(r["id"], r["text"]) for r in (rows if rows is not None else _rows())]


def scan_translations(
    docs: Sequence[dedup.Document], cfg: ScanConfig = ON
) -> dict[str, dict[str, float]]:
    """What a scan verifies: document id -> {partner id: score}."""
    corpus, _ = collect(list(docs), cfg)
    t = find_translations(
        [e.anchors for e in corpus.entries],
        [e.language for e in corpus.entries],
        cfg.crosslingual,
        sets=corpus.sets,
    )
    out: dict[str, dict[str, float]] = {e.id: {} for e in corpus.entries}
    for p in t.pairs:
        a, b = corpus.entries[p.a].id, corpus.entries[p.b].id
        out[a][b] = out[b][a] = p.score.score
    return out


def index_translations(matches: Sequence[dedup.IndexMatch]) -> dict[str, float]:
    return {m.id: m.score or 0.0 for m in matches if m.match == "translation"}


def assert_same(got: dict[str, float], want: dict[str, float]) -> None:
    assert got.keys() == want.keys()
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-9, abs=1e-12)


@pytest.fixture(params=["sqlite", "redis"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "xl.db")
    return str(request.getfixturevalue("redis_index"))


def sibling(location: str, name: str) -> str:
    """Another index next to `location` (a file beside it, or another Redis key prefix)."""
    return f"{location}{name}:" if "://" in location else f"{location}-{name}"


def run(*args: str) -> Result:
    argv = list(args)
    if argv[1:2] in (["add"], ["query"]):
        argv += ["--jobs", "1"]
    result = runner.invoke(app, argv, prog_name="dedup")
    assert "Traceback" not in result.stdout + result.stderr
    return result


# ---------------------------------------------------------------------------------------------
# the contract: what a scan verifies
# ---------------------------------------------------------------------------------------------


def test_query_finds_the_translations_a_scan_verifies(location: str) -> None:
    docs = _docs()
    expected = scan_translations(docs)
    assert sum(len(v) for v in expected.values()) == 36  # 18 pairs, both ways
    with dedup.Index.open(location, ON) as index:
        assert index.add(docs, batch_size=5).documents == 14 and index.crosslingual
        for d in docs:
            matches = index.query(d)
            assert_same(index_translations(matches), expected[d.id])
            for m in matches:
                assert m.match == "translation" and m.language != m.query_language
                assert m.language is not None and m.query_language is not None
                assert m.jaccard < 0.1  # word-shingle figures stay exact: next to nothing
        report = index.query_many(docs)
        assert report.crosslingual and report.counts()["translations"] == 36
        for r in report.results:
            assert r.language is not None
            assert_same(index_translations(r.matches), expected[r.id])


def test_a_new_document_is_weighed_as_in_a_scan_of_the_index_plus_it(location: str) -> None:
    """The query's features count as one more document: exactly the scan of all 14."""
    docs = _docs()
    expected = scan_translations(docs)
    for k in (0, 7):  # a German original, an English one
        new = docs[k]
        with dedup.Index.open(sibling(location, f"n{k}"), ON) as index:
            index.add([d for d in docs if d.id != new.id])
            assert_same(index_translations(index.query(new)), expected[new.id])
            # bare text: a new document too
            assert_same(index_translations(index.query(new.text)), expected[new.id])


def test_a_query_stands_in_for_the_indexed_document_with_its_id(location: str) -> None:
    """Under the id of an indexed document, the query replaces it: its anchors no longer count,
    the query's do (a scan of the index with the query in its place)."""
    docs = _docs()
    x, y = docs[0], docs[7]  # two stories
    query = dedup.Document(x.id, y.text)
    expected = scan_translations([query if d.id == x.id else d for d in docs])[x.id]
    assert expected  # y's translations
    with dedup.Index.open(location, ON) as index:
        index.add(docs)
        got = index_translations(index.query(query))
    assert_same(got, expected)


def test_the_bucket_cap_skips_what_a_scan_skips(location: str) -> None:
    """With a cap of 2 pairs a bucket, stories in four languages lose some buckets (14 of 18
    pairs are found): the index decides from its counts exactly as a scan does."""
    docs = _docs()
    capped = replace(ON, crosslingual=replace(ON.crosslingual, max_bucket_pairs=2))
    expected = scan_translations(docs, capped)
    assert sum(len(v) for v in expected.values()) == 28
    with dedup.Index.open(location, ON) as index:
        index.add(docs)
        index.config = capped
        for d in docs:
            assert_same(index_translations(index.query(d)), expected[d.id])


def test_a_query_refuses_a_same_language_document_whatever_its_label() -> None:
    from dedup.index.base import AnchorHits, StoredDoc, shingles_to_bytes
    from dedup.index.translations import keys_to_bytes, verify_translations

    notices = FIXTURES / "crosslingual" / "english_notices.jsonl"
    rows = {
        r["id"]: r["text"]
        for r in map(json.loads, notices.read_text(encoding="utf-8").splitlines())
    }
    corpus, _ = collect([dedup.Document(i, rows[i]) for i in ("reuters-1677", "reuters-1734")], ON)
    query, stored = corpus.entries
    assert query.anchors is not None and stored.anchors is not None
    doc = StoredDoc(
        stored.id, None, None, None, None, None, None,
        shingles_to_bytes(corpus.sets[1]), b"", "vo", keys_to_bytes(stored.anchors.seq),
    )  # fmt: skip
    feats = np.unique(np.concatenate((query.anchors.seq, stored.anchors.seq)))
    counts = np.isin(feats, stored.anchors.seq).astype(np.int64)
    hits = AnchorHits([doc], feats, counts, 1)
    cfg = ON.crosslingual
    assert len(verify_translations(query.anchors, "en", hits, cfg)) == 1  # anchors alone
    assert verify_translations(query.anchors, "en", hits, cfg, corpus.sets[0]) == []


def test_open_buckets_counts_the_query_in_and_the_excluded_document_out() -> None:
    assert cross_pairs({"de": 2, "en": 3}) == 6 and cross_pairs({"en": 9}) == 0
    sizes = {1: {"de": 1, "en": 2}, 2: {"en": 50}, 3: {"fr": 3}}
    reads, skipped = open_buckets([1, 2, 3, 4], "en", sizes, None, 3)
    # 1: de 1, en 3 -> 3 pairs, read de; 2: en only; 3: fr 3 + en 1 -> 3; 4: the query alone
    assert reads == [(1, "de"), (3, "fr")] and skipped == 0
    reads, skipped = open_buckets([1, 2, 3], "de", sizes, None, 3)
    # 1: de 2 x en 2 = 4 pairs, skipped; 2: de 1 x en 50, skipped; 3: de 1 x fr 3 = 3, read
    assert reads == [(3, "fr")] and skipped == 2
    # the query stands in for the German document of bucket 1
    reads, _ = open_buckets([1], "de", sizes, ("de", frozenset({1})), 2)
    assert reads == [(1, "en")]


# ---------------------------------------------------------------------------------------------
# consistency of the stored anchor data
# ---------------------------------------------------------------------------------------------


State = dict[str, Any]


def _expected(docs: dict[str, tuple[str | None, bytes, bytes]]) -> State:
    """What the counts must be for documents id -> (language, anchors, bands)."""
    df: Counter[int] = Counter()
    sizes: Counter[tuple[int, str]] = Counter()
    members: dict[tuple[int, str], set[str]] = {}
    for i, (lang, anchors, bands) in docs.items():
        df.update(int(f) for f in np.unique(keys_from_bytes(anchors)))
        if lang is not None:
            for k in keys_from_bytes(bands).tolist():
                sizes[(k, lang)] += 1
                members.setdefault((k, lang), set()).add(i)
    return {"df": dict(df), "sizes": dict(sizes), "members": members, "documents": len(docs)}


def _u64(x: int) -> int:
    return x & 0xFFFFFFFFFFFFFFFF


def sqlite_state(path: str) -> tuple[State, State]:
    """(what the tables hold, what they must hold given the stored documents)."""
    con = sqlite3.connect(path)
    try:
        ids = dict(con.execute("SELECT n, id FROM docs"))
        stored = {
            ids[n]: (lang, a, b)
            for n, lang, a, b in con.execute("SELECT doc, language, anchors, bands FROM xl_docs")
        }
        assert set(stored) == set(ids.values())  # every document has its row, no stale row
        members: dict[tuple[int, str], set[str]] = {}
        for k, lang, n in con.execute("SELECT key, language, doc FROM xl_buckets"):
            members.setdefault((_u64(k), lang), set()).add(ids[n])
        held = {
            "df": {_u64(f): n for f, n in con.execute("SELECT feature, n FROM xl_df")},
            "sizes": {
                (_u64(k), lg): n
                for k, lg, n in con.execute("SELECT key, language, n FROM xl_bucket_sizes")
            },
            "members": members,
            "documents": con.execute("SELECT n FROM xl_counts").fetchone()[0],
        }
    finally:
        con.close()
    return held, _expected(stored)


def redis_state(location: str) -> tuple[State, State]:
    r = redis.Redis.from_url(location.split("?")[0])
    p = location.split("prefix=")[1].encode()
    try:
        stored: dict[str, tuple[str | None, bytes, bytes]] = {}
        for i in r.smembers(p + b"ids"):
            lang, a, b = r.hmget(p + b"d:" + i, "lang", "xa", "xk")
            stored[i.decode()] = (None if lang is None else lang.decode(), a, b or b"")
        df = {int.from_bytes(f, "little"): int(n) for f, n in r.hgetall(p + b"xdf").items()}
        sizes: dict[tuple[int, str], int] = {}
        members: dict[tuple[int, str], set[str]] = {}
        for key in r.scan_iter(match=p + b"x*"):
            rest = key[len(p) :]
            if rest.startswith(b"xc"):
                k = int.from_bytes(rest[2:10], "little")
                for lang, n in r.hgetall(key).items():
                    sizes[(k, lang.decode())] = int(n)
            elif rest.startswith(b"xb"):
                k, lang = int.from_bytes(rest[2:10], "little"), rest[10:].decode()
                members[(k, lang)] = {i.decode() for i in r.smembers(key)}
        held = {"df": df, "sizes": sizes, "members": members, "documents": r.scard(p + b"ids")}
    finally:
        r.close()
    return held, _expected(stored)


def test_add_replace_remove_keep_the_counts_consistent(location: str) -> None:
    state = sqlite_state if "://" not in location else redis_state
    docs = _docs()
    with dedup.Index.open(location, ON) as index:
        index.add(docs[:9])
        index.add(docs[5:])  # 5..8 refused
        held, want = state(location)
        assert held == want and held["documents"] == 14 and held["sizes"] and held["df"]
        # replace: other texts under the same ids (a story swapped for another)
        swapped = [dedup.Document(a.id, b.text) for a, b in zip(docs[:4], docs[7:11], strict=True)]
        result = index.add(swapped, on_duplicate="replace")
        assert len(result.replaced) == 4
        held, want = state(location)
        assert held == want and held["documents"] == 14
        index.remove([d.id for d in docs[::2]])
        held, want = state(location)
        assert held == want and held["documents"] == 7
        index.remove([d.id for d in docs])
        held, want = state(location)
        assert held == want == {"df": {}, "sizes": {}, "members": {}, "documents": 0}
        # and nothing is found any more
        assert index.query(docs[0]) == []


def test_no_stale_keys_after_removing_everything(redis_index: str) -> None:
    with dedup.Index.open(redis_index, ON) as index:
        index.add(_docs())
        index.remove([d.id for d in _docs()])
    r = redis.Redis.from_url(redis_index.split("?")[0])
    p = redis_index.split("prefix=")[1].encode()
    try:
        # the settings and the write generation (what a query checks its two reads against)
        # stay; no bucket, posting, anchor count or document is left
        assert sorted(r.scan_iter(match=p + b"*")) == [p + b"gen", p + b"meta"]
    finally:
        r.close()


# ---------------------------------------------------------------------------------------------
# settings, refusals, odd documents
# ---------------------------------------------------------------------------------------------


def test_settings_are_recorded_and_refusals_name_them(location: str) -> None:
    with dedup.Index.open(location, ON) as index:
        index.add(_docs()[:3])
        settings = index.stats().settings
        assert settings["cross_lingual"] is True and settings["anchor_scheme"] == 1
        assert settings["anchor_bands"] == 64 and settings["anchor_num_perm"] == 128
        # the word-shingle fingerprint: the same as an index without cross-lingual data
        assert index.stats().fingerprint == ScanConfig().fingerprint()
    with dedup.Index.open(location) as index:  # no config: as built, cross-lingual on
        assert index.config.crosslingual.enabled
    other = replace(ON, crosslingual=CrossLingualConfig(enabled=True, bands=32))
    with pytest.raises(
        dedup.IndexStoreError, match="built with cross-lingual bands 64, asked for 32"
    ):
        dedup.Index.open(location, other)
    plain = sibling(location, "plain")
    with dedup.Index.open(plain) as index:
        index.add(_docs()[:3])
        assert not index.crosslingual and index.stats().settings["cross_lingual"] is False
        with pytest.raises(dedup.IndexStoreError, match="built without cross-lingual data"):
            index.config = ON
    with pytest.raises(dedup.IndexStoreError, match="built without cross-lingual data"):
        dedup.Index.open(plain, ON)


def test_an_anchor_scheme_of_another_version_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "xl.db")
    with dedup.Index.open(db, ON) as index:
        index.add(_docs()[:2])
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = '0' WHERE key = 'crosslingual.anchor_scheme'")
    con.commit()
    con.close()
    with pytest.raises(dedup.IndexStoreError, match="anchor scheme version 0, this dedup uses 1"):
        dedup.Index.open(db)


def test_queried_without_the_option_an_index_finds_copies_only(location: str) -> None:
    docs = _docs()
    en = next(d for d in docs if d.id.endswith("cbsnews.377515:en"))
    copy = dedup.Document("copy-en", en.text + "\nSource: CBS News")
    with dedup.Index.open(location, ON) as index:
        index.add([*docs, copy])
        index.config = ScanConfig()
        plain = index.query(en)
        assert [m.id for m in plain] == ["copy-en"] and plain[0].match == "copy"
        assert plain[0].language == "en" and plain[0].query_language is None
        index.config = ON
        both = index.query(en)
        # the copy first (word shingles), then the translations, best score first
        assert both[0].id == "copy-en" and both[0].match == "copy"
        assert both[0].language == both[0].query_language == "en"
        rest = both[1:]
        assert {m.match for m in rest} == {"translation"} and len(rest) == 3
        assert [m.score for m in rest] == sorted((m.score or 0.0 for m in rest), reverse=True)
        assert "copy-en" not in {m.id for m in rest}


def test_documents_without_anchors_or_language_match_nothing(location: str) -> None:
    docs = _docs()
    odd = [
        # no anchors: lower-case words only
        dedup.Document("no-anchors", "the cat sat on the mat and then it went to sleep " * 3),
        # too few letters to tell the language: numbers only
        dedup.Document("no-language", "2021 2022 2023 2024 1999 1984 3.5 4,000 " * 3),
    ]
    with dedup.Index.open(location, ON) as index:
        index.add([*docs, *odd])
        for d in odd:
            assert index.query(d) == []
            # as bare text: itself as a word-shingle copy, no translation
            assert [m.id for m in index.query(d.text)] == [d.id]
        # the others still find exactly their translations (the odd ones count as documents)
        expected = scan_translations([*docs, *odd])
        for d in docs:
            assert_same(index_translations(index.query(d)), expected[d.id])
        report = index.query_many(odd)
        assert [r.language for r in report.results] == ["en", None]
    if "://" not in location:
        held, want = sqlite_state(location)
        assert held == want and held["documents"] == 16


def test_seed_page_finds_no_translation_among_the_sample(
    shared_example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The French copy of a Reuters story whose English original is not in the sample: the
    sample's English stories are no translations of it."""
    monkeypatch.chdir(SAMPLE)
    with dedup.Index.open(tmp_path / "xl.db", ON) as index:
        index.add(["articles"])
        assert index.query(dedup.Document("seed-fr", shared_example)) == []


# ---------------------------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------------------------


def _jsonl(tmp_path: Path) -> str:
    src = tmp_path / "wmt.jsonl"
    src.write_text(
        "".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in _rows()),
        encoding="utf-8",
    )
    return str(src)


def test_cli_add_and_query_cross_lingual(tmp_path: Path) -> None:
    src, db = _jsonl(tmp_path), str(tmp_path / "xl.db")
    added = run("index", "add", src, "--index", db, "--cross-lingual")
    assert added.exit_code == 0, added.stderr
    out = run("index", "query", src, "--index", db, "--cross-lingual", "-f", "json", "-q")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["stats"]["matches"] == data["stats"]["translations"] == 36
    expected = scan_translations(_docs())
    for r in data["results"]:
        assert r["language"] in {"de", "en", "fr", "ru", "zh"}
        assert {m["id"] for m in r["matches"]} == set(expected[r["id"]])
        for m in r["matches"]:
            assert m["match"] == "translation" and m["query_language"] == r["language"]
            assert m["language"] != r["language"] and 0.3 <= m["score"] <= 1.0
            assert {"jaccard", "containment", "reuse", "shared"} <= m.keys()
    rows = list(
        csv.DictReader(
            io.StringIO(
                run("index", "query", src, "--index", db, "--cross-lingual", "-f", "csv").stdout
            )
        )
    )
    assert len(rows) == 36 and {r["match"] for r in rows} == {"translation"}
    assert all(r["language"] and r["query_language"] and float(r["score"]) >= 0.3 for r in rows)
    table = run("index", "query", src, "--index", db, "--cross-lingual", "-f", "table")
    assert "translation 0." in table.stdout and "lang" in table.stdout
    assert table.stderr.endswith("14 with matches, 36 matches (36 translations)\n")
    # without the option: word shingles only (and nothing here), output as before
    plain = run("index", "query", src, "--index", db, "-f", "json", "-q")
    assert json.loads(plain.stdout)["stats"] == {
        "files": 1,
        "read": 14,
        "queried": 14,
        "skipped": 0,
        "failed": 0,
        "with_matches": 0,
        "matches": 0,
    }
    stats = json.loads(run("index", "stats", "--index", db, "-f", "json").stdout)
    assert stats["settings"]["cross_lingual"] is True


def test_cli_cross_lingual_on_an_index_built_without_it_is_a_one_line_error(
    tmp_path: Path,
) -> None:
    src, db = _jsonl(tmp_path), str(tmp_path / "plain.db")
    assert run("index", "add", src, "--index", db).exit_code == 0
    line = assert_one_line_error(
        run("index", "query", src, "--index", db, "--cross-lingual"),
        1,
        "built without cross-lingual data",
        "--cross-lingual",
    )
    assert line.startswith(f"dedup: error: {db}: ")
    assert_one_line_error(
        run("index", "add", src, "--index", db, "--cross-lingual"),
        1,
        "built without cross-lingual data",
    )


# ---------------------------------------------------------------------------------------------
# real data
# ---------------------------------------------------------------------------------------------


def wmt_pair(a: str, b: str) -> tuple[list[dedup.Document], set[frozenset[str]]]:
    """Both sides of every WMT document in languages a and b, and the gold pairs."""
    docs: list[dedup.Document] = []
    gold: set[frozenset[str]] = set()
    for path in sorted((SHARED_DATA / "parallel_news_wmt").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                sides = {d["src"]["lang"]: d["src"]["segments"]}
                for ref in d["refs"]:
                    sides.setdefault(ref["lang"], ref["segments"])
                if a in sides and b in sides:
                    key = f"{d['testset']}:{d['docid']}"
                    docs += [dedup.Document(f"{key}:{x}", "\n".join(sides[x])) for x in (a, b)]
                    gold.add(frozenset((f"{key}:{a}", f"{key}:{b}")))
    return docs, gold


@needs_shared_data
def test_wmt_german_english_index_queries_are_the_scan(tmp_path: Path) -> None:
    """Every WMT document in German and English: each query's translations are exactly what
    the scan verifies for it, and their recall and precision those of the issue's targets."""
    docs, gold = wmt_pair("de", "en")
    expected = scan_translations(docs)
    with dedup.Index.open(tmp_path / "xl.db", ON) as index:
        index.add(docs)
        report = index.query_many(docs)
    pred: set[frozenset[str]] = set()
    for r in report.results:
        got = index_translations(r.matches)
        assert_same(got, expected[r.id])
        pred |= {frozenset((r.id, m)) for m in got}
    assert len(pred & gold) / len(gold) >= 0.9
    assert len(pred & gold) / len(pred) >= 0.98


def test_an_index_with_cross_lingual_data_records_format_version_4(tmp_path: Path) -> None:
    # a dedup that reads only version 3 (and would write without keeping the anchor counts)
    # refuses it; this one reads both, and refuses settings that contradict each other
    xl, plain = str(tmp_path / "xl.db"), str(tmp_path / "plain.db")
    for db, cfg in ((xl, ON), (plain, ScanConfig())):
        with dedup.Index.open(db, cfg) as index:
            index.add(_docs()[:2])

    def version(db: str) -> str:
        con = sqlite3.connect(db)
        try:
            return str(
                con.execute("SELECT value FROM meta WHERE key='format_version'").fetchone()[0]
            )
        finally:
            con.close()

    assert (version(xl), version(plain)) == ("4", "3")
    con = sqlite3.connect(xl)
    con.execute("UPDATE meta SET value = '3' WHERE key = 'format_version'")
    con.commit()
    con.close()
    with pytest.raises(dedup.IndexStoreError, match="damaged index settings"):
        dedup.Index.open(xl)
