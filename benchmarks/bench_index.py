"""The persistent index (`dedup.Index`) at 1,000,000 documents, beside datasketch's MinHashLSH.

Usage::

    python -m benchmarks.bench_index [--docs 1000000] [--datasketch-docs 200000]
                                     [--redis-docs 20000] [--queries 1000] [--repeats 5]

Corpus: synthetic texts (deterministic, seeded): 60-240 words drawn from a Zipf distribution
over 50,000 word forms; 5% of documents are near-copies of an earlier one (10% of words
replaced). Queries: 1,000 documents not in the index, half near-copies of indexed documents
(among the first 20,000, so that every index below holds their originals), half new texts.

Every system indexes the same MinHash signatures (255 permutations, 85 bands x 3 rows, made by
`dedup.prepare.prepare_chunk`); datasketch gets them as ``LeanMinHash(hashvalues=...)``
(uint32 values widened to uint64, ``params=(85, 3)``), so both put the same documents in the
same buckets. Measured:

* add: documents a second into the index, signatures already made (`Index.add_prepared`,
  50,000 documents a transaction; datasketch: ``MinHashLSH.insert`` of prebuilt LeanMinHash
  objects; Redis: ``insertion_session``). Signing is timed apart.
* query: per query the median of ``--repeats`` runs, then p50 and p99 over the queries.
  `dedup` "lookup": `Index.candidates` (the bucket look-up, what ``MinHashLSH.query`` does);
  `dedup` "verified": `Index.match` (look-up, reading candidates' shingle sets, exact check).
* size: on disk (SQLite file) or in memory (datasketch: RSS growth of its process; Redis:
  ``used_memory`` growth of the server) per document.
* peak memory of a process that queries: ``ru_maxrss`` of a fresh process that opens the index
  and runs every query, at 100,000 and 1,000,000 documents (VmHWM from /proc).

Each query measurement and each datasketch run happens in a fresh process (``--worker``). The
Redis rows use a `redis-server` started here on a free loopback port (and stopped).
datasketch in memory needs ~27 kB a document, so it runs on ``--datasketch-docs``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

import dedup
from benchmarks.data import run
from dedup.engines.pool import prepare_all
from dedup.model import Batch, Entry, Layout

VOCAB = 50_000
CHUNK = 50_000
BANDS, ROWS = 85, 3


# --- corpus ------------------------------------------------------------------------------------


def _words(rng: np.random.Generator, n: int) -> np.ndarray:
    return (rng.zipf(1.25, size=n) - 1) % VOCAB


def corpus_chunk(start: int, n: int, seed: int = 7) -> list[str]:
    """Texts of documents start .. start+n-1 (the same for any chunking of a multiple of n)."""
    rng = np.random.default_rng([seed, start])
    vocab = np.array([f"w{i}" for i in range(VOCAB)], dtype=object)
    lengths = rng.integers(60, 241, n)
    flat = _words(rng, int(lengths.sum()))
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    docs = [flat[offsets[i] : offsets[i + 1]] for i in range(n)]
    for i in range(1, n):
        if rng.random() < 0.05:  # a near-copy of an earlier document of the chunk
            src = docs[int(rng.integers(0, i))].copy()
            changed = rng.random(src.size) < 0.10
            src[changed] = _words(rng, int(changed.sum()))
            docs[i] = src
    return [" ".join(vocab[d]) for d in docs]


def query_texts(n: int) -> list[str]:
    """Half near-copies of documents among the first 20,000, half new texts."""
    rng = np.random.default_rng(99)
    base = corpus_chunk(0, CHUNK)[:20_000]
    out = []
    for k in range(n):
        if k % 2 == 0:
            words = base[int(rng.integers(0, len(base)))].split()
            for j in np.flatnonzero(rng.random(len(words)) < 0.1):
                words[j] = f"w{int(rng.integers(0, VOCAB))}"
            out.append(" ".join(words))
        else:
            out.append(" ".join(f"w{w}" for w in _words(rng, int(rng.integers(60, 241)))))
    return out


def prepared(texts: list[str], first: int, jobs: int) -> Batch:
    docs = (dedup.Document(id=f"d{first + i}", text=t) for i, t in enumerate(texts))
    cfg = dedup.ScanConfig()
    return Batch.concat(list(prepare_all(docs, cfg, jobs)), cfg.minhash.num_perm)


def save_sets(
    path: Path, sets: list[np.ndarray], sigs: list[np.ndarray], layouts: list[Layout]
) -> None:
    sizes = np.array([s.size for s in sets], dtype=np.int64)
    packed = [x.to_array() for x in layouts]
    lsizes = np.array([a.size for a in packed], dtype=np.int64)
    np.savez(
        path,
        flat=np.concatenate(sets),
        offsets=np.concatenate(([0], np.cumsum(sizes))),
        sigs=np.stack(sigs),
        layouts=np.concatenate(packed),
        layout_offsets=np.concatenate(([0], np.cumsum(lsizes))),
    )


def load_sets(path: Path) -> tuple[list[np.ndarray], np.ndarray, list[Layout]]:
    z = np.load(path)
    flat, off = z["flat"], z["offsets"]
    lay, loff = z["layouts"], z["layout_offsets"]
    sets = [flat[off[i] : off[i + 1]] for i in range(off.size - 1)]
    layouts = [Layout.from_array(lay[loff[i] : loff[i + 1]]) for i in range(loff.size - 1)]
    return sets, z["sigs"], layouts


# --- in a worker process -----------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    """Peak resident memory of this process (VmHWM: ``ru_maxrss`` of a child started by a big
    parent reports the parent's size, Linux keeps it across exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


def timed(fn: Any, items: list[Any], repeats: int) -> list[float]:
    """Per item, the median of `repeats` timings (seconds); one warm-up pass first."""
    for x in items:
        fn(x)
    runs = []
    for _ in range(repeats):
        one = []
        for x in items:
            t = time.perf_counter()
            fn(x)
            one.append(time.perf_counter() - t)
        runs.append(one)
    return [statistics.median(r[i] for r in runs) for i in range(len(items))]


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs) * 1000, q))


