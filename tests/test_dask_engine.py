"""The Dask engine: a real LocalCluster of worker processes, same report as the local engine."""

from __future__ import annotations

import gzip
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

import dedup
from dedup.engines.dask_engine import plan_partitions
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
