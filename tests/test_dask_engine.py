"""The Dask engine: a real LocalCluster of worker processes, same report as the local engine."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import threading
import time
from pathlib import Path

import pytest

import dedup
from dedup.engines.dask.driver import plan_partitions
from dedup.output import render
from tests.conftest import SAMPLE, SHARED_DATA, needs_shared_data

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> object:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    ) as c:
        yield c


def _engine(cluster: object, **kw: object) -> dedup.DaskEngine:
    return dedup.DaskEngine(scheduler=cluster.scheduler_address, **kw)  # type: ignore[attr-defined]


def test_sample_report_is_byte_identical(cluster: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE)
    local = render(dedup.scan(["articles"]), "json")
    on_dask = render(dedup.scan(["articles"], engine=_engine(cluster)), "json")
    assert on_dask == local
    assert json.loads(on_dask)["stats"]["clusters"] == 10


def test_filters_and_sites_as_local(cluster: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """--since/--until apply where documents are prepared, the other filters and the site view
    (every scanned document counted by site) on the report: the same on Dask."""
    monkeypatch.chdir(SAMPLE)
    report = dedup.ReportConfig(since="2018-06-01", until="2019-05-31", cross_site=True, top=3)
    cfg = dedup.ScanConfig(report=report)
    local = render(dedup.scan(["articles"], cfg), "json")
    on_dask = render(dedup.scan(["articles"], cfg, engine=_engine(cluster)), "json")
    assert on_dask == local
    data = json.loads(local)
    assert data["stats"]["skipped"] > 0 and len(data["clusters"]) == 3
    assert sum(s["scanned"] for s in data["sites"]) == data["stats"]["extracted"]


def test_documents_in_memory_and_small_shuffles(cluster: object) -> None:
    lines = (SAMPLE / "articles" / "spotify.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [
        dedup.Document(id=r["id"], text=r["text"], date=r["date"]) for r in map(json.loads, lines)
    ]
    engine = _engine(cluster, documents_per_partition=5, buckets=3)
    assert render(dedup.scan(docs, engine=engine), "json") == render(dedup.scan(docs), "json")


def _bbc_jsonl(tmp: Path) -> Path:
    path = tmp / "bbc.jsonl"
    with gzip.open(SHARED_DATA / "news_bbc_2225" / "bbc_articles.jsonl.gz", "rt") as src:
        with open(path, "w", encoding="utf-8") as out:
            for line in src:
                r = json.loads(line)
                out.write(
                    json.dumps({"id": r["id"], "title": r["title"], "text": r["text"]}) + "\n"
                )
            out.write("{not json\n")  # a bad record, reported the same way by both engines
    return path


@needs_shared_data
def test_thousands_of_real_documents_in_byte_ranges(cluster: object, tmp_path: Path) -> None:
    """2,225 BBC articles (with their natural duplicates) read in 7 byte ranges."""
    path = _bbc_jsonl(tmp_path)
    engine = _engine(cluster, partition_bytes=path.stat().st_size // 7 + 1)
    parts, files = plan_partitions([path], engine, dedup.ScanConfig())
    assert files == 1 and len(parts) == 7
    local = dedup.scan([path])
    assert local.stats.clusters > 50  # BBC has ~100 duplicate groups
    assert render(dedup.scan([path], engine=engine), "json") == render(local, "json")


def test_lost_worker_is_recovered_with_the_same_report(tmp_path: Path) -> None:
    """Kill a worker process (SIGKILL) while the scan runs: Dask recomputes what it held."""
    texts = [
        json.loads(line)["text"]
        for line in (SAMPLE / "articles" / "spotify.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    for n in range(16):
        with open(tmp_path / f"part-{n:03}.jsonl", "w", encoding="utf-8") as fh:
            for k, t in enumerate(texts):
                fh.write(json.dumps({"id": f"{n}-{k}", "text": f"Edition {n}.\n{t}"}) + "\n")
    expected = render(dedup.scan([tmp_path]), "json")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,
        ) as c,
        distributed.Client(c) as watcher,
    ):
        killed: list[int] = []

        def kill_one_worker_once_it_holds_results() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                held = watcher.has_what()
                busy = [w for w, keys in held.items() if keys]
                if busy:
                    pid = watcher.run(os.getpid, workers=[busy[0]])[busy[0]]
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
                time.sleep(0.02)

        t = threading.Thread(target=kill_one_worker_once_it_holds_results)
        t.start()
        report = dedup.scan([tmp_path], engine=dedup.DaskEngine(scheduler=c.scheduler_address))
        t.join()
    assert killed, "no worker was killed: the test did not exercise recovery"
    assert render(report, "json") == expected


def test_unreachable_scheduler_is_a_one_line_engine_error() -> None:
    with pytest.raises(dedup.EngineError, match="cannot reach the Dask scheduler"):
        engine = dedup.DaskEngine(scheduler="tcp://127.0.0.1:9", connect_timeout=2)
        dedup.scan([SAMPLE / "articles"], engine=engine)


def test_cli_engine_dask(cluster: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from dedup.cli import app

    monkeypatch.chdir(SAMPLE)
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    args = ["scan", "articles", "-f", "json", "-q", "--engine", "dask", "--scheduler", address]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0 and res.exception is None
    assert res.stdout == render(dedup.scan(["articles"]), "json")
    bad = CliRunner().invoke(app, ["scan", "articles", "--engine", "spark"])
    assert bad.exit_code == 2 and "unknown --engine" in bad.output


# ---------------------------------------------------------------------------------------------
# cross-lingual matching on Dask: the same report as the local engine
# ---------------------------------------------------------------------------------------------

WMT_FIXTURE = (
    Path(__file__).resolve().parent / "fixtures" / "crosslingual" / "wmt_translations.jsonl"
)
XL = dedup.ScanConfig(crosslingual=dedup.CrossLingualConfig(enabled=True))


def _same_report(
    docs_or_paths: list[object], cfg: dedup.ScanConfig, engine: object
) -> dedup.Report:
    local = dedup.scan(docs_or_paths, cfg)  # type: ignore[arg-type]
    on_dask = dedup.scan(docs_or_paths, cfg, engine=engine)  # type: ignore[arg-type]
    assert render(on_dask, "json") == render(local, "json")
    return local


def _wmt_fixture_docs() -> list[dedup.Document]:
    rows = [json.loads(x) for x in WMT_FIXTURE.read_text(encoding="utf-8").splitlines()]
    return [dedup.Document(r["id"], r["text"]) for r in rows]


def test_cross_lingual_report_is_byte_identical(
    cluster: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 14 WMT fixture documents and the sample articles, in byte ranges of 3 kB (several
    partitions of each file) and 3 shuffle buckets: translations, copies and stats."""
    monkeypatch.chdir(SAMPLE)
    inputs: list[object] = [str(WMT_FIXTURE), "articles"]
    engine = _engine(cluster, partition_bytes=3000, buckets=3)
    parts, _ = plan_partitions(inputs, engine, XL)  # type: ignore[arg-type]
    assert len(parts) >= 8
    report = _same_report(inputs, XL, engine)
    assert report.stats.translation_pairs >= 18 and report.stats.clusters >= 14
    matches = [m.match for c in report.clusters for m in c.members]
    assert "translation" in matches and None in matches


