"""Work units of a scan (`dedup.engines.pool`): the same report whatever the cut and the jobs."""

from __future__ import annotations

import gzip
import io
import json
import os
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

import dedup
import dedup.engines.pool as parallel
from dedup.config import ScanConfig
from dedup.errors import EngineError
from dedup.model import Batch
from dedup.output import render
from dedup.prepare import prepare_chunk
from dedup.sources import iter_files
from dedup.syndication import credit_from
from tests.conftest import SAMPLE


@pytest.fixture
def inputs(tmp_path: Path) -> list[object]:
    """The sample (HTML pages, one JSONL file) with bad lines added to the JSONL, a gzipped
    JSONL file holding copies of its stories under other ids, and documents in memory."""
    root = tmp_path / "in"
    shutil.copytree(SAMPLE / "articles", root)
    lines = (root / "spotify.jsonl").read_text(encoding="utf-8").splitlines()
    lines[3:3] = ['{"id": "broken", "text": "unterminated', "[1, 2]", ""]
    (root / "spotify.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    copies = []
    for line in lines[:12]:
        if line.startswith('{"id": "spotify'):
            rec = json.loads(line)
            rec["id"] = "gz-" + rec["id"]
            copies.append(json.dumps(rec))
    with gzip.open(root / "copies.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(copies) + "\n")
    first = json.loads(lines[0])
    docs = [dedup.Document(id="mem-1", text=first["text"]), dedup.Document(id="mem-2", text="x")]
    return [*docs, str(root)]


def _small_units(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PART_BYTES", 4096)
    monkeypatch.setattr(parallel, "READ_HERE_BYTES", 8192)
    monkeypatch.setattr(parallel, "FILES_PER_UNIT", 3)
    monkeypatch.setattr(parallel, "CHUNK_RECORDS", 7)


def test_units_cut_large_jsonl_read_gzip_here_and_group_small_files(
    inputs: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_units(monkeypatch)
    root = Path(str(inputs[-1]))
    files = list(iter_files([root]))
    units = list(
        parallel.plan(
            [d for d in inputs if isinstance(d, dedup.Document)], files, ScanConfig()
        ).units
    )
    docs, rest = units[0], units[1:]
    assert [d.id for d in docs.items] == ["mem-1", "mem-2"] and not docs.parts
    ranges = [p for u in rest for p in u.parts if p.byte_range is not None]
    size = (root / "spotify.jsonl").stat().st_size
    assert len(ranges) == -(-size // 4096)  # the JSONL file in consecutive 4 kB ranges
    assert ranges[0].byte_range == (0, 4096) and ranges[-1].byte_range[1] == size
    # files that cannot be cut and are larger than READ_HERE_BYTES (the gzip file, the larger
    # pages) are read in this process, 7 records a unit; the others go whole, 3 to a unit
    big = [f for f, _ in files if f.suffix != ".jsonl" and f.stat().st_size > 8192]
    assert root / "copies.jsonl.gz" in big and len(big) > 1
    read_here = [u for u in rest if u.items]
    assert all(len(u.items) <= 7 for u in read_here)
    assert sum(len(u.items) for u in read_here) == 9 + len(big) - 1
    whole = [u for u in rest if u.parts and u.parts[0].byte_range is None]
    assert whole and all(len(u.parts) <= 3 for u in whole)
    assert sorted(Path(p.path) for u in whole for p in u.parts) == sorted(
        f for f, _ in files if f.suffix != ".jsonl" and f not in big
    )


def test_same_report_for_any_cut_and_any_jobs(
    inputs: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = dedup.scan(inputs, jobs=1)
    _small_units(monkeypatch)
    small = dedup.scan(inputs, jobs=1)
    two = dedup.scan(inputs, jobs=2)  # this process and a worker share the units
    three = dedup.scan(inputs, jobs=3)
    assert render(small, "json") == render(reference, "json") == render(two, "json")
    assert render(three, "json") == render(reference, "json")
    stats = reference.stats
    pages = len(list((Path(str(inputs[-1])) / "pages").iterdir()))
    jsonl = 36 + 2  # the sample's records and two bad lines (a blank line is no record)
    assert stats.read == 2 + pages + jsonl + 9
    assert stats.skipped == 2 and {s.location for s in reference.skipped} == {"line 4", "line 5"}
    assert {c.origin for c in reference.clusters} >= {"spotify-7885"}
    gz = [m.id for c in reference.clusters for m in c.members if m.id.startswith("gz-")]
    assert len(gz) == 9  # every copy found beside its original


def test_a_batch_travels_as_arrays() -> None:
    docs = [
        dedup.Document(id=f"d{i}", text=f"word{i} " * (i + 1) + "and the rest") for i in range(9)
    ]
    docs.append(dedup.Document(id="empty", text="..."))
    xl = ScanConfig(crosslingual=dedup.CrossLingualConfig(enabled=True))
    wire = (
        "(Reuters) - Paris, 12 juin 2019. L'ONU a dit que la situation reste très grave dans le"
        " pays et que les négociations vont reprendre la semaine prochaine."
    )  # long enough for the language to be known (dedup.language.MIN_MARGIN)
    docs.append(dedup.Document(id="wire", text=wire))
    part = prepare_chunk(docs, xl)
    back = pickle.loads(pickle.dumps(part))
    assert back.entries == part.entries and back.skips == part.skips
    # the fields equality leaves out travel too (head, anchors), and the credit clues
    assert [e.head for e in back.entries] == [e.head for e in part.entries]
    assert [e.clues for e in back.entries] == [e.clues for e in part.entries]
    clues = back.entries[-1].clues
    assert clues is not None and credit_from(clues) == "Reuters"
    assert back.entries[-1].language == "fr"
    for a, b in zip(back.entries, part.entries, strict=True):
        assert a.anchors is not None and b.anchors is not None
        assert np.array_equal(a.anchors.seq, b.anchors.seq)
    assert len(back.sets) == len(part.sets) == 10
    assert all(np.array_equal(a, b) for a, b in zip(back.sets, part.sets, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(back.sigs, part.sigs, strict=True))
    assert back.sigs.dtype == np.uint32 and back.sigs.shape == part.sigs.shape == (10, 255)
    empty = pickle.loads(pickle.dumps(Batch(read=3)))
    assert empty.entries == empty.sets == [] and not empty.skips and empty.sigs.size == 0
    assert empty.read == 3


def test_a_worker_that_dies_is_one_engine_error() -> None:
    # what the pool says when a worker process dies (as the OOM killer would kill it) becomes
    # one EngineError line; every result of a worker goes through `_result`
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=parallel._context()) as pool:
        fut = pool.submit(os._exit, 9)
        with pytest.raises(EngineError, match=r"^a worker process died") as info:
            parallel._result(fut)
    assert "\n" not in str(info.value)


def test_auto_jobs_keeps_small_inputs_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    files = list(iter_files([SAMPLE / "articles"]))
    docs = [dedup.Document(id="a", text="some words " * 100)]
    assert parallel.auto_jobs(docs, files, ScanConfig()) == 1  # ~0.4 MB: one process
    monkeypatch.setattr(parallel, "AUTO_ONE_JOB_BYTES", 100_000)
    assert parallel.auto_jobs(docs, files, ScanConfig()) == parallel.default_jobs()
    monkeypatch.setattr(parallel, "default_jobs", lambda: 1)
    assert parallel.auto_jobs(docs, files, ScanConfig()) == 1  # one core: nothing to share
    # jobs=None (the CLI's default) gives the report any number of jobs gives
    assert render(dedup.scan([SAMPLE / "articles"], jobs=None), "json") == render(
        dedup.scan([SAMPLE / "articles"], jobs=1), "json"
    )
    with pytest.raises(dedup.ConfigError, match="jobs must be at least 1"):
        dedup.scan([SAMPLE / "articles"], jobs=0)


def _prepare_calls(inputs: list[object]) -> list[tuple[int, int | None]]:
    calls: list[tuple[int, int | None]] = []

    def hook(stage: str, done: int, total: int | None) -> None:
        if stage == "prepare":
            calls.append((done, total))

    dedup.scan(inputs, progress=hook, jobs=1)
    return calls


def test_prepare_progress_has_the_input_size_as_total(
    inputs: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # cut small: a JSONL file in ranges, the gzip file and large pages read here in chunks
    _small_units(monkeypatch)
    root = Path(str(inputs[-1]))
    on_disk = sum(f.stat().st_size for f, _ in iter_files([root]))
    in_memory = sum(len(d.text) for d in inputs if isinstance(d, dedup.Document))
    calls = _prepare_calls(inputs)
    total = on_disk + in_memory
    assert {t for _, t in calls} == {total}  # known from the first call on
    done = [d for d, _ in calls]
    assert done[0] == 0 and done[-1] == total and done == sorted(done)
    assert len(set(done)) > 10  # it moves unit by unit, not at the end only


def test_prepare_progress_of_a_gzip_file_read_here_moves_with_its_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_units(monkeypatch)
    lines = (SAMPLE / "articles" / "spotify.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "big.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    assert path.stat().st_size > parallel.READ_HERE_BYTES
    calls = _prepare_calls([str(path)])
    size = path.stat().st_size
    done = [d for d, _ in calls]
    assert {t for _, t in calls} == {size} and done[-1] == size and done == sorted(done)
    # 36 records, 7 a chunk: 6 steps between 0 and the end, none of them at the end already
    steps = sorted(set(done) - {0, size})
    assert len(steps) == 5 and steps[-1] < size


def test_prepare_progress_of_a_damaged_gzip_file_still_ends_at_the_total(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_units(monkeypatch)
    path = tmp_path / "cut.jsonl.gz"
    data = gzip.compress((SAMPLE / "articles" / "spotify.jsonl").read_bytes())
    path.write_bytes(data[: len(data) // 2])  # no trailer: its last bytes are no size
    calls = _prepare_calls([str(path)])
    done = [d for d, _ in calls]
    assert done[-1] == calls[-1][1] == path.stat().st_size and done == sorted(done)


def _crawl(path: Path, compress: bool) -> int:
    """The sample's saved pages as one crawl (a request record before each response, and a
    404 response): fixed record ids and dates, so that its bytes are the same every run.
    Returns the number of pages."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = sorted((SAMPLE / "articles" / "pages").iterdir())
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=compress)
        for n, page in enumerate(pages):
            url = f"https://news.example/{page.stem}"
            fixed = {"WARC-Date": "2019-06-01T00:00:00Z"}
            request = StatusAndHeaders(f"GET /{page.stem} HTTP/1.1", [], is_http_request=True)
            fixed["WARC-Record-ID"] = f"<urn:uuid:00000000-0000-4000-8000-{2 * n:012d}>"
            w.write_record(
                w.create_warc_record(
                    url, "request", http_headers=request, warc_headers_dict=dict(fixed)
                )
            )
            status = "404 Not Found" if n == 5 else "200 OK"
            http = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
            fixed["WARC-Record-ID"] = f"<urn:uuid:00000000-0000-4000-8000-{2 * n + 1:012d}>"
            w.write_record(
                w.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(page.read_bytes()),
                    http_headers=http,
                    warc_headers_dict=dict(fixed),
                )
            )
    return len(pages)


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_the_records_of_one_crawl_are_shared_by_the_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    crawl = tmp_path / name
    pages = _crawl(crawl, compress=name.endswith(".gz"))
    reference = dedup.scan([crawl], jobs=1)
    _small_units(monkeypatch)  # the crawl is over READ_HERE_BYTES: read here, records sent
    units = list(parallel.plan([], [(crawl, name)], ScanConfig()).units)
    assert len(units) > 4 and all(u.items and not u.parts for u in units)
    assert sum(len(u.items) for u in units) == pages  # the 404 is a skip: also an item
    two = dedup.scan([crawl], jobs=2)
    three = dedup.scan([crawl], jobs=3)
    assert render(two, "json") == render(reference, "json") == render(three, "json")
    stats = reference.stats
    assert (stats.read, stats.extracted, stats.skipped) == (pages, pages - 1, 1)
    assert reference.clusters  # the sample's copies are found inside the crawl
