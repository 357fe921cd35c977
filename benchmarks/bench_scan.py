"""End-to-end scan throughput and peak memory, beside the baseline recipe of `quality.py`.

Usage::

    python -m benchmarks.bench_scan [--repeats 2] [--copies 2] [--full] [--ext-python PY]

Text input: the ~21,000 real news texts (Reuters-21578 bodies and BBC articles) written as one
JSONL file in a temporary directory. HTML input: the 181 real article pages of
html_scrapinghub_aeb, each written ``--copies`` times as its own ``.html`` file (so every page has
copies to find). Every measured job runs in a fresh Python process (``--worker``), which reports
its wall time, its stages and its peak resident memory (``getrusage`` ``ru_maxrss`` of itself
and of its children, the worker processes of ``--jobs 2``):

* ``dedup.scan(paths, jobs=N)`` through the library, the stages timed in process: for
  ``jobs=1`` inside the preparation too (read, extract, shingle, sign, credit), by wrapping
  those functions; LSH candidates and verification are told apart by the progress hook;
* ``dedup scan -j N`` through the CLI, timed from outside (process start, imports and report
  writing included);
* the baseline recipe of `benchmarks/quality.py` (datasketch MinHashLSH, 256 permutations, word
  2-grams, threshold 0.45, union-find; on HTML, trafilatura's main text of each page), on the
  same input, reading it included;
* on HTML, trafilatura alone: ``trafilatura.extract`` of every page, default and ``fast=True``,
  and ``dedup.extract.extract_html`` (trafilatura with metadata, as dedup calls it).

Every job also reports its CPU seconds (user + system, of its own process, of the CLI process
and of the worker processes it waited for): on a shared machine wall time moves with the load
of other processes, CPU time much less, so "x baseline CPU" compares the costs themselves.

Peak memory is measured on the text corpus at two sizes (every other text, and all) and
extrapolated linearly to 100,000 documents. Timings are medians of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import corpora
from benchmarks.data import cpu_model, run

#: a measured job still running after this many seconds is stopped and reported as failed
JOB_TIMEOUT = 1200
#: the issue's target for the whole CLI process on the text corpus, in baseline recipe times
CLI_TARGET = 12.0
Stages = dict[str, float]


# ---------------------------------------------------------------------------------------------
# In the worker process: one measured job
# ---------------------------------------------------------------------------------------------


def _maxrss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of its largest finished child, in MB (Linux: kB units)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def _cpu_s() -> float:
    """CPU seconds (user + system) of this process and of its children waited for: on a
    shared machine, what a job costs whatever else runs beside it."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _rss(own: float, kids: float, main: float | None = None) -> dict[str, float]:
    """The memory fields of a job's result: `main` is the process the row is about."""
    return {"rss_mb": own if main is None else main, "self_rss_mb": own, "children_rss_mb": kids}


