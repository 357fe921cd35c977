"""The Redis back end of `dedup.Index`, against a real `redis-server` started for the tests
(see the `redis_server` fixture): the same contract as SQLite, shared between processes."""

from __future__ import annotations

import json

import numpy as np
import pytest
import redis
from typer.testing import CliRunner

import dedup
from dedup.candidates import sampled
from dedup.cli import app
from dedup.config import CandidateConfig
from dedup.prepare import prepare_chunk
from tests.conftest import SAMPLE
from tests.index_workers import pair_texts
from tests.test_index import _WEAK_LSH, index_pairs, scan_pairs


@pytest.fixture(autouse=True)
def _in_sample_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE)


def client(location: str) -> redis.Redis:
    return redis.Redis.from_url(location.split("?")[0])


def prefix(location: str) -> bytes:
    return location.split("prefix=")[1].encode()


def test_add_query_remove_stats_match_a_scan(redis_index: str) -> None:
    expected = scan_pairs(["articles"], dedup.ScanConfig())
    with dedup.Index.open(redis_index) as index:
        added = index.add(["articles"], batch_size=20)
        assert len(added.added) == 68 and added.documents == 68
        got = index_pairs(index.query_many(["articles"]))
        assert got == expected
        stats = index.stats()
        assert stats.documents == 68 and stats.backend == "redis"
        assert stats.fingerprint == dedup.ScanConfig().fingerprint()
        gone = index.remove(["spotify-7885", "nope"])
        assert gone.removed == ("spotify-7885",) and gone.missing == ("nope",)
        assert "spotify-7885" not in {
            m.id for r in index.query_many(["articles"]).results for m in r.matches
        }
        assert index.check() == []


def test_passage_candidates_match_a_scan(redis_index: str) -> None:
    """Weak LSH: the fingerprint postings and their document-frequency cap find the pairs."""
    cfg = dedup.ScanConfig(
        minhash=_WEAK_LSH, candidates=CandidateConfig(sample=4, min_hits=3, max_df=3)
    )
    expected = scan_pairs(["articles"], cfg)
    with dedup.Index.open(redis_index, cfg) as index:
        index.add(["articles"], batch_size=20)
        assert index_pairs(index.query_many(["articles"])) == expected
        gone = sorted({a for a, _ in expected})
        index.remove(gone)
        assert not set(gone) & {m for _, m in index_pairs(index.query_many(["articles"]))}
        index.remove([r.id for r in index.query_many(["articles"]).results])
        assert len(index) == 0
    r = client(redis_index)
    assert not list(r.scan_iter(match=prefix(redis_index) + b"f*"))  # no posting left


def test_duplicates_settings_and_byte_order(redis_index: str) -> None:
    a, b = pair_texts(5)
    other, _ = pair_texts(6)
    with dedup.Index.open(redis_index) as index:
        index.add([dedup.Document("x", a, url="https://x.example/1"), dedup.Document("y", b)])
        refused = index.add([dedup.Document("x", other)])
        assert refused.added == () and "already in the index" in refused.skipped[0].reason
        assert {m.id for m in index.query(a)} == {"x", "y"}
        assert index.add([dedup.Document("x", other)], on_duplicate="replace").replaced == ("x",)
        assert {m.id for m in index.query(a)} == {"y"} and len(index) == 2
    r = client(redis_index)
    p = prefix(redis_index)
    part = prepare_chunk([dedup.Document("x", other)], dedup.ScanConfig())
    stored = r.hgetall(p + b"d:x")
    assert stored[b"sig"] == part.sigs[0].astype("<u4").tobytes()
    assert np.array_equal(np.frombuffer(stored[b"sh"], dtype="<u8"), part.sets[0])
    assert stored[b"ly"] == part.layouts[0].to_array().astype("<i4").tobytes()
    fps = np.frombuffer(stored[b"fp"], dtype="<u8")
    assert np.array_equal(fps, sampled(part.sets[0], 8)) and fps.size > 0
    # the postings name x under its new text only
    posting = [k for k in r.scan_iter(match=p + b"f*") if r.sismember(k, "x")]
    assert sorted(posting) == sorted(p + b"f" + f.tobytes() for f in fps)
    assert b"url" not in stored  # the replacing document has no URL: none is left over
    assert r.hget(p + b"meta", "byte_order") == b'"little"'
    # no bucket still names x under its old text: 85 buckets hold x, 85 hold y
    holders = [k for k in r.scan_iter(match=p + b"b*") if r.sismember(k, "x")]
    assert len(holders) == 85
    with pytest.raises(dedup.IndexStoreError, match="built with shingle size 5, asked for 3"):
        dedup.Index.open(redis_index, dedup.ScanConfig(shingle=dedup.ShingleConfig(shingle_size=3)))


def test_foreign_data_and_unreachable_servers(redis_index: str) -> None:
    r = client(redis_index)
    p = prefix(redis_index)
    r.set(p + b"meta", b"someone else's")
    with pytest.raises(dedup.IndexStoreError, match="not a dedup index"):
        dedup.Index.open(redis_index)
    assert r.get(p + b"meta") == b"someone else's" and r.dbsize() >= 1
    r.delete(p + b"meta")
    r.hset(p + b"meta", mapping={"format": "other-tool"})
    with pytest.raises(dedup.IndexStoreError, match="not a dedup index"):
        dedup.Index.open(redis_index)
    assert r.hgetall(p + b"meta") == {b"format": b"other-tool"}
    r.delete(p + b"meta")
    with pytest.raises(dedup.IndexStoreError, match="no such index"):
        dedup.Index.open(redis_index, create=False)
    with pytest.raises(dedup.IndexStoreError) as err:
        dedup.Index.open("redis://:secret@127.0.0.1:1/0")
    assert "cannot connect" in str(err.value) and "secret" not in str(err.value)


def test_cli_on_redis(redis_index: str) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["index", "add", "articles", "--index", redis_index, "-j", "1"])
    assert added.exit_code == 0, added.stderr
    query = runner.invoke(
        app,
        ["index", "query", "articles/pages/census-9990.html", "--index", redis_index, "-j", "1"],
    )
    assert query.exit_code == 0, query.stderr
    (result,) = json.loads(query.stdout)["results"]
    assert len(result["matches"]) == 3
    stats = runner.invoke(app, ["index", "stats", "--index", redis_index, "-f", "json"])
    assert json.loads(stats.stdout)["documents"] == 68
    down = runner.invoke(app, ["index", "stats", "--index", "redis://127.0.0.1:1/0"])
    assert down.exit_code == 1 and down.stderr.count("\n") == 1
    assert down.stderr.startswith("dedup: error: redis://127.0.0.1:1/0: cannot connect")


def test_unix_socket_location(redis_server: str) -> None:
    """`unix:///path.sock?db=0` reaches the same kind of index as redis://host:port/db."""
    sock = client(redis_server).config_get("unixsocket")["unixsocket"]
    location = f"unix://{sock}?db=0&prefix=unix-test:"
    with dedup.Index.open(location) as index:
        assert index.add(["articles/spotify.jsonl"]).documents == 36
        assert index.stats().backend == "redis"
        hits = index.query_many(["articles/spotify.jsonl"])
        assert sum(len(r.matches) for r in hits.results) > 0