def test_cross_lingual_bucket_cap_skips_the_same_buckets(cluster: object) -> None:
    """A cap of 2 cross-language pairs a bucket: buckets are skipped (fewer candidates than
    without the cap), the same ones on both engines."""
    docs = _wmt_fixture_docs()
    capped = dedup.ScanConfig(
        crosslingual=dedup.CrossLingualConfig(enabled=True, max_bucket_pairs=2)
    )
    engine = _engine(cluster, documents_per_partition=3, buckets=5)
    report = _same_report(docs, capped, engine)  # type: ignore[arg-type]
    assert (
        0 < report.stats.translation_candidates < dedup.scan(docs, XL).stats.translation_candidates
    )


def test_cross_lingual_with_an_id_held_in_two_partitions(cluster: object) -> None:
    """Input order shuffled (refs do not follow ids) and one id given twice, in different
    partitions, with different texts: the same document is kept, weighed and matched."""
    docs = _wmt_fixture_docs()
    random.Random(7).shuffle(docs)
    twin = dedup.Document(docs[0].id, docs[1].text + "\nOne more line for the twin.")
    docs.append(twin)
    engine = _engine(cluster, documents_per_partition=4, buckets=2)
    report = _same_report(docs, XL, engine)  # type: ignore[arg-type]
    assert any("duplicate id" in s.reason for s in report.skipped)
    assert report.stats.translation_pairs > 0