def worker_query_dedup(location: str, queries: Path, repeats: int) -> dict[str, Any]:
    base = peak_mb()
    sets, sigs, lays = load_sets(queries)
    with dedup.Index.open(location, create=False) as index:
        lookup = timed(lambda i: index.candidates(sigs[i]), list(range(len(sets))), repeats)
        verified = timed(
            lambda i: index.match(sets[i], sigs[i], lays[i]), list(range(len(sets))), repeats
        )
        found = sum(1 for i in range(len(sets)) if index.match(sets[i], sigs[i], lays[i]))
        docs = len(index)
    return {
        "docs": docs,
        "lookup_p50": pct(lookup, 50),
        "lookup_p99": pct(lookup, 99),
        "p50": pct(verified, 50),
        "p99": pct(verified, 99),
        "with_matches": found,
        "peak_mb": peak_mb(),
        "peak_before_open_mb": base,
    }


def _lean(sigs: np.ndarray) -> list[Any]:
    from datasketch import LeanMinHash

    return [LeanMinHash(seed=1, hashvalues=s.astype(np.uint64), scheme="affine32") for s in sigs]


def worker_datasketch(
    sigs_path: Path, queries: Path, n: int, repeats: int, redis_url: str | None
) -> dict[str, Any]:
    from datasketch import MinHashLSH

    sigs = np.load(sigs_path, mmap_mode="r")[:n]
    _, qsigs, _ = load_sets(queries)
    mhs = _lean(np.asarray(sigs))
    qmhs = _lean(qsigs)
    kwargs: dict[str, Any] = {}
    if redis_url:
        host, port = redis_url.removeprefix("redis://").split(":")
        kwargs["storage_config"] = {
            "type": "redis",
            "basename": b"bench",
            "redis": {"host": host, "port": int(port)},
        }
    lsh = MinHashLSH(num_perm=BANDS * ROWS, params=(BANDS, ROWS), **kwargs)
    before = rss_mb()
    used0 = _redis_used(redis_url)
    t = time.perf_counter()
    if redis_url:
        with lsh.insertion_session(buffer_size=10_000) as session:
            for i, m in enumerate(mhs):
                session.insert(f"d{i}", m)
    else:
        for i, m in enumerate(mhs):
            lsh.insert(f"d{i}", m)
    add = time.perf_counter() - t
    grown = (_redis_used(redis_url) - used0) if redis_url else (rss_mb() - before) * 2**20
    q = timed(lambda m: lsh.query(m), qmhs, repeats)
    return {
        "docs": n,
        "add_docs_s": n / add,
        "p50": pct(q, 50),
        "p99": pct(q, 99),
        "bytes_per_doc": grown / n,
        "peak_mb": peak_mb(),
    }


def _redis_used(url: str | None) -> int:
    if not url:
        return 0
    import redis

    r = redis.Redis.from_url(url)
    return int(r.info("memory")["used_memory"])