class _Timers:
    """Time spent in wrapped functions, by stage name."""

    def __init__(self) -> None:
        self.spent: Stages = defaultdict(float)
        self.started: Stages = {}
        self.running: dict[str, int] = defaultdict(int)

    def wrap(
        self, name: str, fn: Callable[..., Any], inside: str | None = None
    ) -> Callable[..., Any]:
        """`fn`, its time added to `name` (only while stage `inside` runs, if given)."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            if inside is not None and not self.running[inside]:
                return fn(*args, **kwargs)
            t0 = time.perf_counter()
            self.started.setdefault(name, t0)
            self.running[name] += 1
            try:
                return fn(*args, **kwargs)
            finally:
                self.running[name] -= 1
                self.spent[name] += time.perf_counter() - t0

        return timed


#: (module, function, stage label) of the preparation, timed in this process (-j 1 only)
_PREPARE_STAGES = (
    ("dedup.prepare", "extract_html", "extract"),
    ("dedup.prepare", "shingle_batch", "shingle"),
    ("dedup.prepare", "credit_clues", "credit"),
    ("dedup.prepare", "furniture_batch", "furniture"),
    ("dedup.prepare", "detect_languages", "language"),
    # `prepare_chunk` imports it when it runs (cross-lingual only): patched in its own module
    ("dedup.crosslingual.anchors", "extract_anchors", "anchors"),
)
#: (module, function, stage label) of the stages the local engine calls, in pipeline order
_SCAN_STAGES = (
    ("dedup.engines.local", "collect", "collect"),
    ("dedup.engines.local", "learn", "templates"),
    ("dedup.candidates", "candidate_pairs", "LSH candidates"),
    ("dedup.candidates", "passage_pairs", "passage candidates"),
    ("dedup.engines.local", "verify_pairs", "verify (align)"),
    ("dedup.crosslingual.translations", "find_translations", "cross-lingual"),
    ("dedup.engines.local", "cluster_documents", "cluster"),
    ("dedup.engines.local", "describe_clusters", "describe"),
)


def _patch(timers: _Timers, module: str, name: str, label: str, inside: str | None = None) -> None:
    """Time `module.name` as stage `label`. A name that is gone stops the benchmark: a stage
    renamed in the package must be renamed here, never silently left out of the table."""
    import importlib

    mod = importlib.import_module(module)
    if not hasattr(mod, name):
        raise SystemExit(f"bench_scan: {module}.{name} is gone; update _SCAN/_PREPARE_STAGES")
    setattr(mod, name, timers.wrap(label, getattr(mod, name), inside=inside))


def _job_dedup(spec: dict[str, Any]) -> dict[str, Any]:
    """`dedup.scan` as it is, with its stages timed by wrapping the functions it calls."""
    import dedup
    from dedup.config import ExtractConfig
    from dedup.signature import MinHasher

    jobs = int(spec["jobs"])
    cfg = dedup.ScanConfig(extract=ExtractConfig(fast=bool(spec.get("fast", False))))
    timers = _Timers()
    for module, name, label in _SCAN_STAGES:
        _patch(timers, module, name, label)
    inner: list[str] = []
    if jobs == 1:  # stages inside the preparation: only in this process
        for module, name, label in _PREPARE_STAGES:
            _patch(timers, module, name, label, inside="prepare")
            inner.append(label)
        sign = timers.wrap("sign", MinHasher.sign_batch, inside="prepare")
        MinHasher.sign_batch = sign  # type: ignore[method-assign]
        inner.append("sign")
        _patch(timers, "dedup.engines.pool", "prepare_chunk", "prepare")

    c0, t0 = _cpu_s(), time.perf_counter()
    report = dedup.scan(spec["paths"], cfg, jobs=jobs)
    seconds = time.perf_counter() - t0
    cpu = _cpu_s() - c0
    s = timers.spent
    stages: Stages = {}
    if jobs == 1:
        stages["read + collect"] = s["collect"] - s["prepare"]
        for k in inner:
            stages[k] = s[k]
        stages["prepare, other"] = s["prepare"] - sum(s[k] for k in inner)
    else:
        stages[f"read + prepare (this process + {jobs - 1} worker)"] = s["collect"]
    top = [label for _, _, label in _SCAN_STAGES]
    for label in top[1:]:
        if label in s:
            stages[label] = s[label]
    stages["report"] = seconds - sum(s[k] for k in top if k in s)
    own, kids = _maxrss_mb()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "stages": stages,
        "docs": report.stats.extracted,
        "read": report.stats.read,
        "clusters": report.stats.clusters,
        **_rss(own, kids),
    }


def _job_baseline(spec: dict[str, Any]) -> dict[str, Any]:
    """The baseline recipe of `benchmarks/quality.py` (`baseline_pairs`), reading included."""
    import trafilatura

    from benchmarks.quality import baseline_pairs

    c0, t0 = _cpu_s(), time.perf_counter()
    if "jsonl" in spec:
        docs = list(corpora.read_jsonl(Path(spec["jsonl"])))
    else:
        docs = [(p, trafilatura.extract(Path(p).read_bytes()) or "") for p in spec["paths"]]
    t1 = time.perf_counter()
    pairs = baseline_pairs(docs)
    t2 = time.perf_counter()
    own, kids = _maxrss_mb()
    read = "read + extract" if "paths" in spec else "read"
    return {
        "seconds": t2 - t0,
        "cpu_seconds": _cpu_s() - c0,
        "stages": {read: t1 - t0, "MinHash + LSH + union-find": t2 - t1},
        "docs": len(docs),
        "pairs": len(pairs),
        **_rss(own, kids),
    }


def _job_extract(spec: dict[str, Any]) -> dict[str, Any]:
    """Extraction alone: ``trafilatura.extract`` or dedup's `extract_html`, page after page."""
    import trafilatura

    from dedup.config import ExtractConfig
    from dedup.errors import RecordError
    from dedup.extract import extract_html

    pages = [Path(p).read_bytes() for p in spec["paths"]]
    fast = bool(spec.get("fast", False))
    t0 = time.perf_counter()
    got = 0
    for raw in pages:
        if spec["how"] == "dedup":
            try:
                got += bool(extract_html(raw, ExtractConfig(fast=fast)).text)
            except RecordError:
                pass
        else:
            got += bool(trafilatura.extract(raw, fast=fast))
    t1 = time.perf_counter()
    own, kids = _maxrss_mb()
    return {"seconds": t1 - t0, "stages": {}, "docs": got, **_rss(own, kids)}


