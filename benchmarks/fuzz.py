"""Coverage-guided fuzzing of every reader and the record boundary, for a given time.

Usage::

    python -m benchmarks.fuzz [--seconds 60] [--findings DIR]

Each input is one file: its first byte chooses the reader (by file name: `tests.fuzzing.SUFFIXES`,
``.gz`` ones gzipped), the rest is the file's content; `tests.fuzzing.check_file` reads and scans
it and says what is wrong (an exception, a reader that raised, counts that do not add up).
The search is atheris's (libFuzzer, guided by the coverage of the `dedup` package, which is
instrumented), seeded with the files of tests/fixtures/hostile and tests/fixtures/io; without
atheris, a hypothesis run of random inputs for the same time. Prints the inputs tried and the
failures (expected: zero); each failing input is written to ``--findings`` with what was wrong,
to become a fixture under tests/fixtures/hostile/ once fixed. Exit status 1 if any failed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [ROOT / "tests" / "fixtures" / "hostile", ROOT / "tests" / "fixtures" / "io"]


class _Run:
    """Counts and findings of one fuzzing run."""

    def __init__(self, seconds: float, findings: Path, work: Path) -> None:
        self.deadline = time.monotonic() + seconds
        self.start = time.monotonic()
        self.findings = findings
        self.work = work
        self.tried = 0
        self.failed = 0

    def one(self, suffix: str, body: bytes) -> None:
        from tests.fuzzing import check_file, write_input

        self.tried += 1
        path = write_input(self.work, suffix, body)
        problems = check_file(path)
        if problems:
            self.failed += 1
            self.findings.mkdir(parents=True, exist_ok=True)
            name = hashlib.sha256(body).hexdigest()[:16] + suffix.replace(".gz", "")
            (self.findings / name).write_bytes(body)
            (self.findings / (name + ".problem.txt")).write_text("\n".join(problems) + "\n")
            print(f"FAILURE {suffix}: {problems[0].splitlines()[0]} -> {self.findings / name}")

    def over(self) -> bool:
        return time.monotonic() > self.deadline

    def summary(self) -> str:
        took = time.monotonic() - self.start
        rate = self.tried / max(took, 1e-9)
        return (
            f"fuzz: {self.tried} inputs tried in {took:.0f} s ({rate:.0f}/s), "
            f"{self.failed} failures"
        )


def _seed_corpus(folder: Path, suffixes: tuple[str, ...]) -> None:
    """Seeds: each fixture file under every reader whose name it fits (first byte: the reader)."""
    for root in SEEDS:
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.stat().st_size > 64_000:
                continue
            data = path.read_bytes()
            for i, suffix in enumerate(suffixes):
                if path.name.endswith(suffix.replace(".gz", "")):
                    (folder / f"{path.name}-{i}").write_bytes(bytes([i]) + data)


def _atheris(run: _Run, corpus: Path) -> None:
    import atheris

    with atheris.instrument_imports(include=["dedup"]):
        import dedup.api  # noqa: F401  (instrumented: coverage guides the search)
        from tests.fuzzing import SUFFIXES

    _seed_corpus(corpus, SUFFIXES)

    def test_one(data: bytes) -> None:
        if run.over():
            print(run.summary(), flush=True)
            os._exit(1 if run.failed else 0)  # libFuzzer's loop has no other way out
        if not data:
            return
        run.one(SUFFIXES[data[0] % len(SUFFIXES)], data[1:])

    argv = [
        sys.argv[0],
        str(corpus),
        "-rss_limit_mb=4096",
        "-max_len=20000",
        "-print_final_stats=0",
    ]
    atheris.Setup(argv, test_one)
    atheris.Fuzz()


def _hypothesis(run: _Run) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.fuzzing import SUFFIXES

    class TimeUp(Exception):
        pass

    @settings(
        max_examples=10**9,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.sampled_from(SUFFIXES), st.binary(max_size=20000))
    def search(suffix: str, body: bytes) -> None:
        if run.over():
            raise TimeUp
        run.one(suffix, body)

    try:
        search()
    except TimeUp:
        pass
    print(run.summary(), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--findings", type=Path, default=Path("fuzz-findings"))
    ap.add_argument("--hypothesis", action="store_true", help="the fallback, even with atheris")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        work, corpus = Path(tmp) / "work", Path(tmp) / "corpus"
        work.mkdir()
        corpus.mkdir()
        run = _Run(args.seconds, args.findings, work)
        try:
            import atheris  # noqa: F401
        except ImportError:
            args.hypothesis = True
        if args.hypothesis:
            print("fuzz: hypothesis (random inputs, not coverage-guided)")
            _hypothesis(run)
            sys.exit(1 if run.failed else 0)
        print("fuzz: atheris (coverage-guided)", flush=True)
        _atheris(run, corpus)


if __name__ == "__main__":
    main()