def worker_dedup_redis(url: str, corpus: Path, queries: Path, repeats: int) -> dict[str, Any]:
    sets, sigs, lays = load_sets(corpus)
    qsets, qsigs, qlays = load_sets(queries)
    location = f"{url}/0?prefix=bench:"
    used0 = _redis_used(url)
    with dedup.Index.open(location) as index:
        t = time.perf_counter()
        for s in range(0, len(sets), 1000):
            idx = range(s, min(s + 1000, len(sets)))
            part = Batch(
                [Entry(f"d{i}", None, None, None, None, None, None) for i in idx],
                [sets[i] for i in idx],
                sigs[list(idx)],
                layouts=[lays[i] for i in idx],
            )
            index.add_prepared(part)
        add = time.perf_counter() - t
        lookup = timed(lambda i: index.candidates(qsigs[i]), list(range(len(qsets))), repeats)
        verified = timed(
            lambda i: index.match(qsets[i], qsigs[i], qlays[i]),
            list(range(len(qsets))),
            repeats,
        )
    return {
        "docs": len(sets),
        "add_docs_s": len(sets) / add,
        "lookup_p50": pct(lookup, 50),
        "lookup_p99": pct(lookup, 99),
        "p50": pct(verified, 50),
        "p99": pct(verified, 99),
        "bytes_per_doc": (_redis_used(url) - used0) / len(sets),
        "peak_mb": peak_mb(),
    }