def _job_cli(spec: dict[str, Any]) -> dict[str, Any]:
    """``dedup scan`` as a command, timed from outside (start-up and report writing included)."""
    exe = shutil.which("dedup") or "dedup"
    out = Path(spec["out"])
    args = [exe, "scan", "-q", "-f", "json", "-o", str(out)]
    if spec["jobs"] is not None:  # None: the CLI's default (all cores, or 1 for a small input)
        args += ["-j", str(spec["jobs"])]
    if spec.get("fast"):
        args.append("--fast-extract")
    c0, t0 = _cpu_s(), time.perf_counter()
    subprocess.run([*args, *spec["paths"]], check=True)
    t1 = time.perf_counter()
    cpu = _cpu_s() - c0  # the CLI process and its workers (waited for)
    report = json.loads(out.read_text("utf-8"))
    own, kids = _maxrss_mb()
    stats = report.get("stats", {})
    return {
        "seconds": t1 - t0,
        "cpu_seconds": cpu,
        "stages": {},
        "docs": stats.get("extracted", 0),
        **_rss(own, kids, main=kids),  # main: the CLI process (or a worker, if larger)
    }


#: datatrove's MinHash deduplication (its four stages, default MinhashConfig: word 5-grams,
#: 14 buckets x 8 hashes), reading and writing JSONL; run with the ``--ext-python`` interpreter
DATATROVE_SCRIPT = """
import os, sys
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import (MinhashDedupBuckets, MinhashDedupCluster,
    MinhashDedupFilter, MinhashDedupSignature)
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

def run(steps, tasks, workers, logs):
    LocalPipelineExecutor(pipeline=steps, tasks=tasks, workers=min(workers, tasks),
                          logging_dir=logs).run()

if __name__ == "__main__":  # worker processes import this file again
    src, work, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    folder, name = os.path.split(src)
    cfg = MinhashConfig()
    run([JsonlReader(folder, glob_pattern=name),
         MinhashDedupSignature(output_folder=f"{work}/sigs", config=cfg)], 1, workers,
        f"{work}/logs1")
    run([MinhashDedupBuckets(input_folder=f"{work}/sigs", output_folder=f"{work}/buckets",
                             config=cfg)], cfg.num_buckets, workers, f"{work}/logs2")
    run([MinhashDedupCluster(input_folder=f"{work}/buckets", output_folder=f"{work}/remove",
                             config=cfg)], 1, workers, f"{work}/logs3")
    run([JsonlReader(folder, glob_pattern=name),
         MinhashDedupFilter(input_folder=f"{work}/remove"), JsonlWriter(f"{work}/out")],
        1, workers, f"{work}/logs4")
"""


def _job_external(spec: dict[str, Any]) -> dict[str, Any]:
    """text-dedup's or datatrove's MinHash pipeline on a JSONL file, in `spec["python"]`."""
    work = Path(tempfile.mkdtemp(prefix=f"{spec['kind']}-", dir=spec["tmp"]))
    env = dict(os.environ, HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", TQDM_DISABLE="1")
    if spec["kind"] == "text-dedup":
        # text-dedup's defaults: 250 permutations, word 5-grams, threshold 0.7
        args = [
            spec["python"], "-m", "text_dedup.minhash", "--path", "json",
            "--data_files", spec["jsonl"], "--split", "train", "--cache_dir", str(work / "cache"),
            "--output", str(work / "out"), "--column", "text", "--num_proc", str(spec["jobs"]),
        ]  # fmt: skip
    else:
        script = work / "datatrove_minhash.py"
        script.write_text(DATATROVE_SCRIPT)
        args = [spec["python"], str(script), spec["jsonl"], str(work), str(spec["jobs"])]
    t0 = time.perf_counter()
    subprocess.run(args, check=True, env=env, cwd=work, capture_output=True)
    t1 = time.perf_counter()
    shutil.rmtree(work, ignore_errors=True)
    own, kids = _maxrss_mb()
    return {"seconds": t1 - t0, "stages": {}, "docs": spec["docs"], **_rss(own, kids, main=kids)}


JOBS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "text-dedup": _job_external,
    "datatrove": _job_external,
    "dedup": _job_dedup,
    "baseline": _job_baseline,
    "extract": _job_extract,
    "cli": _job_cli,
}


