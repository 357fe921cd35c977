"""Scale-out benchmark: `dedup scan` with the local engine and on Dask (issue 6).

Usage::

    python -m benchmarks.bench_scale [--docs 200000] [--files 20]

Builds a corpus of plain-text JSONL documents (default 200,000) from real news sentences
(Reuters-21578 and BBC, see `corpora.py`): each document is 150-450 words of sentences drawn
with a fixed seed, and one in ten is a planted copy of an earlier one (cut, with a new first
line), so the scan has real work to verify and cluster. Then, each run in a fresh process:

- the local engine (`--jobs 1`) on 1/4, 1/2 and all of the corpus, to show how cost grows;
- the local engine with `--jobs 2` on all of it;
- the Dask engine with a LocalCluster of 1 and of 2 worker processes on all of it.

For each: wall time, documents/s, peak memory of the client process (with a LocalCluster,
the scheduler runs in it too) and of each Dask worker (their own peak RSS, read on the workers
before they stop), and whether the report is byte-identical to the local engine's on the same
input. Timings are single runs (each takes minutes); the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpora import news_corpus
from benchmarks.data import run


def build_corpus(folder: Path, docs: int, files: int, seed: int = 6) -> list[Path]:
    """`docs` documents in `files` JSONL files; one in ten a planted copy of an earlier one."""
    rng = random.Random(seed)
    sentences = [
        s.strip() + "."
        for t in news_corpus()
        for s in t.text.replace("\n", " ").split(". ")
        if len(s.split()) >= 6
    ]
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"part-{k:03d}.jsonl" for k in range(files)]
    handles = [open(p, "w", encoding="utf-8") for p in paths]
    made: list[str] = []
    try:
        for n in range(docs):
            if made and rng.random() < 0.1:
                src = made[rng.randrange(len(made))].split(" ")
                keep = src[: max(60, int(len(src) * rng.uniform(0.6, 1.0)))]
                text = f"Copy {n} by another outlet. " + " ".join(keep)
            else:
                words = 0
                parts: list[str] = []
                target = rng.randint(150, 450)
                while words < target:
                    s = sentences[rng.randrange(len(sentences))]
                    parts.append(s)
                    words += len(s.split())
                text = " ".join(parts)
                if len(made) < 20_000:
                    made.append(text)
            rec = {"id": f"d{n:07d}", "text": text}
            handles[n % files].write(json.dumps(rec) + "\n")
    finally:
        for h in handles:
            h.close()
    return paths


def _child(args: argparse.Namespace) -> None:
    """One measured run, in its own process; prints a JSON line."""
    import dedup
    from dedup.output import render

    paths = [Path(p) for p in args.paths]
    t0 = time.perf_counter()
    workers_rss: list[int] = []
    if args.engine == "local":
        report = dedup.scan(paths, jobs=args.jobs)
    else:
        from distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=50,
                memory_limit=0,
            ) as cluster,
            Client(cluster) as client,
        ):
            engine = dedup.DaskEngine(scheduler=cluster.scheduler_address, workers=args.workers)
            report = dedup.scan(paths, engine=engine)

            def peak() -> int:
                return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

            workers_rss = sorted(client.run(peak).values())
    wall = time.perf_counter() - t0
    digest = hashlib.sha256(render(report, "json").encode()).hexdigest()[:16]
    print(
        json.dumps(
            {
                "wall": wall,
                "docs": report.stats.read,
                "clusters": report.stats.clusters,
                "client_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "workers_kb": workers_rss,
                "digest": digest,
            }
        )
    )


def _measure(paths: list[Path], engine: str, jobs: int = 1, workers: int = 1) -> dict[str, object]:
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.bench_scale",
        "--child",
        "--engine",
        engine,
        "--jobs",
        str(jobs),
        "--workers",
        str(workers),
        *map(str, paths),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(args)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = build_corpus(Path(tmp) / "corpus", args.docs, args.files)
        print(
            f"corpus: {args.docs:,} documents in {args.files} JSONL files, "
            f"{sum(p.stat().st_size for p in paths) / 2**20:.0f} MB, built in "
            f"{time.perf_counter() - t0:.0f} s"
        )
        runs: list[tuple[str, list[Path], str, int, int]] = [
            ("local --jobs 1, 1/4", paths[: args.files // 4], "local", 1, 1),
            ("local --jobs 1, 1/2", paths[: args.files // 2], "local", 1, 1),
            ("local --jobs 1, all", paths, "local", 1, 1),
            ("local --jobs 2, all", paths, "local", 2, 1),
            ("dask, 1 worker, all", paths, "dask", 1, 1),
            ("dask, 2 workers, all", paths, "dask", 1, 2),
        ]
        rows = []
        reference: dict[int, object] = {}
        for label, ps, engine, jobs, workers in runs:
            r = _measure(ps, engine, jobs, workers)
            docs = int(r["docs"])  # type: ignore[call-overload]
            if engine == "local" and jobs == 1:
                reference[docs] = r["digest"]
            same = "yes" if reference.get(docs) == r["digest"] else "NO"
            rows.append((label, r, docs, same))
            print(f"  done: {label} in {float(r['wall']):.0f} s", file=sys.stderr)  # type: ignore[arg-type]
        base = float(rows[2][1]["wall"]) / rows[2][2]  # type: ignore[arg-type]
        print()
        print(
            f"{'run':22} {'docs':>8} {'wall s':>7} {'docs/s':>8} {'s/doc vs all':>12} "
            f"{'client MB':>9} {'workers MB':>14} {'same report':>11}"
        )
        for label, r, docs, same in rows:
            wall = float(r["wall"])  # type: ignore[arg-type]
            workers_mb = "/".join(f"{kb / 1024:.0f}" for kb in r["workers_kb"]) or "-"  # type: ignore[attr-defined]
            print(
                f"{label:22} {docs:>8,} {wall:>7.1f} {docs / wall:>8.0f} "
                f"{(wall / docs) / base:>12.2f} {int(r['client_kb']) / 1024:>9.0f} "  # type: ignore[call-overload]
                f"{workers_mb:>14} {same:>11}"
            )
    return 0


if __name__ == "__main__":
    run(main)
