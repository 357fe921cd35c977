"""Reading dates: python-dateutil (what `dedup.dates` uses) against dateparser, on real date
strings: `python -m benchmarks.dates`.

Sets: every ``<DATE>`` of Reuters-21578 (expected: its strptime ``%d-%b-%Y %H:%M:%S.%f``
reading), every ``scrape_time`` of ArticleComparisons (ISO 8601 with an offset), and
`benchmarks/date_labels.csv`: the forms of the date lines in the ArticleComparisons texts and a
few others, each with the value read by hand (empty: not a readable date). Printed per set and
reader: correct, wrong (a value that differs from the expected one, or a value where none is
expected), unread, and microseconds a date (median of 3 runs).

dateparser is run as a fair rival: month first, strict (a year, month and day required),
zone-aware; a value it returns at midnight counts as right for an expected date alone.
"""

from __future__ import annotations

import csv
import gzip
import re
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.data import dataset_dir, run
from dedup.dates import _parse, parse_date

LABELS = Path(__file__).with_name("date_labels.csv")
_DATE = re.compile(r"<DATE>\s*([^<]*?)\s*</DATE>")

#: dateparser reads ~250 dates a second: a larger set is sampled evenly to this many
_DATEPARSER_CASES = 2000

Reader = Callable[[str], str | None]


def reuters_dates() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for path in sorted(dataset_dir("news_reuters21578").glob("reut2-*.sgm.gz")):
        with gzip.open(path, "rt", encoding="latin-1") as f:
            for value in _DATE.findall(f.read()):
                try:
                    dt = datetime.strptime(value, "%d-%b-%Y %H:%M:%S.%f")
                    out.append((value, dt.strftime("%Y-%m-%dT%H:%M:%SZ")))
                except ValueError:
                    out.append((value, None))
    return out


def scrape_times() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    folder = dataset_dir("news_syndication_articlecomparisons")
    for path in sorted(folder.glob("*_articles.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                dt = datetime.fromisoformat(row["scrape_time"]).astimezone(UTC)
                out.append((row["scrape_time"], dt.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return out


def labelled() -> list[tuple[str, str | None]]:
    with LABELS.open(encoding="utf-8", newline="") as f:
        return [(r["value"], r["expected"] or None) for r in csv.DictReader(f)]


def with_dateparser() -> Reader:
    import dateparser

    settings = {
        "DATE_ORDER": "MDY",
        "STRICT_PARSING": True,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
    }

    def read(value: str) -> str | None:
        dt = dateparser.parse(value, languages=["en"], settings=settings)  # type: ignore[arg-type]
        return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    return read


def _right(got: str | None, expected: str | None) -> bool:
    if got is None or expected is None:
        return got == expected
    if "T" not in expected:  # a date alone: dateparser gives its midnight
        return got == expected or got == f"{expected}T00:00:00Z"
    return got == expected


def measure(read: Reader, cases: list[tuple[str, str | None]]) -> str:
    right = wrong = unread = 0
    missed: list[str] = []
    for value, expected in cases:
        got = read(value)
        if _right(got, expected):
            right += 1
            continue
        if got is None:
            unread += 1
        else:
            wrong += 1
        missed.append(f"{value!r} -> {got}")
    runs = []
    for _ in range(3):
        _parse.cache_clear()  # timed without the cache of repeated values
        t0 = time.perf_counter()
        for value, _expected in cases:
            read(value)
        runs.append((time.perf_counter() - t0) / len(cases) * 1e6)
    line = (
        f"{right}/{len(cases)} right, {wrong} wrong, {unread} unread, "
        f"{statistics.median(runs):.0f} us a date"
    )
    return line + "".join(f"\n    missed {m}" for m in missed[:5])


def main() -> None:
    sets = {
        "Reuters-21578 <DATE>": reuters_dates(),
        "ArticleComparisons scrape_time": scrape_times(),
        "date_labels.csv (read by hand)": labelled(),
    }
    readers: dict[str, Reader] = {"dateutil (dedup.dates)": parse_date}
    readers["dateparser"] = with_dateparser()
    for name, cases in sets.items():
        for rname, read in readers.items():
            if rname == "dateparser" and len(cases) > _DATEPARSER_CASES:
                cases = cases[:: len(cases) // _DATEPARSER_CASES][:_DATEPARSER_CASES]
                name = f"{name} (every {len(sets[name]) // _DATEPARSER_CASES}th)"
            print(f"{name}: {rname}: {measure(read, cases)}")


if __name__ == "__main__":
    run(main)