# ---------------------------------------------------------------------------------------------
# In the main process: run jobs in fresh processes, gather rows
# ---------------------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    input: str
    docs: int
    seconds: list[float] = field(default_factory=list)
    #: CPU seconds of the job's processes (not measured for every kind of job)
    cpu: list[float] = field(default_factory=list)
    stages: list[Stages] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    tree_rss_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rate(self) -> float:
        return self.docs / self.median

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    def stage_medians(self) -> Stages:
        keys = list(self.stages[0]) if self.stages else []
        return {k: statistics.median(s.get(k, 0.0) for s in self.stages) for k in keys}


def _descendants(root: int) -> list[int]:
    """`root` and every process below it (from /proc)."""
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            parent[int(d.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(c for c, p in parent.items() if p == pid)
    return out


def _hwm_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a live process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_job(spec: dict[str, Any]) -> dict[str, Any]:
    """One measured job in a fresh Python process.

    While it runs, the peak resident memory (VmHWM) of it and of every process below it is
    sampled from /proc every 50 ms: ``tree_rss_mb`` is the sum of those peaks (all processes
    of the job together; an upper bound of their peak together).
    """
    env = dict(os.environ, RAYON_NUM_THREADS="1", PYTHONHASHSEED="0")
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_scan", "--worker", json.dumps(spec)],
            stdout=out,
            text=True,
            env=env,
        )
        peaks: dict[int, float] = {}
        deadline = time.monotonic() + JOB_TIMEOUT
        while proc.poll() is None:
            tree = _descendants(proc.pid)
            for pid in tree:
                peaks[pid] = max(peaks.get(pid, 0.0), _hwm_mb(pid))
            if time.monotonic() > deadline:
                for pid in reversed(tree):
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                proc.wait()
                raise RuntimeError(f"timed out after {JOB_TIMEOUT} s")
            time.sleep(0.05)
        if proc.returncode:
            raise RuntimeError(f"job failed ({proc.returncode}): {spec['kind']}")
        out.seek(0)
        result: dict[str, Any] = json.loads(out.read().strip().splitlines()[-1])
    # the job's own figure (ru_maxrss) is exact for it; the samples add the processes below it
    peaks[proc.pid] = max(peaks.get(proc.pid, 0.0), float(result["self_rss_mb"]))
    result["tree_rss_mb"] = sum(peaks.values())
    return result


def measure(
    label: str, input_kind: str, spec: dict[str, Any], repeats: int, docs: int | None = None
) -> Result | None:
    """`repeats` runs of a job; None if every run failed (each failure is reported)."""
    res: Result | None = None
    for _ in range(repeats):
        try:
            out = run_job(spec)
        except RuntimeError as exc:
            print(f"#   {label} [{input_kind}]: {exc}", file=sys.stderr, flush=True)
            continue
        if res is None:
            res = Result(label, input_kind, docs if docs is not None else int(out["docs"]))
        res.seconds.append(float(out["seconds"]))
        if "cpu_seconds" in out:
            res.cpu.append(float(out["cpu_seconds"]))
        res.stages.append(out["stages"])
        res.rss_mb.append(float(out["rss_mb"]))
        res.tree_rss_mb.append(float(out["tree_rss_mb"]))
        print(f"#   {label} [{input_kind}]: {out['seconds']:.2f}s", file=sys.stderr, flush=True)
    return res


def _fmt_stages(st: Stages) -> str:
    total = sum(st.values()) or 1.0
    return ", ".join(f"{k} {v:.2f}s ({v / total:.0%})" for k, v in st.items())


def format_table(
    results: Sequence[Result], base: dict[str, float], base_cpu: dict[str, float] | None = None
) -> str:
    """The table; `base` and `base_cpu`: the baseline recipe's docs/s and CPU seconds by
    input."""
    base_cpu = base_cpu or {}
    header = (
        "input",
        "run",
        "docs",
        "seconds",
        "docs/s",
        "x baseline",
        "CPU s",
        "x baseline CPU",
        "peak RSS MB (main; all processes)",
        "stages",
    )
    rows = []
    for r in results:
        peak, tree = max(r.rss_mb), max(r.tree_rss_mb)
        rss = f"{peak:,.0f}" + (f" ({tree:,.0f} all)" if tree > peak + 1 else "")
        b = base.get(r.input)
        cpu, bc = r.cpu_median, base_cpu.get(r.input)
        rows.append(
            (
                r.input,
                r.label,
                f"{r.docs:,}",
                f"{r.median:.2f}",
                f"{r.rate:,.0f}",
                f"{r.rate / b:.1f}" if b else "-",
                f"{cpu:.2f}" if cpu is not None else "-",
                f"{bc / cpu:.1f}" if bc and cpu else "-",
                rss,
                _fmt_stages(r.stage_medians()),
            )
        )
    widths = [max(len(x[i]) for x in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        cells = [
            c.ljust(w) if i in (0, 1, 9) else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        yield Path(tmp)


def _cli_label(jobs: int | None) -> str:
    return f"dedup scan CLI -j {jobs}" if jobs is not None else "dedup scan CLI (default --jobs)"


def _print_targets(results: Sequence[Result]) -> None:
    """The issue's throughput target, from rows of this run: dedup at least 10x text-dedup."""
    by = {(r.input, r.label): r for r in results}
    for (kind, label), ref in sorted(by.items()):
        if not label.startswith("text-dedup"):
            continue
        j = label.split()[-1]
        for ours in (f"dedup.scan -j {j}", f"dedup scan CLI -j {j}", _cli_label(None)):
            mine = by.get((kind, ours))
            if mine is None or (ours == _cli_label(None) and j != "1"):
                continue
            x = mine.rate / ref.rate
            verdict = "met" if x >= 10 else "missed"
            print(f"target: {ours} >= 10x {label} on {kind}: {x:.1f}x, {verdict}")
    # the whole CLI process against the baseline recipe, on the text corpus
    for (kind, label), ref in sorted(by.items()):
        cli = by.get((kind, _cli_label(1)))
        if label != "baseline recipe" or not kind.startswith("JSONL") or cli is None:
            continue
        x = cli.rate / ref.rate
        cpu = ""
        if cli.cpu_median and ref.cpu_median:
            cpu = f", {ref.cpu_median / cli.cpu_median:.1f}x in CPU seconds"
        verdict = "met" if x >= CLI_TARGET else "missed"
        print(
            f"target: {_cli_label(1)} >= {CLI_TARGET:g}x baseline recipe on {kind}: "
            f"{x:.1f}x in wall seconds{cpu}; {verdict}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=2, help="runs per row (median)")
    parser.add_argument("--copies", type=int, default=2, help="copies of each HTML page")
    parser.add_argument("--full", action="store_true", help="5 repeats, 6 copies of each page")
    parser.add_argument("--no-html", action="store_true", help="text input only")
    parser.add_argument("--no-text", action="store_true", help="HTML input only")
    parser.add_argument(
        "--ext-python",
        help="a Python interpreter with text-dedup and datatrove installed: adds their rows",
    )
    parser.add_argument(
        "--ext-repeats", type=int, default=1, help="runs per text-dedup/datatrove row"
    )
    args = parser.parse_args(argv)
    if args.worker:
        spec = json.loads(args.worker)
        print(json.dumps(JOBS[spec["kind"]](spec)))
        return 0
    if args.full:
        args.repeats, args.copies = max(args.repeats, 5), max(args.copies, 6)
    results: list[Result | None] = []
    base: dict[str, float] = {}
    base_cpu: dict[str, float] = {}
    memory: list[tuple[str, int, float]] = []
    reps = args.repeats
    with _workdir() as tmp:
        if not args.no_text:
            texts = corpora.news_corpus()
            full = corpora.write_jsonl(texts, tmp / "news.jsonl")
            half = corpora.write_jsonl(texts[::2], tmp / "news-half.jsonl")
            kind = f"JSONL text ({len(texts):,})"
            print(f"# {kind}", file=sys.stderr, flush=True)
            bl = measure("baseline recipe", kind, {"kind": "baseline", "jsonl": str(full)}, reps)
            if bl is not None:
                base[kind] = bl.rate
                if bl.cpu_median:
                    base_cpu[kind] = bl.cpu_median
            results.append(bl)
            for j in (1, 2):
                spec = {"kind": "dedup", "paths": [str(full)], "jobs": j}
                results.append(measure(f"dedup.scan -j {j}", kind, spec, reps))
            for j in (1, 2, None):
                spec = {"kind": "cli", "paths": [str(full)], "jobs": j, "out": str(tmp / "r.json")}
                results.append(measure(_cli_label(j), kind, spec, reps))
            if args.ext_python:
                for tool in ("text-dedup", "datatrove"):
                    for j in (1, 2):
                        spec = {
                            "kind": tool, "python": args.ext_python, "jsonl": str(full),
                            "tmp": str(tmp), "jobs": j, "docs": len(texts),
                        }  # fmt: skip
                        label = f"{tool} -j {j}"
                        results.append(measure(label, kind, spec, args.ext_repeats))
            for name, path, n in (("half", half, len(texts[::2])), ("full", full, len(texts))):
                d = run_job({"kind": "dedup", "paths": [str(path)], "jobs": 1})
                b = run_job({"kind": "baseline", "jsonl": str(path)})
                memory.append(("dedup.scan -j 1", n, float(d["rss_mb"])))
                memory.append(("baseline recipe", n, float(b["rss_mb"])))
                print(
                    f"#   memory {name}: {d['rss_mb']:.0f} / {b['rss_mb']:.0f} MB", file=sys.stderr
                )
        if not args.no_html:
            pages = corpora.write_pages(corpora.scrapinghub_pages(), tmp / "pages", args.copies)
            paths = [str(p) for p in pages]
            kind = f"HTML pages ({len(pages):,})"
            print(f"# {kind}", file=sys.stderr, flush=True)
            n = len(pages)
            for label, how, fast in (
                ("trafilatura.extract", "trafilatura", False),
                ("trafilatura.extract fast", "trafilatura", True),
                ("dedup extract_html only", "dedup", False),
            ):
                spec = {"kind": "extract", "paths": paths, "how": how, "fast": fast}
                results.append(measure(label, kind, spec, reps, docs=n))
            bl = measure("baseline recipe", kind, {"kind": "baseline", "paths": paths}, reps, n)
            if bl is not None:
                base[kind] = bl.rate
                if bl.cpu_median:
                    base_cpu[kind] = bl.cpu_median
            results.append(bl)
            for j in (1, 2):
                spec = {"kind": "dedup", "paths": paths, "jobs": j}
                results.append(measure(f"dedup.scan -j {j}", kind, spec, reps, docs=n))
            for j in (1, 2, None):
                spec = {"kind": "cli", "paths": paths, "jobs": j, "out": str(tmp / "r.json")}
                results.append(measure(_cli_label(j), kind, spec, reps, docs=n))
    print(
        f"# docs/s = documents read / median wall seconds of {reps} runs (text-dedup, datatrove: "
        f"{args.ext_repeats}); 'x baseline' = "
        "throughput relative to the baseline recipe on the same input"
    )
    print(f"# CPU: {cpu_model()}; CPU s = user + system seconds of the job's processes (median)")
    print(format_table([r for r in results if r is not None], base, base_cpu))
    _print_targets([r for r in results if r is not None])
    if memory:
        print()
        print(
            "| run | peak RSS at n docs | peak RSS at N docs | MB per 100k docs (slope) | "
            "extrapolated peak at 100k docs |"
        )
        print("|---|---:|---:|---:|---:|")
        for label in ("dedup.scan -j 1", "baseline recipe"):
            (n1, m1), (n2, m2) = [(n, m) for lab, n, m in memory if lab == label]
            slope = (m2 - m1) / (n2 - n1)
            print(
                f"| {label} | {m1:,.0f} MB at {n1:,} | {m2:,.0f} MB at {n2:,} | "
                f"{slope * 1e5:,.0f} | {m2 + slope * (1e5 - n2):,.0f} MB |"
            )
    return 0


if __name__ == "__main__":
    run(main)