def run_worker(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_index", "--worker", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"worker {args[0]} failed:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- the driver --------------------------------------------------------------------------------


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            raise SystemExit("redis-server is not installed (apt-get install redis-server)")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [
                exe,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(workdir),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{self.port}"
        import redis

        for _ in range(200):
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def flush(self) -> None:
        import redis

        redis.Redis(port=self.port).flushall()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def chunks(n: int) -> Iterator[tuple[int, int]]:
    for s in range(0, n, CHUNK):
        yield s, min(CHUNK, n - s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--datasketch-docs", type=int, default=200_000)
    ap.add_argument("--redis-docs", type=int, default=20_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2, help="processes signing the corpus")
    ap.add_argument("--workdir", type=Path, default=None, help="keep files here (else a temp dir)")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        kind, *rest = args.worker
        if kind == "query-dedup":
            res = worker_query_dedup(rest[0], Path(rest[1]), int(rest[2]))
        elif kind == "datasketch":
            url = rest[4] if len(rest) > 4 else None
            res = worker_datasketch(Path(rest[0]), Path(rest[1]), int(rest[2]), int(rest[3]), url)
        else:
            res = worker_dedup_redis(rest[0], Path(rest[1]), Path(rest[2]), int(rest[3]))
        print(json.dumps(res))
        return

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-index-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "index.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    qpath = work / "queries.npz"
    q = prepared(query_texts(args.queries), 10**9, 1)
    save_sets(qpath, q.sets, q.sigs, q.layouts)

    print(f"corpus: {args.docs:,} synthetic documents; index at {db}", flush=True)
    sign_s = add_s = 0.0
    small_sigs: list[np.ndarray] = []
    redis_sets: list[np.ndarray] = []
    redis_layouts: list[Layout] = []
    at: dict[int, dict[str, Any]] = {}
    add_at: dict[int, float] = {}
    checkpoints = sorted({min(100_000, args.docs), args.docs})
    with dedup.Index.open(db) as index:
        for start, n in chunks(args.docs):
            t = time.perf_counter()
            part = prepared(corpus_chunk(start, n), start, args.jobs)
            sign_s += time.perf_counter() - t
            if start < args.datasketch_docs:
                small_sigs.extend(part.sigs[: args.datasketch_docs - start])
            if start < args.redis_docs:
                redis_sets.extend(part.sets[: args.redis_docs - start])
                redis_layouts.extend(part.layouts[: args.redis_docs - start])
            t = time.perf_counter()
            index.add_prepared(part)
            add_s += time.perf_counter() - t
            done = start + n
            add_at[done] = done / add_s
            print(
                f"  {done:>9,} docs: add {done / add_s:8.0f} docs/s so far, "
                f"signing {done / sign_s:8.0f} docs/s",
                flush=True,
            )
            if done in checkpoints:
                index.close()  # checkpoint the WAL: the size on disk is the file's
                size = db.stat().st_size
                at[done] = run_worker("query-dedup", str(db), str(qpath), str(args.repeats))
                at[done]["bytes_per_doc"] = size / done
                print(f"  queried at {done:,}: {at[done]}", flush=True)
                index = dedup.Index.open(db)
    np.save(work / "sigs_small.npy", np.stack(small_sigs))
    save_sets(work / "corpus_redis.npz", redis_sets, small_sigs[: args.redis_docs], redis_layouts)

    print("datasketch in memory ...", flush=True)
    ds = run_worker(
        "datasketch",
        str(work / "sigs_small.npy"),
        str(qpath),
        str(args.datasketch_docs),
        str(args.repeats),
    )
    server = RedisServer(work)
    try:
        print("datasketch with Redis storage ...", flush=True)
        ds_redis = run_worker(
            "datasketch",
            str(work / "sigs_small.npy"),
            str(qpath),
            str(args.redis_docs),
            str(args.repeats),
            server.url,
        )
        server.flush()
        print("dedup Index on Redis ...", flush=True)
        ours_redis = run_worker(
            "dedup-redis", server.url, str(work / "corpus_redis.npz"), str(qpath), str(args.repeats)
        )
    finally:
        server.stop()

    small = max(k for k in add_at if k <= max(args.datasketch_docs, CHUNK))
    rows = [
        ("dedup Index, SQLite", f"{args.docs:,}", add_at[args.docs], at[args.docs]),
    ]
    if checkpoints[0] != args.docs:
        c = checkpoints[0]
        rows.append(("dedup Index, SQLite", f"{c:,}", add_at[c], at[c]))
    table = [
        "| system | documents | add (docs/s) | query p50 (ms) | query p99 (ms) | "
        "lookup-only p50 / p99 (ms) | size per doc | peak RSS of a query process |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, docs, add, r in rows:
        table.append(
            f"| {name} | {docs} | {add:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
            f"{r['lookup_p50']:.2f} / {r['lookup_p99']:.2f} | {r['bytes_per_doc']:,.0f} B disk | "
            f"{r['peak_mb']:.0f} MB ({r['peak_before_open_mb']:.0f} MB before opening) |"
        )
    table.append(
        f"| datasketch MinHashLSH, in memory | {ds['docs']:,} | {ds['add_docs_s']:,.0f} | "
        f"{ds['p50']:.2f} (lookup only) | {ds['p99']:.2f} | - | "
        f"{ds['bytes_per_doc']:,.0f} B memory | {ds['peak_mb']:.0f} MB (index in it) |"
    )
    table.append(
        f"| dedup Index, Redis | {ours_redis['docs']:,} | {ours_redis['add_docs_s']:,.0f} | "
        f"{ours_redis['p50']:.2f} | {ours_redis['p99']:.2f} | "
        f"{ours_redis['lookup_p50']:.2f} / {ours_redis['lookup_p99']:.2f} | "
        f"{ours_redis['bytes_per_doc']:,.0f} B Redis memory | - |"
    )
    table.append(
        f"| datasketch MinHashLSH, Redis storage | {ds_redis['docs']:,} | "
        f"{ds_redis['add_docs_s']:,.0f} | {ds_redis['p50']:.2f} (lookup only) | "
        f"{ds_redis['p99']:.2f} | - | {ds_redis['bytes_per_doc']:,.0f} B Redis memory | - |"
    )
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    print(f"signing: {args.docs / sign_s:,.0f} docs/s ({args.jobs} processes)")
    print("\n".join(table))
    print()
    print(
        f"ratios: add, dedup SQLite (first {small:,}) / datasketch in memory "
        f"({ds['docs']:,}): {add_at[small] / ds['add_docs_s']:.2f}; "
        f"add, dedup SQLite ({args.docs:,}) / datasketch in memory: "
        f"{add_at[args.docs] / ds['add_docs_s']:.2f}; "
        f"query p50, dedup SQLite verified / datasketch lookup: "
        f"{at[args.docs]['p50'] / ds['p50']:.2f}; lookup-only: "
        f"{at[args.docs]['lookup_p50'] / ds['p50']:.2f}; "
        f"add, dedup Redis / datasketch Redis: "
        f"{ours_redis['add_docs_s'] / ds_redis['add_docs_s']:.2f}"
    )
    if len(at) > 1:
        lo, hi = min(at), max(at)
        print(
            f"peak RSS of a query process: {at[lo]['peak_mb']:.0f} MB at {lo:,} documents, "
            f"{at[hi]['peak_mb']:.0f} MB at {hi:,}"
        )
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    run(main)