def _wmt_german_english() -> list[dedup.Document]:
    docs: list[dedup.Document] = []
    for path in sorted((SHARED_DATA / "parallel_news_wmt").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                sides = {d["src"]["lang"]: d["src"]["segments"]}
                for ref in d["refs"]:
                    sides.setdefault(ref["lang"], ref["segments"])
                if "de" in sides and "en" in sides:
                    key = f"{d['testset']}:{d['docid']}"
                    for lang in ("de", "en"):
                        docs.append(dedup.Document(f"{key}:{lang}", "\n".join(sides[lang])))
    return docs


@needs_shared_data
def test_cross_lingual_all_wmt_german_english(cluster: object) -> None:
    """All 320 WMT de/en documents, shuffled, in 5 partitions and 4 buckets."""
    docs = _wmt_german_english()
    assert len(docs) == 320
    random.Random(3).shuffle(docs)
    engine = _engine(cluster, documents_per_partition=len(docs) // 5 + 1, buckets=4)
    report = _same_report(docs, XL, engine)  # type: ignore[arg-type]
    assert report.stats.translation_pairs >= 140 and report.stats.translation_candidates > 300


# ---------------------------------------------------------------------------------------------
# passage alignment on Dask: site templates and partial copies, the same report
# ---------------------------------------------------------------------------------------------


@needs_shared_data
def test_real_corpus_with_site_templates_and_partial_copies(
    cluster: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 680 ArticleComparisons pages (sites that print template text, partial copies),
    shuffled into 7 partitions and 5 buckets: templates learned over the whole corpus,
    passage candidates, alignments, clusters and matches, as on the local engine."""
    monkeypatch.setenv("DEDUP_DATA", str(SHARED_DATA))
    from benchmarks.evalsets import articlecomparisons
    from dedup.engines.local import collect
    from dedup.templates import learn

    docs = articlecomparisons().docs
    random.Random(5).shuffle(docs)
    cfg = dedup.ScanConfig()
    corpus, _ = collect(docs, cfg)
    assert learn([e.site for e in corpus.entries], corpus.sets, cfg.templates).shingles > 100
    engine = _engine(cluster, documents_per_partition=len(docs) // 7 + 1, buckets=5)
    report = _same_report(docs, cfg, engine)  # type: ignore[arg-type]
    assert report.stats.clusters > 20 and len(report.matches) > 50
    assert any(min(m.a_share, m.b_share) < 0.5 for m in report.matches)  # partial copies


def test_same_texts_across_partitions(cluster: object) -> None:
    lines = (SAMPLE / "articles" / "spotify.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(x) for x in lines]
    docs = [dedup.Document(r["id"], r["text"], date=r["date"]) for r in rows]
    docs += [dedup.Document(r["id"] + "-again", r["text"]) for r in rows[:6]]
    docs += [dedup.Document(f"alone-{k}", "A text of its own. " * 40) for k in range(3)]
    engine = _engine(cluster, documents_per_partition=7, buckets=3)
    report = _same_report(docs, dedup.ScanConfig(), engine)
    # 6 again, 2 more alone, and spotify-4859 (the text of spotify-3270)
    assert report.stats.same_text == 6 + 2 + 1
    assert any(len(c.members) == 3 and c.origin == "alone-0" for c in report.clusters)
