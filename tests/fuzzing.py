"""What fuzzing checks, shared by the property tests (tests/test_fuzz.py) and the long run
(benchmarks/fuzz.py): one input file of any bytes, read by every reader and scanned.

`check_file` reads a file with `dedup.sources.read_file` and scans it with `dedup.scan`, and
returns what is wrong (empty: nothing): an exception out of either, an item that is neither a
`RawRecord` nor a `Skip`, a reader that raised (a "failed" skip of reading: the file boundary
caught a reader's bug), or counts that do not add up (read = extracted + skipped + failed).
"""

from __future__ import annotations

import gzip
import traceback
from pathlib import Path

from dedup.api import scan
from dedup.config import ScanConfig
from dedup.model import Skip
from dedup.sources import RawRecord, read_file

#: the file names the readers are chosen by (format detection is by name)
SUFFIXES = (".jsonl", ".csv", ".txt", ".html", ".warc", ".jsonl.gz", ".warc.gz")
CONFIG = ScanConfig()


def write_input(folder: Path, suffix: str, data: bytes) -> Path:
    """`data` as the file ``input<suffix>`` in `folder` (gzipped for a ``.gz`` suffix)."""
    path = folder / f"input{suffix}"
    path.write_bytes(gzip.compress(data, mtime=0) if suffix.endswith(".gz") else data)
    return path


def check_file(path: Path, *, scanned: bool = True) -> list[str]:
    """What is wrong with reading and scanning `path` (module docstring); [] if nothing."""
    problems: list[str] = []
    try:
        items = list(read_file(path, path.name, CONFIG.input))
    except Exception:
        return [f"read_file raised:\n{traceback.format_exc()}"]
    for item in items:
        if not isinstance(item, RawRecord | Skip):
            problems.append(f"read_file gave a {type(item).__name__}")
        elif isinstance(item, Skip) and item.status == "failed":
            problems.append(f"a reader raised: {item.reason}")
    if not scanned:
        return problems
    try:
        report = scan([path], CONFIG, jobs=1)
    except Exception:
        return [*problems, f"scan raised:\n{traceback.format_exc()}"]
    s = report.stats
    if s.read != s.extracted + s.skipped + s.failed:
        problems.append(f"counts do not add up: {s.to_dict()}")
    # a skip may stand for several records (a file none of whose records has text: one skip)
    given = sum(item.records if isinstance(item, Skip) else 1 for item in items)
    if s.read != given:
        problems.append(f"scan read {s.read} records, read_file gave {given}")
    failed = [k for k in report.skipped if k.status == "failed"]
    if failed:
        problems.append(f"a record failed: {failed[0].reason}")
    return problems
