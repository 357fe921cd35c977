"""Faults of processes (`dedup.engines.pool`): a `dedup scan --jobs 2` or `dedup index add
--jobs 2` killed with `kill -9` leaves no process behind; a killed worker stops the run with one
line. Run for real: the CLI in a subprocess, its children found with psutil."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import psutil
import pytest

import dedup.engines.pool as pool

ROOT = Path(__file__).resolve().parent.parent
#: the CLI as a user runs it (`dedup ...`), importing this tree
_CLI = "import sys; from dedup.cli import main; sys.argv[0] = 'dedup'; main()"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~12 MB of JSONL texts: a scan of it at --jobs 2 runs for several seconds."""
    rng = random.Random(7)
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9))) for _ in range(4000)
    ]
    path = tmp_path_factory.mktemp("faults") / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(6000):
            text = " ".join(rng.choices(words, k=300))
            fh.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    return path


def _start(*args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", _CLI, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )


def _workers(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """Every process under `proc` once a worker (a child of the forkserver) runs."""
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before a worker started"
        try:
            kids = parent.children(recursive=True)
            if any(k.ppid() != proc.pid for k in kids):
                return list(kids)
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.05)
    raise AssertionError("no worker started within 60 s")


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


@pytest.mark.parametrize("command", ["scan", "index add"])
def test_kill_9_of_the_parent_leaves_no_process(command: str, corpus: Path, tmp_path: Path) -> None:
    args = ["scan", str(corpus), "--jobs", "2", "--format", "json"]
    if command == "index add":
        args = ["index", "add", str(corpus), "--index", str(tmp_path / "i.db"), "--jobs", "2"]
    proc = _start(*args)
    children = _workers(proc)
    # the forkserver, multiprocessing's resource tracker, and the worker
    assert len(children) >= 3, [c.cmdline() for c in children]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.stderr is not None
    proc.stderr.close()
    deadline = time.monotonic() + 10
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _alive(children)
    for p in left:  # do not leave them to the next test
        p.kill()
    assert left == [], [p.cmdline() for p in left]


def test_a_killed_worker_stops_the_run_with_one_line(corpus: Path) -> None:
    proc = _start("scan", str(corpus), "--jobs", "2", "--format", "json")
    workers = [k for k in _workers(proc) if k.ppid() != proc.pid]
    workers[0].kill()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    lines = err.decode().splitlines()
    assert len(lines) == 1, err.decode()
    assert lines[0].startswith("dedup: error: a worker process died"), lines


def _kill_worker_with_cancelled_units(executor: ProcessPoolExecutor) -> list[Any]:
    """Submit slow units, cancel the last ones, kill the worker: what the executor's thread
    raised (the bug of Python 3.11: `InvalidStateError` marking a cancelled unit failed)."""
    raised: list[Any] = []
    hook = threading.excepthook
    threading.excepthook = raised.append
    try:
        futures = [executor.submit(time.sleep, 30) for _ in range(8)]
        deadline = time.monotonic() + 60
        while not futures[0].running() and time.monotonic() < deadline:
            time.sleep(0.02)
        for fut in futures[4:]:
            assert fut.cancel()
        time.sleep(0.3)  # the worker has taken the first unit
        for p in list(executor._processes.values()):
            assert p.pid is not None
            os.kill(p.pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            futures[0].result(timeout=60)
        executor.shutdown(wait=True)
    finally:
        threading.excepthook = hook
    return raised


def test_a_dead_worker_with_cancelled_units_gives_no_thread_traceback() -> None:
    assert _kill_worker_with_cancelled_units(pool._Pool(1)) == []
    if sys.version_info < (3, 12):  # the bug `_ManagerThread` works around is there
        plain = ProcessPoolExecutor(max_workers=1, mp_context=pool._context())
        raised = _kill_worker_with_cancelled_units(plain)
        assert [type(r.exc_value).__name__ for r in raised] == ["InvalidStateError"]
